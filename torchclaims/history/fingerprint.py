"""What decides a claim's record on a release, in two parts.

- The observation: the spec entry's fields that decide what runs (check, args, devices, torch,
  requires), its suite's source with the suites' modules it imports (checkers.suite_files: a helper
  such as suites/_models.py counts for the claims whose suite imports it), the engine code that runs it, the torch release and the device.
  Equal: the stored observation is reused, with no torch environment.
- The judgement: the fields the judge compares with (expect, known, tolerance) and judge.py.
  Only these changed (a `known` range, a fairer `expect`): the stored observation is judged again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from torchclaims.checkers import suite_files
from torchclaims.spec import Catalogue, Claim

ENGINE_DIR = Path(__file__).resolve().parent.parent
# the engine code that runs a checker and makes its observation (a project's own helpers are in its suites/)
ENGINE_FILES = ("observe.py", "evaluate.py", "isolation.py", "devices.py", "checkers.py", "warned.py")
JUDGE_FILES = ("judge.py",)
# a snippet claim (a document's own code, a notebook's cell) is observed by the document side
DOCUMENT_ENGINE_FILES = ("documents/snippets.py", "documents/snippet_runner.py", "documents/kernel.py",
                         "documents/cells.py", "documents/notebooks.py", "documents/sessions.py",
                         "documents/printed.py", "documents/reading.py")
OBSERVATION_FIELDS = ("id", "topic", "check", "args", "devices", "torch", "requires")
JUDGEMENT_FIELDS = ("expect", "known", "tolerance")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec_fields(claim: Claim, names) -> dict:
    entry = asdict(claim)
    return {name: entry[name] for name in names}


def suite_source(suites_dir: Path, topic: str) -> bytes:
    """The topic's suite and every suites/ module it imports, each under its path in the folder."""
    folder = Path(suites_dir).resolve()
    return b"".join(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
                    for path in suite_files(folder, topic))


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

    documents_engine = _sha(engine_source(DOCUMENT_ENGINE_FILES))

    def decided_by(claim) -> dict:
        found = {"spec": observation_fields(claim), "suite": suites[claim.topic], "engine": engine}
        if claim.is_snippet:  # its code and its saved output are the document's: a changed document runs again
            document = Path(claim.source_path) if claim.source_path else None
            found.update(snippet=claim.snippet, documents_engine=documents_engine,
                         document=_sha(document.read_bytes()) if document and document.exists() else "")
        return found

    return {claim.id: _digest(decided_by(claim)) for claim in catalogue.claims}


def judgement_fingerprints(catalogue: Catalogue) -> dict[str, str]:
    """claim id -> a digest of what the judge compares the observation with."""
    judge = _sha(engine_source(JUDGE_FILES))
    return {claim.id: _digest({"spec": spec_fields(claim, JUDGEMENT_FIELDS), "judge": judge})[:32]
            for claim in catalogue.claims}


def record_fingerprint(claim_digest: str, torch: str, device: str) -> str:
    return _sha(f"{claim_digest}\0{torch}\0{device}".encode())[:32]
