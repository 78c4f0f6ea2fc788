"""docs/img/notebook-report.png: the README's notebook flow, done for real, and its report in headless Chromium.

    python docs/notebook_screenshot.py [--folder /var/tmp/notebook-page] [--out docs/img/notebook-report.png]

In FOLDER (emptied of what it made before) it writes the tests' course notebook (tests/notebook_material.py:
its outputs written as a GPU machine on torch 1.13.1 printed them), then runs the commands the README shows:

    torchclaims init course
    cd course && torchclaims extract ../00_tensors.ipynb && torchclaims run -n 2

and captures the top of reports/conformance.html (the summary) and its claims table, as
tests/test_report_browser.py drives Chromium (Debian's chromium + chromium-driver and selenium:
nothing is downloaded, and no command uses the network). Needs the extras browser (selenium) and
vision (pillow, which stacks the two parts into one image).
"""

from __future__ import annotations

import argparse
import base64
import io
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, missing  # noqa: E402
from tests.notebook_material import write_course_notebook  # noqa: E402

TORCHCLAIMS = [sys.executable, "-m", "torchclaims"]
NOTEBOOK = "00_tensors.ipynb"


def flow(folder: Path) -> Path:
    """init, extract, run: the README's commands, each as a user types it; the report's path."""
    for made in (folder / "course", folder / NOTEBOOK):
        shutil.rmtree(made, ignore_errors=True) if made.is_dir() else made.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    write_course_notebook(folder / NOTEBOOK)
    course = folder / "course"
    for command, cwd in ((["init", "course"], folder), (["extract", f"../{NOTEBOOK}"], course),
                         (["run", "-n", "2"], course)):
        print("$ torchclaims", " ".join(command), flush=True)
        subprocess.run(TORCHCLAIMS + command, cwd=cwd, check=True)
    return course / "reports" / "conformance.html"


def box(driver, element_id: str) -> tuple[float, float, float, float]:
    return tuple(driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];", element_id))


def shoot(driver, x: float, y: float, w: float, h: float) -> bytes:
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": x, "y": y, "width": w, "height": h, "scale": 1}})
    return base64.b64decode(shot["data"])


OPENED = ("nb_00_tensors.making-tensors-1", "nb_00_tensors.the-machine-3", "nb_00_tensors.versions-1")  # compared; needs CUDA; environment


def capture(html: Path, out: Path, width: int = 1100) -> None:
    """The page's top through the verdicts' legend, then the claims table with two rows' details open: one image."""
    from PIL import Image
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        driver.set_window_size(width, 3000)  # tall, so the claims table (at most 82% of it) shows every row
        driver.get(html.as_uri())
        driver.execute_script("document.getElementById('matrix-wrap').scrollIntoView()")
        # the table's rows, and a row's details, are built as tasks: wait for them, not for a fixed time
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.querySelectorAll('#matrix tbody tr').length"))
        for claim in OPENED:
            driver.execute_script(
                "for (const tr of document.querySelectorAll('#matrix tbody tr'))"
                "  if (tr.querySelector('.cid').textContent === arguments[0]) tr.querySelector('details').open = true;", claim)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll('#matrix tbody details[open]')).every(e => e.children.length > 1)"))
        driver.execute_script("window.scrollTo(0, 0)")
        legend = driver.execute_script("const r = document.querySelector('#summary p.note').getBoundingClientRect();"
                                       "return r.bottom + window.scrollY;")
        claims = box(driver, "claims")
        parts = [shoot(driver, 0, 0, width, legend + 12), shoot(driver, 0, claims[1] - 8, width, claims[3] + 16)]
    images = [Image.open(io.BytesIO(part)) for part in parts]
    page = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    y = 0
    for image in images:
        page.paste(image.convert("RGB"), (0, y))
        y += image.height
    out.parent.mkdir(parents=True, exist_ok=True)
    page.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)  # a palette keeps it small


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="/var/tmp/notebook-page", help="where the notebook and its project are made")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "notebook-report.png"))
    args = parser.parse_args(argv)
    if (why := missing()):
        print(f"cannot take the screenshot: {why}", file=sys.stderr)
        return 1
    capture(flow(Path(args.folder)), Path(args.out))
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
