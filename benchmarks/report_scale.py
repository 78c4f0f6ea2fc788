"""How the report scales: N merged runs of M claims each -> build time, file sizes, browser timings.

    python benchmarks/report_scale.py                 # 20 runs x 5,000 claims, in a temporary directory
    python benchmarks/report_scale.py --runs 3 --claims 200 --keep /tmp/scale --no-browser

A measurement, not a test: it prints figures for the README. Results are synthetic but shaped
like real ones (mostly holds, some contradicted / not-run, a few fails and errors, some drift).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from torchclaims.report.build import build, csv_matrix  # noqa: E402
from torchclaims.report.load import load_runs, merge  # noqa: E402
from torchclaims.report.render import render  # noqa: E402
from torchclaims.results import write_results  # noqa: E402

TORCHES = ["2.9.1", "2.10.0", "2.11.0", "2.12.0", "2.13.0", "2.14.1"]
DOCS = [f"00{i}_doc.txt" for i in range(5)]
TOPICS = ["tensors", "autograd", "modules", "data", "training", "numpy_interop", "lenet", "optim"]
QUOTE = "Torch TensorとNumPy配列は基礎となるメモリアドレスを共有しており、一方を変更すると他方も変化します。"


def claim_verdict(rng: random.Random, stable: str, drifts: bool) -> str:
    if drifts and rng.random() < 0.5:
        return rng.choice(["holds", "contradicted", "fails"])
    return stable


def synthetic_runs(directory: Path, runs: int, claims: int, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    base = rng.choices(["holds", "contradicted", "fails", "error", "not-run"], [85, 7, 1, 0.5, 6.5], k=claims)
    drifting = [rng.random() < 0.03 for _ in range(claims)]
    paths = []
    for r in range(runs):
        torch = TORCHES[r % len(TORCHES)]
        machine = f"Machine {r // len(TORCHES)}"   # each run: its own torch x machine, so 20 environments
        device = "cuda" if (r // len(TORCHES)) % 2 else "cpu"
        accelerators = [{"type": "cuda", "name": f"GPU of {machine}", "capability": "9.0", "cuda": "13.0"}]
        records = []
        for c in range(claims):
            verdict = claim_verdict(rng, base[c], drifting[c])
            expected = {"shape": [c % 7, 3], "dtype": "torch.float32", "value": round(c * 0.37, 3)}
            observed = expected if verdict == "holds" else {**expected, "value": round(c * 0.41, 3)}
            message = {"holds": "", "contradicted": "torch has changed this since the document was written.",
                       "fails": f"the observation['value']: observed {c * 0.41:.3f}, expected {c * 0.37:.3f}",
                       "error": "RuntimeError: something went wrong in the checker",
                       "not-run": "needs torchvision, which is not installed"}[verdict]
            records.append({"claim": f"{TOPICS[c % len(TOPICS)]}.claim-{c:05d}", "device": device, "verdict": verdict,
                            "expected": expected, "observed": observed, "message": message, "duration_s": 0.001,
                            "details": "Traceback (most recent call last): ..." if verdict == "error" else "",
                            "source": DOCS[c % len(DOCS)], "quote": QUOTE, "topic": TOPICS[c % len(TOPICS)],
                            "says": f"Claim {c}: a plain English sentence of what the material says about tensors."})
        info = {"torch": torch, "torchvision": "0.29.1", "numpy": "2.4", "python": "3.11.7", "platform": "Linux",
                "cpu": f"CPU of {machine}", "threads": 2, "accelerators": accelerators, "harness": "0.1.0",
                "started": f"2026-01-{r + 1:02d}T00:00:00+00:00", "duration_s": 60.0, "argv": ["run"]}
        paths.append(write_results(directory / f"results-{r:02d}.json", info, records))
    return paths


def timed(label: str, fn, figures: dict):
    start = time.perf_counter()
    value = fn()
    figures[label] = time.perf_counter() - start
    return value


def browser_figures(html: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from selenium.webdriver.support.ui import Select

    from tests import browser

    if (why := browser.missing()):
        return {"browser": f"skipped: {why}"}
    figures = {}
    with browser.chromium() as driver:
        driver.set_page_load_timeout(300)
        start = time.perf_counter()
        driver.get(html.resolve().as_uri())
        figures["browser: open until load event (s)"] = time.perf_counter() - start
        select = Select(driver.find_element("css selector", "#filters select[name=verdict]"))
        start = time.perf_counter()
        select.select_by_value("fails")
        shown = driver.find_element("id", "shown").text
        driver.execute_script("return document.body.offsetHeight")  # force layout
        figures["browser: filter by verdict (s)"] = time.perf_counter() - start
        figures["browser: rows after filter"] = shown
        select.select_by_value("")
        start = time.perf_counter()
        driver.execute_script("const f = document.getElementById('filters'); f.elements.q.value = 'claim-00042';"
                              "f.dispatchEvent(new Event('change'));")
        shown = driver.find_element("id", "shown").text
        figures["browser: text search, first (s)"] = time.perf_counter() - start
        figures["browser: rows after search"] = shown
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the files")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        figures: dict = {}
        paths = timed("generate results files (s)", lambda: synthetic_runs(directory, args.runs, args.claims), figures)
        runs = timed("load (s)", lambda: load_runs(paths), figures)
        frame, envs = timed("merge (s)", lambda: merge(runs), figures)
        report = timed("pivots, errata, drift (s)", lambda: build(runs, frame, envs), figures)
        page = timed("render HTML (s)", lambda: render(report, [p.name for p in paths]), figures)
        html = directory / "conformance.html"
        html.write_text(page, encoding="utf-8")
        timed("CSV (s)", lambda: csv_matrix(frame, envs).to_csv(html.with_suffix(".csv"), index=False), figures)
        figures["report build total (s)"] = sum(figures[k] for k in ("load (s)", "merge (s)", "pivots, errata, drift (s)",
                                                                     "render HTML (s)", "CSV (s)"))
        figures["HTML size (MB)"] = html.stat().st_size / 1e6
        figures["CSV size (MB)"] = html.with_suffix(".csv").stat().st_size / 1e6
        figures["claims x environments"] = f"{report.claim_count} x {len(report.environments)}"
        figures["drift claims"] = len(report.drift)
        figures["errata claims"] = sum(len(page["items"]) for page in report.errata)
        if not args.no_browser:
            figures.update(browser_figures(html))
    print(f"report scale: {args.runs} runs x {args.claims} claims")
    for key, value in figures.items():
        print(f"  {key:40s} {value:.2f}" if isinstance(value, float) else f"  {key:40s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
