"""docs/img/errata.png: one document's errata section of the real report, in headless Chromium.

    python docs/errata_screenshot.py [--source 002_fae67575efbe4981.txt] [--out docs/img/errata.png]

It builds the report from the committed histories (both projects, newest release's results) into a
temporary folder and captures the document's errata entry whole, as tests/test_report_browser.py
drives Chromium (Debian's chromium + chromium-driver and selenium: nothing is downloaded).
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, missing  # noqa: E402
from torchclaims.report import write_report  # noqa: E402

PROJECTS = ("projects/ja-intros", "examples/pytorch-tutorials")


def build(folder: Path) -> Path:
    results, histories = [], []
    for project in PROJECTS:
        history = ROOT / project / "history"
        results += [history / "results-torch-2.14.1.json", history / "results-torch-2.15.0.json"]
        histories.append(history / "history.json")
    html, _ = write_report(results, folder / "conformance.html", specs_dir=None, histories=histories)
    return html


def capture(html: Path, source: str, out: Path, width: int = 1100) -> None:
    from torchclaims.report.render import slug

    with chromium() as driver:
        driver.set_window_size(width, 1000)
        driver.get(html.as_uri())
        element = driver.find_element("id", f"errata-{slug(source)}")
        driver.execute_script("arguments[0].open = true; arguments[0].scrollIntoView();", element)
        box = driver.execute_script("const r = arguments[0].getBoundingClientRect();"
                                    "return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];", element)
        x, y, w, h = box
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": max(x - 8, 0), "y": max(y - 40, 0), "width": w + 16, "height": h + 48, "scale": 1}})
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="002_fae67575efbe4981.txt", help="the document whose errata are shown")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "errata.png"))
    args = parser.parse_args(argv)
    if (why := missing()):
        print(f"cannot take the screenshot: {why}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        capture(build(Path(folder)), args.source, Path(args.out))
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
