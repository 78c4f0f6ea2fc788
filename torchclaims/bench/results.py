"""asv's results directory -> one row per benchmark value, read with asv's own `asv.results`.

A results directory holds `<machine>/machine.json` and one file per commit x environment
(`<commit>-<env>.json`); results copied from another machine (a GPU box) are simply more
machine folders. Every machine, environment and commit found is read.
"""

from __future__ import annotations

import ast
import itertools
import math
from pathlib import Path

import pandas as pd

from torchclaims.bench.machine import parse_machine_name

COLUMNS = ["machine", "group", "kind", "torch", "env", "commit", "date", "benchmark",
           "model", "optimizer", "batch", "device", "value", "status"]


def _param_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def torch_of(result, machine: str) -> str | None:
    """The torch version: the environment's `torch` parameter (virtualenv matrix), else the
    machine name's `-torch<version>-` (existing environment, named by bench-machine)."""
    return result.params.get("torch") or parse_machine_name(machine)["torch"]


def read_results(results_dir: str | Path) -> pd.DataFrame:
    from asv.results import iter_results_paths, Results

    declared = _declared_param_names(Path(results_dir))
    rows = []
    for root, filename, machine in iter_results_paths(str(results_dir)):
        result = Results.load(str(Path(root) / filename), machine_name=machine)
        naming = parse_machine_name(machine)
        torch = torch_of(result, machine)
        for key in result.get_all_result_keys():
            param_lists = result.get_result_params(key)
            names = _param_names(key, len(param_lists), declared)
            values = result.get_result_value(key, param_lists)
            combos = list(itertools.product(*param_lists)) if param_lists else [()]
            if not isinstance(values, list):
                values = [values]
            for combo, value in zip(combos, values):
                params = dict(zip(names, (_param_value(p) for p in combo)))
                if value is None:
                    status = "failed"
                elif isinstance(value, float) and math.isnan(value):
                    status = "skipped"
                else:
                    status = "ok"
                rows.append({
                    "machine": machine, "group": naming["group"], "kind": naming["kind"],
                    "torch": torch, "env": result.env_name, "commit": result.commit_hash,
                    "date": result.date, "benchmark": key,
                    "model": params.get("model"), "optimizer": params.get("optimizer"),
                    "batch": params.get("batch"), "device": params.get("device"),
                    "value": float(value) if status == "ok" else math.nan, "status": status,
                })
    return pd.DataFrame(rows, columns=COLUMNS)


# The suite's parameter names, by benchmark class (asv's results keep values, not names).
_NAMES = {
    "bench_training.TrainStep": ["model", "optimizer", "batch", "device"],
    "bench_training.TrainFlops": ["model", "optimizer", "batch", "device"],
    "bench_training.TrainCudaMemory": ["model", "optimizer", "batch"],
    "bench_inference.Forward": ["model", "batch", "device"],
    "bench_flops.PeakMatmul": ["device"],
}


def _declared_param_names(results_dir: Path) -> dict[str, list[str]]:
    """asv's benchmarks.json (written by `asv run`) names each benchmark's parameters."""
    import json

    try:
        data = json.loads((results_dir / "benchmarks.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: value.get("param_names", []) for key, value in data.items() if isinstance(value, dict)}


def _param_names(key: str, count: int, declared: dict[str, list[str]]) -> list[str]:
    names = declared.get(key) or _NAMES.get(key.rsplit(".", 1)[0], [])
    return list(names) if len(names) == count else [f"p{i}" for i in range(count)]
