"""What decides a claim's record on a release, in two parts.

- The observation: the spec entry's fields that decide what runs (check, args, devices, torch,
  requires), its suite's source, the engine code that runs it, the torch release and the device.
  Equal: the stored observation is reused, with no torch environment.
- The judgement: the fields the judge compares with (expect, known, tolerance) and judge.py.
  Only these changed (a `known` range, a fairer `expect`): the stored observation is judged again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from torchclaims.spec import Catalogue, Claim

ENGINE_DIR = Path(__file__).resolve().parent.parent
# the engine code that runs a checker and makes its observation (models: the suites' shared models)
ENGINE_FILES = ("observe.py", "evaluate.py", "isolation.py", "models.py", "devices.py", "checkers.py", "warned.py")
JUDGE_FILES = ("judge.py",)
OBSERVATION_FIELDS = ("id", "topic", "check", "args", "devices", "torch", "requires")
JUDGEMENT_FIELDS = ("expect", "known", "tolerance")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec_fields(claim: Claim, names) -> dict:
    entry = asdict(claim)
    return {name: entry[name] for name in names}


def suite_source(suites_dir: Path, topic: str) -> bytes:
    path = Path(suites_dir) / f"{topic}.py"
    return path.read_bytes() if path.exists() else b""


def engine_source(names=ENGINE_FILES) -> bytes:
    return b"".join(name.encode() + b"\0" + (ENGINE_DIR / name).read_bytes() for name in names)


def _digest(value) -> str:
    return _sha(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode())


def claim_fingerprints(catalogue: Catalogue, suites_dir: Path | None = None) -> dict[str, str]:
    """claim id -> a digest of what decides its observation, but the release and the device."""
    suites_dir = Path(suites_dir) if suites_dir else catalogue.specs_dir.parent / "suites"
    engine = _sha(engine_source())
    suites = {topic: _sha(suite_source(suites_dir, topic)) for topic in catalogue.topics()}
    def observation_fields(claim):
        fields = spec_fields(claim, OBSERVATION_FIELDS)
        fields["torch"] = None  # whether the claim applies to a release is decided per release (runner.applies)
        return fields

    return {claim.id: _digest({"spec": observation_fields(claim), "suite": suites[claim.topic], "engine": engine})
            for claim in catalogue.claims}


def judgement_fingerprints(catalogue: Catalogue) -> dict[str, str]:
    """claim id -> a digest of what the judge compares the observation with."""
    judge = _sha(engine_source(JUDGE_FILES))
    return {claim.id: _digest({"spec": spec_fields(claim, JUDGEMENT_FIELDS), "judge": judge})[:32]
            for claim in catalogue.claims}


def record_fingerprint(claim_digest: str, torch: str, device: str) -> str:
    return _sha(f"{claim_digest}\0{torch}\0{device}".encode())[:32]
