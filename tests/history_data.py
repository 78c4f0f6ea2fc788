"""Results files of made-up releases, for the history's tests (no torch needed)."""

import datetime
import json
from pathlib import Path

from torchclaims.releases import Release
from torchclaims.results import write_results

# a small release list: line releases 1.0.1, 1.1.1, 1.2.0, 1.3.1; the others only for bisection
RELEASES = [Release("1.0.0", datetime.date(2020, 1, 1), None, None, False),
            Release("1.0.1", datetime.date(2020, 2, 1), None, None, True),
            Release("1.1.0", datetime.date(2020, 3, 1), "0.2.0", None, False),
            Release("1.1.1", datetime.date(2020, 4, 1), "0.2.1", None, True),
            Release("1.2.0", datetime.date(2020, 5, 1), "0.3.0", None, True),
            Release("1.3.0", datetime.date(2020, 6, 1), "0.4.0", None, False),
            Release("1.3.1", datetime.date(2020, 7, 1), "0.4.1", None, True)]


def record(claim, verdict, observed=None, device="cpu"):
    return {"claim": claim, "device": device, "verdict": verdict, "expected": None, "observed": observed,
            "message": "", "duration_s": 0.0, "details": "", "source": "doc.txt", "quote": f"quote of {claim}",
            "says": f"{claim} says", "topic": claim.split(".")[0]}


def write_release(directory: Path, torch: str, records: list[dict], name: str | None = None) -> Path:
    return write_results(Path(directory) / (name or f"results-torch-{torch}.json"),
                         {"torch": torch, "torchvision": None, "project": {"name": "test", "specs_sha256": "0"}},
                         records)


def load(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
