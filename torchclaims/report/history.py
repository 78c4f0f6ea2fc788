"""The release history in the report: history.json (schema torchclaims/history/1) read for the page.

- strips: per claim x device, the verdict and observation on each release line (caniuse-style);
- changes by release: the history's `changes`, grouped by the first release with the new behaviour;
- errata dating: since which torch a claim is wrong, and whether it was right when its document was
  written (the document's date mapped to the torch release current on that date);
- shelf life: per document, the share of its checked claims that hold on each release line.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from torchclaims import releases as release_list
from torchclaims.report.load import warnings_text

SCHEMA = "torchclaims/history/1"
WRONG = ("contradicted", "fails")
DECIDED = ("holds", "contradicted", "fails")   # what torch decided: not-run and error say nothing about the claim


@functools.lru_cache(maxsize=None)
def _version(text: str) -> Version:
    """A release's version, parsed once per text (a history report asks for the same 17 versions ~100,000 times)."""
    try:
        return Version(str(text))
    except InvalidVersion:
        return Version("0")


@dataclass
class Interval:
    since: str
    until: str | None
    verdict: str
    observed: str    # JSON text
    warnings: str = ""  # what it warned there, a line each ("": none, or not recorded)

    def covers(self, version: Version) -> bool:
        return _version(self.since) <= version and (self.until is None or version < _version(self.until))


@dataclass
class History:
    project: str
    releases: list[dict]                    # as in the file: torch, uploaded, torchvision, line, results
    intervals: dict[tuple[str, str], list[Interval]] = field(default_factory=dict)   # (claim, device) -> oldest first
    changes: list[dict] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)     # claim -> its document
    _devices: dict[str, list[str]] | None = field(default=None, repr=False)
    _known: list | None = field(default=None, repr=False)
    _lines: tuple[tuple, list[str]] | None = field(default=None, repr=False)
    _strips: dict[tuple[str, str], list] = field(default_factory=dict, repr=False)

    @property
    def lines(self) -> list[str]:
        """The release lines checked, oldest first: one strip cell each (sorted once per list of releases)."""
        found = tuple(r["torch"] for r in self.releases if r.get("line", True))
        if self._lines is None or self._lines[0] != found:
            self._lines = (found, sorted(found, key=_version))
            self._strips.clear()
        return list(self._lines[1])

    @property
    def oldest(self) -> str | None:
        checked = sorted((r["torch"] for r in self.releases), key=_version)
        return checked[0] if checked else None

    def at(self, claim: str, device: str, torch: str) -> Interval | None:
        version = _version(torch)
        for interval in self.intervals.get((claim, device), []):
            if interval.covers(version):
                return interval
        return None

    def devices(self, claim: str) -> list[str]:
        if self._devices is None:
            self._devices = {}
            for c, device in sorted(self.intervals):
                self._devices.setdefault(c, []).append(device)
        return self._devices.get(claim, [])


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def read_history(path: Path) -> History:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a torchclaims history file (schema {data.get('schema')!r}, expected {SCHEMA!r})")
    return history_from(data)


def history_from(data: dict) -> History:
    """A history document (as read from history.json, or as timeline.build_history makes it) for the report."""
    history = History(project=str((data.get("project") or {}).get("name") or ""),
                      releases=[dict(r) for r in data.get("releases") or []],
                      changes=[dict(c) for c in data.get("changes") or []])
    for entry in data.get("claims") or []:
        found = [Interval(str(i["since"]), None if i.get("until") is None else str(i["until"]), str(i["verdict"]),
                          _text(i.get("observed")), warnings_text(i.get("warnings")))
                 for i in entry.get("intervals") or []]
        history.intervals[(str(entry["claim"]), str(entry["device"]))] = sorted(found, key=lambda i: _version(i.since))
        history.sources[str(entry["claim"])] = str(entry.get("source") or "")
    return history


# ---- the document's date -> the release current then ------------------------------------------

def first_day(date: str) -> datetime.date | None:
    """'2021-10-28', '2021-10' or '2021' -> its first day: a partial date gives the author the benefit of the doubt."""
    text = str(date or "").strip()
    for length, suffix in ((10, ""), (7, "-01"), (4, "-01-01")):
        if len(text) == length:
            try:
                return datetime.date.fromisoformat(text + suffix)
            except ValueError:
                return None
    return None


def known_releases(history: History) -> list[release_list.Release]:
    """The release list (releases.yaml) and any release the history checked that the list lacks (read once)."""
    if history._known is None:
        history._known = _known_releases(history)
    return history._known


def _known_releases(history: History) -> list[release_list.Release]:
    found = {r.torch: r for r in release_list.load_releases()}
    for r in history.releases:
        if r.get("torch") not in found and first_day(r.get("uploaded")):
            found[r["torch"]] = release_list.Release(torch=r["torch"], uploaded=first_day(r["uploaded"]),
                                                     line=bool(r.get("line", True)))
    return sorted(found.values(), key=lambda r: r.version)


def written_on(date: str, history: History) -> str | None:
    """The torch release current on the document's date (None: older than every release listed)."""
    day = first_day(date)
    if day is None:
        return None
    current = release_list.current_on(day, known_releases(history))
    return current.torch if current else None


# ---- errata: since when ------------------------------------------------------------------------

def wrong_since(intervals: list[Interval]) -> str | None:
    """The first release of the run of wrong verdicts that reaches the newest release checked."""
    since = None
    for interval in reversed(intervals):
        if interval.verdict not in WRONG:
            break
        since = interval.since
    return since


def warned_from(intervals: list[Interval], since: str | None) -> str | None:
    """The first release of the run of warning releases that ends where the claim went wrong, if any:
    the deprecation that announced the break."""
    first = None
    for interval in reversed([i for i in intervals if since is None or _version(i.since) < _version(since)]):
        if not interval.warnings or interval.verdict not in DECIDED:
            break
        first = interval.since
    return first


# ---- strips, changes by release, shelf life -------------------------------------------------

def strip(history: History, claim: str, device: str) -> list[Interval | None]:
    """One cell per release line: the interval that covers it, or None where the claim was not checked.

    Worked out once per claim x device: the claims table and the shelf-life plots both ask.
    """
    lines = history.lines
    found = history._strips.get((claim, device))
    if found is None:
        found = history._strips[(claim, device)] = [history.at(claim, device, line) for line in lines]
    return list(found)


def changes_by_release(history: History, documents: dict, key=lambda claim: claim) -> list[dict]:
    """The history's changes grouped by the first release with the new behaviour, oldest release first.

    One entry per claim and change; the devices on which it changed the same way are listed together.
    """
    grouped: dict[str, dict[tuple, dict]] = {}
    for change in history.changes:
        before, after = _text(change.get("observed_before")), _text(change.get("observed_after"))
        what = (str(change["claim"]), str(change.get("torch_before")), str(change.get("verdict_before")), before,
                str(change.get("verdict_after")), after,
                _text(change.get("warnings_added") or []), _text(change.get("warnings_removed") or []))
        entries = grouped.setdefault(str(change["torch_after"]), {})
        if what not in entries:
            source = str(change.get("source") or history.sources.get(what[0], ""))
            document = documents.get(source)
            entries[what] = {
                "claim": what[0], "key": key(what[0]), "source": source,
                "title": document.title if document else source,
                "language": document.language if document else "",
                "quote": str(change.get("quote") or ""), "torch_before": what[1],
                "verdict_before": what[2], "observed_before": before, "verdict_after": what[4], "observed_after": after,
                "warnings_added": warnings_text(change.get("warnings_added")).splitlines(),
                "warnings_removed": warnings_text(change.get("warnings_removed")).splitlines(),
                "devices": []}
        entries[what]["devices"].append(str(change.get("device") or ""))
    return [{"torch": torch, "changes": sorted(entries.values(), key=lambda e: (e["source"], e["claim"]))}
            for torch, entries in sorted(grouped.items(), key=lambda item: _version(item[0]))]


def shelf_life(history: History) -> dict[str, list[tuple[str, int, int]]]:
    """Per document: (release line, claims x devices that hold, claims x devices torch decided) on each line."""
    lines = history.lines
    found: dict[str, list[list[int]]] = {}
    for (claim, device) in history.intervals:
        source = history.sources.get(claim, "")
        tally = found.setdefault(source, [[0, 0] for _ in lines])
        for cell, interval in zip(tally, strip(history, claim, device)):
            if interval is not None and interval.verdict in DECIDED:
                cell[1] += 1
                cell[0] += interval.verdict == "holds"
    return {source: [(line, held, decided) for line, (held, decided) in zip(lines, tally)]
            for source, tally in sorted(found.items())}
