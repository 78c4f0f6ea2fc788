"""How the report scales: N merged runs of M claims each -> build time, file sizes, browser timings.

    python benchmarks/report_scale.py                 # 20 runs x 5,000 claims, in a temporary directory
    python benchmarks/report_scale.py --real          # 17 torch release lines x 2 devices x 500 claims, with a history
    python benchmarks/report_scale.py --runs 3 --claims 200 --keep /tmp/scale --no-browser
    python benchmarks/report_scale.py --keep /tmp/scale --reuse   # time again on the files written before
    python benchmarks/report_scale.py --real --throttle 10        # the renderer slowed 10x, standing for a loaded machine

A measurement, not a test: it prints figures for docs/measurements.md. Results are synthetic but shaped
like real ones (mostly holds, some contradicted / not-run, a few fails and errors, some drift).
Each stage is timed by the wall clock and by the process's CPU time: on a machine shared with
other work the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from torchclaims.releases import line_releases  # noqa: E402
from torchclaims.report.build import build, write_csv  # noqa: E402
from torchclaims.report.history import read_history  # noqa: E402
from torchclaims.report.load import load_runs, merge  # noqa: E402
from torchclaims.report.render import render  # noqa: E402
from torchclaims.report.write import documents_of, no_gc, write_report  # noqa: E402
from torchclaims.results import write_results  # noqa: E402

TORCHES = ["2.9.1", "2.10.0", "2.11.0", "2.12.0", "2.13.0", "2.14.1"]
DOCS = [f"00{i}_doc.txt" for i in range(5)]
DATES = ["2018-12", "2024-11-28", "2020", "2022-11-03", "2021-10-28"]
TOPICS = ["tensors", "autograd", "modules", "data", "training", "numpy_interop", "lenet", "optim"]
QUOTE = "Torch TensorとNumPy配列は基礎となるメモリアドレスを共有しており、一方を変更すると他方も変化します。"
MESSAGES = {"holds": "", "contradicted": "torch has changed this since the document was written.",
            "fails": "the observation['value'] differs", "error": "RuntimeError: something went wrong in the checker",
            "not-run": "needs torchvision, which is not installed"}


def claim_verdict(rng: random.Random, stable: str, drifts: bool) -> str:
    if drifts and rng.random() < 0.5:
        return rng.choice(["holds", "contradicted", "fails"])
    return stable


def record(c: int, device: str, verdict: str) -> dict:
    expected = {"shape": [c % 7, 3], "dtype": "torch.float32", "value": round(c * 0.37, 3)}
    observed = expected if verdict == "holds" else {**expected, "value": round(c * 0.41, 3)}
    return {"claim": f"{TOPICS[c % len(TOPICS)]}.claim-{c:05d}", "device": device, "verdict": verdict,
            "expected": expected, "observed": observed, "message": MESSAGES[verdict], "duration_s": 0.001,
            "details": "Traceback (most recent call last): ..." if verdict == "error" else "",
            "source": DOCS[c % len(DOCS)], "quote": QUOTE, "topic": TOPICS[c % len(TOPICS)],
            "says": f"Claim {c}: a plain English sentence of what the material says about tensors."}


def documents() -> dict:
    return {doc: {"title": f"Document {i}", "author": "someone", "site": "example", "date": DATES[i], "language": "ja"}
            for i, doc in enumerate(DOCS)}


def run_info(torch: str, machine: str, r: int) -> dict:
    return {"torch": torch, "torchvision": "0.29.1", "numpy": "2.4", "python": "3.11.7", "platform": "Linux",
            "cpu": f"CPU of {machine}", "threads": 2, "harness": "0.1.0", "started": f"2026-01-{r + 1:02d}T00:00:00+00:00",
            "accelerators": [{"type": "cuda", "name": f"GPU of {machine}", "capability": "9.0", "cuda": "13.0"}],
            "duration_s": 60.0, "argv": ["run"], "project": {"name": "scale", "specs_sha256": "0" * 64}}


def synthetic_runs(directory: Path, runs: int, claims: int, seed: int = 0) -> list[Path]:
    """`runs` results files, each its own torch x machine (so `runs` environments), `claims` records each."""
    rng = random.Random(seed)
    base = rng.choices(["holds", "contradicted", "fails", "error", "not-run"], [85, 7, 1, 0.5, 6.5], k=claims)
    drifting = [rng.random() < 0.03 for _ in range(claims)]
    paths = []
    for r in range(runs):
        torch = TORCHES[r % len(TORCHES)]
        machine = f"Machine {r // len(TORCHES)}"
        device = "cuda" if (r // len(TORCHES)) % 2 else "cpu"
        records = [record(c, device, claim_verdict(rng, base[c], drifting[c])) for c in range(claims)]
        document = {"schema": "torchclaims/results/1", "run": run_info(torch, machine, r), "documents": documents(),
                    "results": records}
        path = directory / f"results-{r:02d}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def real_case(directory: Path, claims: int, seed: int = 0) -> tuple[list[Path], Path]:
    """One results file per torch release line (CPU and CUDA records), and a history.json over them."""
    rng = random.Random(seed)
    lines = [r.torch for r in line_releases()]
    # each claim x device: a verdict per line, changing at most twice (as real claims do)
    story = {}
    for c in range(claims):
        for device in ("cpu", "cuda"):
            verdicts = [rng.choices(["holds", "contradicted", "not-run"], [88, 8, 4])[0]] * len(lines)
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                at = rng.randrange(1, len(lines))
                verdicts[at:] = [rng.choice(["holds", "contradicted"])] * (len(lines) - at)
            story[(c, device)] = verdicts
    paths = []
    for i, torch in enumerate(lines):
        records = [record(c, device, story[(c, device)][i]) for c in range(claims) for device in ("cpu", "cuda")]
        paths.append(write_results(directory / f"results-torch-{torch}.json", run_info(torch, "Machine 0", i), records,
                                   documents()))
    entries, changes = [], []
    for (c, device), verdicts in story.items():
        rec = record(c, device, "holds")
        intervals = []
        for i, v in enumerate(verdicts):
            observed = record(c, device, v)["observed"]
            if intervals and intervals[-1]["verdict"] == v:
                continue
            if intervals:
                intervals[-1]["until"] = lines[i]
                changes.append({"claim": rec["claim"], "device": device, "quote": rec["quote"], "source": rec["source"],
                                "torch_before": lines[i - 1], "verdict_before": verdicts[i - 1],
                                "observed_before": intervals[-1]["observed"], "torch_after": lines[i],
                                "verdict_after": v, "observed_after": observed})
            intervals.append({"since": lines[i], "until": None, "verdict": v, "observed": observed})
        entries.append({"claim": rec["claim"], "device": device, "source": rec["source"], "quote": rec["quote"],
                        "intervals": intervals})
    releases = [{"torch": r.torch, "uploaded": r.uploaded.isoformat(), "torchvision": r.torchvision, "line": True,
                 "results": f"results-torch-{r.torch}.json"} for r in line_releases()]
    history = directory / "history.json"
    history.write_text(json.dumps({"schema": "torchclaims/history/1", "generated": "2026-12-02T18:00:00+00:00",
                                   "project": {"name": "scale", "specs_sha256": "0" * 64}, "releases": releases,
                                   "claims": entries, "changes": changes}, ensure_ascii=False), encoding="utf-8")
    return paths, history


def timed(label: str, fn, figures: dict):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    figures[f"{label} (s)"] = time.perf_counter() - wall
    figures[f"{label}, CPU (s)"] = time.process_time() - cpu
    return value


def browser_figures(html: Path, throttle: float = 1) -> dict:
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from tests import browser

    if (why := browser.missing()):
        return {"browser": f"skipped: {why}"}
    figures = {}
    with browser.chromium() as driver:
        driver.set_page_load_timeout(300)
        driver.execute_cdp_cmd("Performance.enable", {})
        if throttle != 1:   # DevTools' CPU throttling: the page's own thread runs `throttle` times slower
            driver.get("about:blank")
            driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": throttle})
            figures["browser: renderer CPU throttled"] = f"{throttle:g}x"
        start = time.perf_counter()
        uri = html.resolve().as_uri()
        driver.get(uri)
        # get() came back early once (0.05 s, the page's own clock saying 350 ms): wait for this page's load event too
        WebDriverWait(driver, 300, poll_frequency=0.01).until(lambda d: d.execute_script(
            "const t = performance.getEntriesByType('navigation')[0];"
            "return location.href === arguments[0] && !!t && t.loadEventEnd > 0", uri))
        figures["browser: open until load event (s)"] = time.perf_counter() - start
        # the renderer's own busy time (parse, script, style, layout): steadier than the clock on a shared machine
        metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
        figures["browser: renderer busy: task / script / layout+style (s)"] = (
            f"{metrics['TaskDuration']:.2f} / {metrics['ScriptDuration']:.2f} / "
            f"{metrics['LayoutDuration'] + metrics['RecalcStyleDuration']:.2f}")
        timing = driver.execute_script("const t = performance.getEntriesByType('navigation')[0];"
                                       "return [t.domInteractive, t.loadEventEnd];")
        figures["browser: page's own clock, parsed / loaded (ms)"] = f"{timing[0]:.0f} / {timing[1]:.0f}"
        figures["browser: rows built at load"] = driver.execute_script("return document.querySelectorAll('#matrix tbody tr').length")
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
        # the table's first rows are built when it comes near the screen: scroll to it, and time (by the page's clock)
        # until a frame is drawn with rows in it
        figures["browser: scroll to the claims table, until drawn with rows (s)"] = driver.execute_async_script(
            "const done = arguments[0], start = performance.now();"
            "document.getElementById('matrix-wrap').scrollIntoView({behavior: 'instant'});"
            "(function wait() { if (document.querySelector('#matrix tbody tr')) {"
            " requestAnimationFrame(() => done((performance.now() - start) / 1000)); } else { requestAnimationFrame(wait); } })();")
        figures["browser: rows built then"] = driver.execute_script("return document.querySelectorAll('#matrix tbody tr').length")
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
        driver.execute_script("const f = document.getElementById('filters'); f.elements.q.value = '';"
                              "f.dispatchEvent(new Event('change'));")
        start = time.perf_counter()
        driver.execute_script("document.getElementById('more').click(); return document.body.offsetHeight")
        figures["browser: next 60 rows, 'show more' (s)"] = time.perf_counter() - start
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--claims", type=int, default=None, help="claims per run (default 5,000; 500 with --real)")
    parser.add_argument("--real", action="store_true", help="17 release lines x 2 devices, with a history.json")
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the files")
    parser.add_argument("--reuse", action="store_true", help="with --keep: time the results files already there")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--throttle", type=float, default=1,
                        help="slow the page's CPU this many times while it opens (DevTools' CPU throttling)")
    args = parser.parse_args()
    claims = args.claims or (500 if args.real else 5000)
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        figures: dict = {}
        history = directory / "history.json" if args.real else None
        if args.reuse:
            paths = sorted(directory.glob("results-*.json"))
        elif args.real:
            paths, history = timed("generate results files", lambda: real_case(directory, claims), figures)
        else:
            paths = timed("generate results files", lambda: synthetic_runs(directory, args.runs, claims), figures)
        html = directory / "conformance.html"
        stages = {}
        with no_gc():   # as write_report builds
            runs = timed("load", lambda: load_runs(paths), stages)
            merged = timed("merge", lambda: merge(runs), stages)
            histories = timed("read history", lambda: [read_history(history)] if history else [], stages)
            report = timed("claim rows, errata, drift, history, plots", lambda: build(runs, merged, documents_of(runs, None),
                                                                                   histories), stages)
            page = timed("render HTML", lambda: render(report, [p.name for p in paths]), stages)
            html.write_text(page, encoding="utf-8")
            timed("CSV", lambda: write_csv(merged, html.with_suffix(".csv")), stages)
        figures.update(stages)
        figures["report build total (s)"] = sum(v for k, v in stages.items() if not k.endswith("CPU (s)"))
        figures["report build total, CPU (s)"] = sum(v for k, v in stages.items() if k.endswith("CPU (s)"))
        figures["HTML size (MB)"] = html.stat().st_size / 1e6
        figures["CSV size (MB)"] = html.with_suffix(".csv").stat().st_size / 1e6
        figures["claims x environments"] = f"{report.claim_count} x {len(report.environments)}"
        figures["drift claims"] = len(report.drift)
        figures["errata claims"] = sum(len(page["items"]) for page in report.errata)
        figures["changes in the history"] = sum(len(group["changes"]) for group in report.changes)
        del runs, merged, report, page  # freed before the next timing, as write_report frees them
        # the function the command calls: the stages, and freeing the records before collection resumes
        timed("write_report, as `torchclaims report` calls it",
              lambda: write_report(paths, directory / "again.html", None, [history] if history else []), figures)
        command = [sys.executable, "-m", "torchclaims", "report", *map(str, paths), "-o", str(directory / "cli.html"),
                   *(["--history", str(history)] if history else [])]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        figures["`torchclaims report`, the whole command (s)"] = time.perf_counter() - start
        if not args.no_browser:
            figures.update(browser_figures(html, args.throttle))
    shape = f"{len(paths)} release lines x 2 devices x {claims} claims" if args.real else f"{len(paths)} runs x {claims} claims"
    print(f"report scale: {shape}")
    for key, value in figures.items():
        print(f"  {key:50s} {value:.2f}" if isinstance(value, float) else f"  {key:50s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
