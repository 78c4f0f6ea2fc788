"""Measured, not remembered: check each `known` entry's since / torch range against a history.

For every claim x device in history.json and every release it was checked on with a verdict,
the spec's `known` entries that apply there (judge.applicable_known) must be exactly those whose
`observed` torch showed there. Each release where that is not so is a problem, with the
range the measurements support.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from torchclaims.history.timeline import NOT_RUN, version_key
from torchclaims.judge import DEFAULT_ATOL, DEFAULT_RTOL, applicable_known, mismatch
from torchclaims.spec import Catalogue, Claim, Known


@dataclass(frozen=True)
class RangeProblem:
    claim: Claim
    device: str
    known: Known
    message: str
    field: str = ""     # the known field at fault, where it is not the range

    def __str__(self) -> str:
        return f"{self.claim.file}:{self.claim.line}: claim {self.claim.id} [{self.device}]: known.{self._field()}: {self.message}"

    def _field(self) -> str:
        if self.field:
            return self.field
        if self.known.since or self.known.torch:
            return "since" if self.known.since and not self.known.torch else "torch"
        return "since/torch"


def _matches(claim: Claim, observed, target) -> bool:
    tolerance = claim.tolerance or {}
    return mismatch(observed, target, tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)) is None


def _range(known: Known) -> str:
    parts = ([f"since {known.since}"] if known.since else []) + ([f"torch {known.torch}"] if known.torch else [])
    return " and ".join(parts) or "no range (every torch)"


def measured_range(seen: list[str], checked: list[str]) -> str:
    """The releases where torch did what `known` says, as a version range for the spec."""
    if not seen:
        return "never observed"
    checked = sorted(checked, key=version_key)
    first, last = seen[0], seen[-1]
    after_last = [t for t in checked if version_key(t) > version_key(last)]
    before_first = [t for t in checked if version_key(t) < version_key(first)]
    low = f">={first}" if before_first else ""
    high = f"<{after_last[0]}" if after_last else ""
    contiguous = [t for t in checked if version_key(first) <= version_key(t) <= version_key(last)] == seen
    text = ",".join(filter(None, [low, high])) or "every release checked"
    return text if contiguous else f"{', '.join(seen)} (not one range)"


def changed_in_problem(known: Known, ran: list[str], seen: list[str]) -> str | None:
    """Where a cited `changed_in` overlaps the history, the change must be where the history measures it: the first
    release of the run of releases that do what `known` says, up to the newest. Older than the oldest release
    checked: the history must show it already there. None where they agree or never overlap."""
    if not ran:
        return None
    changed, oldest = version_key(known.changed_in), version_key(ran[0])
    tail = []
    for torch in reversed(ran):
        if torch not in seen:
            break
        tail.insert(0, torch)
    if not tail:
        return (f"changed_in {known.changed_in}: the history never shows what known says on the newest release "
                f"checked ({ran[-1]})")
    measured = tail[0]
    if changed <= oldest:
        if measured != ran[0]:
            return (f"changed_in {known.changed_in} is older than every release checked, but torch {ran[0]} did not do "
                    f"what known says: the history measures the change in {measured}")
        return None
    if changed > version_key(ran[-1]):
        return f"changed_in {known.changed_in} is newer than every release checked, where torch already does this"
    if changed != version_key(measured):
        return f"changed_in {known.changed_in} contradicts the history, which measures the change in {measured}"
    return None


def check_ranges(history: dict, catalogue: Catalogue) -> list[RangeProblem]:
    claims = catalogue.by_id()
    problems: list[RangeProblem] = []
    for entry in history["claims"]:
        claim = claims.get(entry["claim"])
        if claim is None or not claim.known or str(entry["device"]).endswith("-vs-cpu"):
            continue
        # the observation per checked release, from the intervals
        observed_on: dict[str, object] = {}
        checked = entry.get("checked") or []
        for interval in entry["intervals"]:
            if interval["verdict"] in (NOT_RUN, "error"):
                continue
            low, high = version_key(interval["since"]), interval["until"] and version_key(interval["until"])
            for torch in checked:
                if low <= version_key(torch) and (high is None or version_key(torch) < high):
                    observed_on[torch] = interval["observed"]
        ran = sorted(observed_on, key=version_key)
        for known in claim.known:
            if known.changed_in and (message := changed_in_problem(known, ran, [t for t in ran if _matches(
                    claim, observed_on[t], known.observed)])):
                problems.append(RangeProblem(claim, entry["device"], known, message, "changed_in"))
            seen = [t for t in ran if _matches(claim, observed_on[t], known.observed)]
            applies = [t for t in ran if known in applicable_known(claim, t)]
            wrong_in = [t for t in applies if t not in seen]
            wrong_out = [t for t in seen if t not in applies and not _matches(claim, observed_on[t], claim.expect)]
            if wrong_in or wrong_out:
                details = []
                if wrong_out:
                    details.append(f"torch {', '.join(wrong_out)} did what it says, outside the range")
                if wrong_in:
                    details.append(f"torch {', '.join(wrong_in)} did not, inside it")
                problems.append(RangeProblem(claim, entry["device"], known,
                                             f"{_range(known)} contradicts the history: {'; '.join(details)}; "
                                             f"measured: {measured_range(seen, ran)}"))
    return problems


def load_history(path: Path) -> dict:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("schema") != "torchclaims/history/1":
        raise ValueError(f"{path}: not a torchclaims history (schema {document.get('schema')!r})")
    return document
