"""bench-compare's outputs: terminal table, CSV, self-contained HTML (plot inlined), PNG."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

from torchclaims.bench.compare import build_table, devices_table, formatted
from torchclaims.bench.plot import plot_history
from torchclaims.bench.results import read_results

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>torchclaims bench-compare</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #eee; }
</style></head><body>
<h1>torchclaims bench-compare</h1>
<p>From {{ results_dir }}: {{ machines|length }} machine(s): {{ machines|join(", ") }}. Written {{ written }}.</p>
<p>Times are asv's medians per call; CUDA/CPU speedup = CPU time / CUDA time; a change is the time
over the previous run's (previous torch version, then commit) on the same machine group, minus one.</p>
<h2>Devices</h2>
{{ devices_html }}
<h2>Time per call</h2>
{{ table_html }}
<h2>History</h2>
<img alt="history of the training-step time" src="data:image/png;base64,{{ png }}">
</body></html>
"""


def _html_table(frame: pd.DataFrame) -> str:
    # DataFrame.to_html escapes every cell (escape=True); the page inserts it unescaped.
    return frame.to_html(index=False, escape=True, na_rep="-")


def bench_compare(results_dir: str | Path, out_dir: str | Path, stream=None) -> dict[str, Path]:
    import sys

    from markupsafe import Markup

    stream = stream or sys.stdout
    results_dir, out_dir = Path(results_dir), Path(out_dir)
    raw = read_results(results_dir)
    table = build_table(raw)
    devices = devices_table(raw)
    shown = formatted(table)

    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250,
                           "display.max_colwidth", 60):
        if table.empty:
            print(f"No time_* results in {results_dir}.", file=stream)
        else:
            print(shown.to_string(index=False), file=stream)
            print(file=stream)
            print(devices.to_string(index=False), file=stream)

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out_dir / "bench-compare.csv", "html": out_dir / "bench-compare.html",
             "png": out_dir / "bench-history.png"}
    table.to_csv(paths["csv"], index=False)
    plot_history(table, paths["png"])
    env = Environment(autoescape=select_autoescape(default_for_string=True, default=True))
    page = env.from_string(PAGE).render(
        results_dir=str(results_dir), machines=sorted(raw["machine"].unique()),
        written=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        devices_html=Markup(_html_table(devices)), table_html=Markup(_html_table(shown)),
        png=base64.b64encode(paths["png"].read_bytes()).decode("ascii"))
    paths["html"].write_text(page, encoding="utf-8")
    for kind, path in paths.items():
        print(f"wrote {path}", file=stream)
    return paths

