"""Results files that the report tests write themselves."""

from __future__ import annotations

import json
from pathlib import Path

from torchclaims.results import write_results

CPU = "Test CPU 3000"


def record(claim: str, verdict: str, device: str = "cpu", *, source: str = "000_doc.txt", topic: str = "tensors",
           says: str | None = None, quote: str = "テンソルは配列です。", expected=None, observed=None,
           message: str = "", details: str = "", quoted_from: dict | None = None) -> dict:
    found = {"claim": claim, "device": device, "verdict": verdict, "expected": expected, "observed": observed,
             "message": message, "duration_s": 0.001, "details": details, "source": source, "quote": quote,
             "says": says if says is not None else f"What {claim} says.", "topic": topic}
    if quoted_from is not None:
        found["quoted_from"] = quoted_from
    return found


def run_info(torch: str, *, started: str = "2026-01-01T00:00:00+00:00", cpu: str = CPU,
             accelerators: list[dict] | None = None, torchvision: str | None = "0.29.1", project: str | None = None) -> dict:
    return {**({"project": {"name": project, "specs_sha256": "0" * 64}} if project else {}), "torch": torch, "torchvision": torchvision, "numpy": "2.0.0", "python": "3.11.7", "platform": "Linux",
            "cpu": cpu, "threads": 2, "accelerators": accelerators or [], "harness": "0.1.0+gtest",
            "started": started, "duration_s": 1.5, "argv": ["run"]}


def results_file(directory: Path, name: str, torch: str, records: list[dict], documents: dict | None = None,
                 **info) -> Path:
    """A results file; `documents` adds the top-level mapping (file -> title, language, date, ...)."""
    return write_results(Path(directory) / name, run_info(torch, **info), records, documents)


def history_file(directory: Path, claims: list[dict], changes: list[dict] = (), lines=("1.13.1", "2.0.1", "2.14.1"),
                 project: str = "test") -> Path:
    """A history.json (torchclaims/history/1) over the given release lines, upload dates as in releases.yaml."""
    from torchclaims.releases import load_releases

    uploaded = {r.torch: r.uploaded.isoformat() for r in load_releases()}
    releases = [{"torch": t, "uploaded": uploaded[t], "torchvision": None, "line": True,
                 "results": f"results-torch-{t}.json"} for t in lines]
    path = Path(directory) / "history.json"
    path.write_text(json.dumps({"schema": "torchclaims/history/1", "generated": "2026-12-02T18:00:00+00:00",
                                "project": {"name": project, "specs_sha256": "0" * 64}, "releases": releases,
                                "claims": claims, "changes": list(changes)}, ensure_ascii=False), encoding="utf-8")
    return path


def gpu(name: str = "Test GPU X") -> list[dict]:
    return [{"type": "cuda", "name": name, "capability": "9.0", "cuda": "13.0"}]
