"""Results files of several torch releases -> per claim x device intervals and change points.

Intervals are half-open, as in MDN's browser-compat-data: `since` is the first release with
that verdict and observation, `until` the first release without it (None: still so on the
newest release checked). A change is a verdict or an observation (beyond the claim's
tolerance) that differs between two releases checked with a verdict; not-run releases show as
intervals but neither start nor end a change. The warnings a claim's run raised are part of its
state: a warning that appears or disappears is a change too (records written before warnings were
recorded have none to compare, and never differ by them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from packaging.version import InvalidVersion, Version

from torchclaims.judge import DEFAULT_ATOL, DEFAULT_RTOL, mismatch
from torchclaims.releases import Release, load_releases
from torchclaims.results import read_results

SCHEMA = "torchclaims/history/1"
NOT_RUN = "not-run"


def release_of(torch: str) -> str:
    """'2.14.1+cu130' -> '2.14.1': a local build is its release."""
    return str(torch).split("+", 1)[0]


def version_key(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


@dataclass(frozen=True)
class Check:
    """One claim x device on one release."""

    torch: str
    record: dict

    @property
    def verdict(self) -> str:
        return self.record.get("verdict", "error")

    @property
    def observed(self):
        return self.record.get("observed")

    @property
    def warnings(self) -> list[dict] | None:
        """What it warned (None: a record from before warnings were recorded)."""
        found = self.record.get("warnings")
        return None if found is None else list(found)


def warning_key(warning: dict) -> tuple:
    return (warning.get("category"), warning.get("message"), warning.get("module"))


def warnings_differ(a: Check, b: Check) -> bool:
    if a.warnings is None or b.warnings is None:
        return False
    return {warning_key(w) for w in a.warnings} != {warning_key(w) for w in b.warnings}


def new_warnings(before: Check, after: Check) -> list[dict]:
    """The warnings `after` raised that `before` did not."""
    old = {warning_key(w) for w in before.warnings or []}
    return [w for w in after.warnings or [] if warning_key(w) not in old]


def _better(new: dict, old: dict | None) -> bool:
    """Two files of one release (a CPU job and a GPU job): a record with a verdict beats a not-run."""
    if old is None:
        return True
    return old.get("verdict") == NOT_RUN and new.get("verdict") != NOT_RUN


def collect(paths) -> tuple[dict[str, dict], dict[tuple[str, str], list[Check]], dict]:
    """Read results files: (release -> info, (claim, device) -> checks oldest first, project)."""
    files: dict[str, dict] = {}
    by_key: dict[tuple[str, str], dict[str, dict]] = {}
    project: dict = {}
    for path in sorted(Path(p) for p in paths):
        document = read_results(path)
        run = document.get("run") or {}
        torch = release_of(run.get("torch") or "unknown")
        files.setdefault(torch, {"results": [], "torchvision": run.get("torchvision")})
        files[torch]["results"].append(path.name)
        if isinstance(document.get("documents"), dict):
            files[torch]["documents"] = document["documents"]
        project = project or dict(run.get("project") or {})
        for record in document.get("results") or []:
            slot = by_key.setdefault((record["claim"], record["device"]), {})
            if _better(record, slot.get(torch)):
                slot[torch] = record
    checks = {key: [Check(t, r) for t, r in sorted(slot.items(), key=lambda item: version_key(item[0]))]
              for key, slot in by_key.items()}
    return files, checks, project


def same_state(a: Check, b: Check, tolerance: dict | None = None) -> bool:
    """Same verdict and, where observed, the same observation within the claim's tolerance."""
    if a.verdict != b.verdict or warnings_differ(a, b):
        return False
    tolerance = tolerance or {}
    rtol, atol = tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)
    return mismatch(b.observed, a.observed, rtol, atol) is None


def intervals(checks: list[Check], tolerance: dict | None = None) -> list[dict]:
    """Consecutive releases in the same state, merged: [{since, until, verdict, observed, message}]."""
    found: list[dict] = []
    previous: Check | None = None
    for check in checks:
        if previous is not None and same_state(previous, check, tolerance):
            continue
        if found:
            found[-1]["until"] = check.torch
        found.append({"since": check.torch, "until": None, "verdict": check.verdict,
                      "observed": check.observed, "message": check.record.get("message", ""),
                      **({"warnings": check.warnings} if check.warnings is not None else {})})
        previous = check
    return found


def changes(checks: list[Check], tolerance: dict | None = None) -> list[tuple[Check, Check]]:
    """(last release of the old state, first release of the new one) for each change, not-runs skipped."""
    ran = [c for c in checks if c.verdict != NOT_RUN]
    return [(before, after) for before, after in zip(ran, ran[1:]) if not same_state(before, after, tolerance)]


def unchecked_between(before: str, after: str, checked: set[str], releases: list[Release]) -> list[Release]:
    """Releases in the list strictly between two releases that this claim was not checked on."""
    low, high = Version(before), Version(after)
    return [r for r in releases if low < r.version < high and r.torch not in checked]


def to_check(paths, releases: list[Release] | None = None, tolerances: dict | None = None) -> dict[str, set[str]]:
    """Bisection: release -> claim ids to check there, to pin each change to its first release."""
    releases = releases if releases is not None else load_releases()
    tolerances = tolerances or {}
    _, checks, _ = collect(paths)
    wanted: dict[str, set[str]] = {}
    for (claim, _device), sequence in checks.items():
        checked = {c.torch for c in sequence}
        for before, after in changes(sequence, tolerances.get(claim)):
            for release in unchecked_between(before.torch, after.torch, checked, releases):
                wanted.setdefault(release.torch, set()).add(claim)
    return wanted


def build_history(paths, releases: list[Release] | None = None, tolerances: dict | None = None,
                  project: dict | None = None, generated: datetime | None = None) -> dict:
    """The history document (schema torchclaims/history/1) from any number of results files."""
    releases = releases if releases is not None else load_releases()
    listed = {r.torch: r for r in releases}
    tolerances = tolerances or {}
    files, checks, found_project = collect(paths)
    release_rows = []
    for torch in sorted(files, key=version_key):
        release = listed.get(torch)
        release_rows.append({
            "torch": torch,
            "uploaded": release.uploaded.isoformat() if release else None,
            "torchvision": files[torch]["torchvision"],
            "line": release.line if release else True,
            "results": files[torch]["results"][0] if len(files[torch]["results"]) == 1 else files[torch]["results"],
        })
    claims, change_rows = [], []
    for (claim, device), sequence in sorted(checks.items()):
        last = sequence[-1].record
        common = {"claim": claim, "device": device, "source": last.get("source"), "quote": last.get("quote")}
        claims.append({**common, "says": last.get("says"), "topic": last.get("topic"),
                       "checked": [c.torch for c in sequence],
                       "intervals": intervals(sequence, tolerances.get(claim))})
        checked = {c.torch for c in sequence}
        for before, after in changes(sequence, tolerances.get(claim)):
            change_rows.append({
                **common,
                "torch_before": before.torch, "verdict_before": before.verdict, "observed_before": before.observed,
                "torch_after": after.torch, "verdict_after": after.verdict, "observed_after": after.observed,
                "message_after": after.record.get("message", ""),
                # the warnings that appeared and disappeared with this release ([] where none did)
                "warnings_added": new_warnings(before, after) if after.warnings is not None else [],
                "warnings_removed": new_warnings(after, before) if before.warnings is not None else [],
                # True when no listed release between the two is left unchecked: torch_after is the first
                "pinned": not unchecked_between(before.torch, after.torch, checked, releases),
            })
    change_rows.sort(key=lambda c: (version_key(c["torch_after"]), c["claim"], c["device"]))
    document = {"schema": SCHEMA,
                "generated": (generated or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
                "project": project or found_project or None,
                "releases": release_rows, "claims": claims, "changes": change_rows}
    newest = max(files, key=version_key) if files else None
    classify_errata(document, checks, (files[newest].get("documents") if newest else None) or {})
    return document


def classify_errata(document: dict, checks: dict, documents: dict) -> None:
    """Each claim x device contradicted on its newest release gets its erratum's class (torchclaims.errata), with what
    it rests on: the class is in the history data, beside the intervals it comes from."""
    from torchclaims.errata import Cited, classify_device
    from torchclaims.report.history import history_from

    history = history_from(document)
    for entry in document["claims"]:
        last = entry["intervals"][-1]
        if last["verdict"] != "contradicted" or str(entry["device"]).endswith("-vs-cpu"):
            continue
        record = checks[(entry["claim"], entry["device"])][-1].record
        about = documents.get(entry.get("source") or "") or {}
        found = classify_device(history, entry["claim"], entry["device"], str(about.get("date") or ""),
                                bool(about.get("date_estimated")), Cited(record.get("changed_in") or None,
                                                                         tuple(record.get("evidence") or ())))
        entry["erratum"] = {"class": found.kind, "changed_in": found.changed_in, "measured": found.measured,
                            "inferred": found.inferred, "written": found.written, "basis": found.basis,
                            "evidence": found.evidence}


def write_history(document: dict, path: Path) -> Path:
    """Write history.json, unless the one there says the same but for its date (a committed history stays as it is)."""
    from torchclaims.results import atomic_write_text

    path = Path(path)
    if path.exists():
        try:
            before = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            before = None
        if isinstance(before, dict) and {**before, "generated": None} == {**document, "generated": None}:
            return path
    return atomic_write_text(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
