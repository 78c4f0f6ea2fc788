"""Results files that the report tests write themselves."""

from __future__ import annotations

from pathlib import Path

from torchclaims.results import write_results

CPU = "Test CPU 3000"


def record(claim: str, verdict: str, device: str = "cpu", *, source: str = "000_doc.txt", topic: str = "tensors",
           says: str | None = None, quote: str = "テンソルは配列です。", expected=None, observed=None,
           message: str = "", details: str = "") -> dict:
    return {"claim": claim, "device": device, "verdict": verdict, "expected": expected, "observed": observed,
            "message": message, "duration_s": 0.001, "details": details, "source": source, "quote": quote,
            "says": says if says is not None else f"What {claim} says.", "topic": topic}


def run_info(torch: str, *, started: str = "2026-01-01T00:00:00+00:00", cpu: str = CPU,
             accelerators: list[dict] | None = None, torchvision: str | None = "0.29.1") -> dict:
    return {"torch": torch, "torchvision": torchvision, "numpy": "2.0.0", "python": "3.11.7", "platform": "Linux",
            "cpu": cpu, "threads": 2, "accelerators": accelerators or [], "harness": "0.1.0+gtest",
            "started": started, "duration_s": 1.5, "argv": ["run"]}


def results_file(directory: Path, name: str, torch: str, records: list[dict], **info) -> Path:
    return write_results(Path(directory) / name, run_info(torch, **info), records)


def gpu(name: str = "Test GPU X") -> list[dict]:
    return [{"type": "cuda", "name": name, "capability": "9.0", "cuda": "13.0"}]
