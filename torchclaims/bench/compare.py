"""The bench-compare table: CPU time, CUDA time, CUDA/CPU speedup and the change against the
previous torch version or commit, per workload x model x optimizer x batch x torch x machine.
"""

from __future__ import annotations

import math

import pandas as pd
from packaging.version import InvalidVersion, Version

NO_CUDA = "not run: no CUDA device"
FAILED = "failed"

TIMES = {
    "bench_training.TrainStep.time_step": "train step",
    "bench_inference.Forward.time_forward": "inference forward",
}
KEY = ["workload", "model", "optimizer", "batch", "torch", "machine", "env", "commit"]
SERIES = ["workload", "model", "optimizer", "batch", "group"]


def _version_key(text) -> tuple:
    try:
        return (0, Version(str(text)))
    except InvalidVersion:
        return (1, str(text))


def _cuda_cell(row) -> object:
    value, status = row.get("value_cuda"), row.get("status_cuda")
    if status == "ok":
        return value
    if status == "failed":
        return FAILED
    return NO_CUDA  # skipped by setup (NotImplementedError) or never recorded


def build_table(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per workload x model x optimizer x batch x torch x machine x env x commit.

    Numeric cells are floats (seconds, ratios); a cell that has no number says why.
    `change` is this row's time over the previous one's, minus one, within the same
    workload x model x optimizer x batch x machine group (host and device kind), the rows
    ordered by torch version, then commit date. `compared_with` says which row that was.
    """
    columns = KEY + ["cpu_time_s", "cuda_time_s", "cuda_speedup", "cpu_change", "cuda_change",
                     "compared_with"]
    times = raw[raw["benchmark"].isin(TIMES)].copy()
    if times.empty:
        return pd.DataFrame(columns=columns)
    times["workload"] = times["benchmark"].map(TIMES)
    times["optimizer"] = times["optimizer"].fillna("-")
    times["torch"] = times["torch"].fillna("unknown")
    times["batch"] = times["batch"].astype(int)
    index = KEY + ["group", "date"]
    cpu = times[times["device"] == "cpu"].set_index(index)[["value", "status"]]
    cuda = times[times["device"] == "cuda"].set_index(index)[["value", "status"]]
    table = pd.merge(cpu, cuda, how="outer", left_index=True, right_index=True,
                     suffixes=("_cpu", "_cuda")).reset_index()

    table["cpu_time_s"] = [v if s == "ok" else (FAILED if s == "failed" else "not run")
                           for v, s in zip(table["value_cpu"], table["status_cpu"])]
    table["cuda_time_s"] = [_cuda_cell(row) for _, row in table.iterrows()]
    table["cuda_speedup"] = [
        c / g if isinstance(c, float) and isinstance(g, float) and g > 0 else
        (NO_CUDA if g == NO_CUDA else "-")
        for c, g in zip(table["cpu_time_s"], table["cuda_time_s"])
    ]

    table["_order"] = [(_version_key(t), d or 0) for t, d in zip(table["torch"], table["date"])]
    table = table.sort_values(SERIES + ["_order", "env"], key=_sort_key).reset_index(drop=True)
    cpu_change, cuda_change, compared = [], [], []
    previous: dict[tuple, pd.Series] = {}
    for _, row in table.iterrows():
        series = tuple(row[c] for c in SERIES)
        before = previous.get(series)
        if before is None:
            cpu_change.append("-")
            cuda_change.append("-" if isinstance(row["cuda_time_s"], float) else row["cuda_time_s"])
            compared.append("-")
        else:
            cpu_change.append(_change(row["cpu_time_s"], before["cpu_time_s"]))
            cuda_change.append(_change(row["cuda_time_s"], before["cuda_time_s"])
                               if isinstance(row["cuda_time_s"], float) else row["cuda_time_s"])
            compared.append(f"torch {before['torch']} @ {str(before['commit'])[:8]} ({before['env']})")
        previous[series] = row
    table["cpu_change"] = cpu_change
    table["cuda_change"] = cuda_change
    table["compared_with"] = compared
    return table[columns]


def _sort_key(column: pd.Series) -> pd.Series:
    if column.name == "_order":
        return column
    if column.name == "batch":
        return column.astype(float)
    return column.astype(str)


def _change(now, before):
    if isinstance(now, float) and isinstance(before, float) and before > 0:
        return now / before - 1.0
    return "-"


def devices_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Per machine x env x commit: CPU threads used and each device's measured matmul peak."""
    columns = ["machine", "torch", "env", "commit", "cpu_threads", "cpu_peak_flops", "cuda_peak_flops"]
    rows = []
    for (machine, torch, env, commit), group in raw.groupby(["machine", "torch", "env", "commit"],
                                                           dropna=False):
        def value(benchmark, device=None):
            sel = group[group["benchmark"] == benchmark]
            if device is not None:
                sel = sel[sel["device"] == device]
            sel = sel[sel["status"] == "ok"]
            return float(sel["value"].iloc[0]) if len(sel) else None

        cuda_peak = value("bench_flops.PeakMatmul.track_matmul_flops", "cuda")
        rows.append({"machine": machine, "torch": torch, "env": env, "commit": commit,
                     "cpu_threads": value("bench_flops.Settings.track_cpu_threads"),
                     "cpu_peak_flops": value("bench_flops.PeakMatmul.track_matmul_flops", "cpu"),
                     "cuda_peak_flops": cuda_peak if cuda_peak is not None else NO_CUDA})
    return pd.DataFrame(rows, columns=columns)


def formatted(table: pd.DataFrame) -> pd.DataFrame:
    """Human units for the terminal and HTML: ms, x speedup, signed percent."""
    out = table.copy()

    def ms(v):
        return f"{v * 1e3:.4g} ms" if isinstance(v, float) and not math.isnan(v) else v

    def pct(v):
        return f"{v * 100:+.1f}%" if isinstance(v, float) else v

    def times_x(v):
        return f"{v:.2f}x" if isinstance(v, float) else v

    for column in ("cpu_time_s", "cuda_time_s"):
        if column in out:
            out[column] = out[column].map(ms)
    if "cuda_speedup" in out:
        out["cuda_speedup"] = out["cuda_speedup"].map(times_x)
    for column in ("cpu_change", "cuda_change"):
        if column in out:
            out[column] = out[column].map(pct)
    if "commit" in out:
        out["commit"] = out["commit"].map(lambda c: str(c)[:8])
    return out.rename(columns={"cpu_time_s": "CPU time", "cuda_time_s": "CUDA time",
                               "cuda_speedup": "CUDA/CPU speedup", "cpu_change": "CPU change",
                               "cuda_change": "CUDA change", "compared_with": "change vs"})
