"""Read results files and merge them into one frame: one row per claim x environment.

An environment is device x torch version x machine; the machine is named by its CPU and
accelerators. Two runs in the same environment
merge: for each claim, the record of the newer run wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from packaging.version import InvalidVersion, Version

from torchclaims.results import read_results

COLUMNS = ["env", "claim", "device", "target", "verdict", "expected", "observed", "message", "details",
           "source", "quote", "says", "topic", "run"]
SEPARATOR = " · "


@dataclass
class Run:
    """One results file."""

    path: Path
    info: dict
    records: list[dict] = field(repr=False, default_factory=list)

    @property
    def torch(self) -> str:
        return str(self.info.get("torch") or "unknown")

    @property
    def started(self) -> str:
        return str(self.info.get("started") or "")

    def machine(self) -> str:
        """The machine: its CPU, and its accelerators where it has any ('Xeon + NVIDIA H100')."""
        cpu = str(self.info.get("cpu") or "unknown CPU")
        names = sorted({str(a.get("name") or a.get("type")) for a in self.info.get("accelerators") or []})
        return " + ".join([cpu, *names])

    def accelerators(self) -> str:
        found = [a.get("name") or a.get("type") for a in self.info.get("accelerators") or []]
        return ", ".join(str(name) for name in found) or "none"


def torch_version(text: str) -> Version:
    """'2.14.1+cu130' -> Version('2.14.1+cu130'); unparseable versions sort first."""
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


def base_device(target: str) -> str:
    """A record's target ('cpu', 'cuda', 'cuda-vs-cpu') -> the device whose column it fills."""
    return target.removesuffix("-vs-cpu")


def env_label(device: str, torch: str, machine: str) -> str:
    return SEPARATOR.join([device, f"torch {torch}", machine])


def load_runs(paths) -> list[Run]:
    runs = []
    for path in paths:
        document = read_results(Path(path))
        runs.append(Run(Path(path), document.get("run") or {}, list(document.get("results") or [])))
    return runs


def _text(value) -> str:
    """Expected / observed values as stable, readable JSON text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def merge(runs: list[Run]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, environments): one row per claim x environment, and one row per environment."""
    rows, envs = [], {}
    for index, run in enumerate(runs):
        for record in run.records:
            target = str(record.get("device") or "unknown")
            device = base_device(target)
            machine = run.machine()
            env = env_label(device, run.torch, machine)
            envs.setdefault(env, {"env": env, "device": device, "torch": run.torch, "machine": machine})
            rows.append({
                "env": env, "claim": str(record.get("claim")), "device": device, "target": target,
                "verdict": str(record.get("verdict")),
                "expected": _text(record.get("expected")), "observed": _text(record.get("observed")),
                "message": str(record.get("message") or ""), "details": str(record.get("details") or ""),
                "source": str(record.get("source") or ""), "quote": str(record.get("quote") or ""),
                "says": str(record.get("says") or ""), "topic": str(record.get("topic") or ""),
                "run": index,
            })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.duplicated(["env", "claim"]).any():
        # The newer run wins where two runs share an environment (stable sort keeps file order on ties).
        frame["started"] = frame["run"].map({i: run.started for i, run in enumerate(runs)})
        frame = (frame.sort_values(["started", "run"], kind="stable")
                 .drop_duplicates(["env", "claim"], keep="last").drop(columns="started").reset_index(drop=True))
    environments = pd.DataFrame(list(envs.values()), columns=["env", "device", "torch", "machine"])
    if not environments.empty:
        environments["_version"] = environments["torch"].map(torch_version)
        environments["_cpu_first"] = environments["device"] != "cpu"
        environments = (environments.sort_values(["_version", "_cpu_first", "device", "machine"])
                        .drop(columns=["_version", "_cpu_first"]).reset_index(drop=True))
    return frame, environments
