"""An erratum's class: a mistake when written, outdated because torch changed, or undated.

Only a `contradicted` claim is an erratum. Its class comes from the release history (the claim's
verdict on each release checked), the document's date (mapped to the torch current then,
releases.current_on) and what its spec cites (`known.changed_in`, `known.evidence`):

- mistake: wrong on the torch current when the document was written, measured there; where the
  document predates every release the claim was checked on, only when it was wrong on every one
  of them and nothing cited says torch changed;
- outdated: right when written, torch changed at a release: measured by the history (also when
  the claim held on the oldest release checked and the document is older still: an inference,
  and the basis says so), or cited (changed_in with evidence) for a change older than the history;
- undated: neither can be established; the basis says why.

Pure functions over report.history.History: the report, `torchclaims errata` and its tests share them.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

from torchclaims.report.history import DECIDED, WRONG, History, _version, warned_from, wrong_since, written_on

MISTAKE, OUTDATED, UNDATED = "mistake", "outdated", "undated"
CLASSES = (MISTAKE, OUTDATED, UNDATED)


@dataclass(frozen=True)
class Cited:
    """What a claim's spec cites about a change: the release and the evidence (URLs)."""

    changed_in: str | None = None
    evidence: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed_in or self.evidence)


@dataclass
class Classed:
    kind: str                      # mistake | outdated | undated
    basis: str                     # what the class rests on, in one sentence
    changed_in: str | None = None  # outdated: the first release with the new behaviour
    measured: bool = False         # changed_in measured by the history (else cited, or none)
    inferred: bool = False         # outdated because it held on the oldest release checked, newer than the document
    written: str | None = None     # the torch current when the document was written
    evidence: list[str] = field(default_factory=list)
    warned: str | None = None      # the first release of the warnings that ran up to the break (a deprecation)

    def as_dict(self) -> dict:
        return asdict(self)


def cited_of(record_or_claim) -> Cited:
    """Cited change facts from a results record (changed_in, evidence) or a spec Known/dict."""
    get = record_or_claim.get if isinstance(record_or_claim, dict) else (lambda k, d=None: getattr(record_or_claim, k, d))
    return Cited(get("changed_in") or None, tuple(get("evidence") or ()))


def matching_known(claim, observed, torch: str):
    """The claim's `known` entry that applies on this torch and matches the observation (the one that made it contradicted)."""
    from torchclaims.judge import DEFAULT_ATOL, DEFAULT_RTOL, applicable_known, mismatch

    tolerance = claim.tolerance or {}
    for known in applicable_known(claim, str(torch).split("+")[0]):
        if mismatch(observed, known.observed, tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)) is None:
            return known
    return None


def record_facts(claim, record: dict, torch: str) -> dict:
    """What a results record carries for the errata: the effective chain, and the cited change of a contradicted claim."""
    facts: dict = {}
    if claim.quoted_from:
        facts["quoted_from"] = [dict(e) for e in claim.quoted_from]
        facts["quoted_via"] = claim.quoted_via or "claim"
    if record.get("verdict") == "contradicted":
        known = matching_known(claim, record.get("observed"), torch)
        if known is not None and known.changed_in:
            facts["changed_in"] = known.changed_in
        if known is not None and known.evidence:
            facts["evidence"] = list(known.evidence)
    return facts


def _date_words(date: str, estimated: bool) -> str:
    return f"{date} (date estimated)" if estimated else date


def classify_device(history: History | None, claim: str, device: str, date: str, estimated: bool = False,
                    cited: Cited = Cited()) -> Classed:
    """The class of a claim contradicted on the newest torch, on one device, and the warnings that announced it."""
    found = _classify_device(history, claim, device, date, estimated, cited)
    intervals = history.intervals.get((claim, device)) if history is not None else None
    since = wrong_since(intervals) if intervals else None
    if since and (warned := warned_from(intervals, since)):
        found.warned = warned
        found.basis += f"; warned from torch {warned}, broke in torch {since}"
    return found


def _classify_device(history: History | None, claim: str, device: str, date: str, estimated: bool = False,
                     cited: Cited = Cited()) -> Classed:
    evidence = list(cited.evidence)
    if not date:
        return Classed(UNDATED, "the document has no date, so the torch current when it was written is unknown",
                       evidence=evidence)
    intervals = history.intervals.get((claim, device)) if history is not None else None
    written = _written(date, history)
    when = _date_words(date, estimated)
    decided = [i for i in intervals or [] if i.verdict in DECIDED]
    if not decided:
        why = "no release history" if history is None else "no release decided it in the history"
        found = _cited_only(cited, written, when, evidence)
        return found or Classed(UNDATED, f"{why}: when torch changed is not measured", written=written, evidence=evidence)
    oldest = decided[0].since
    since = wrong_since(intervals)
    if written is not None and _version(written) >= _version(oldest):
        then = history.at(claim, device, written)
        if then is None or then.verdict not in DECIDED:
            found = _cited_only(cited, written, when, evidence)
            return found or Classed(UNDATED, f"written {when}, when torch {written} was current, which was not checked "
                                             f"for this claim ({then.verdict if then else 'no record'})",
                                    written=written, evidence=evidence)
        if then.verdict in WRONG:
            return Classed(MISTAKE, f"wrong on torch {written}, current when the document was written ({when})",
                           written=written, evidence=evidence)
        return Classed(OUTDATED, f"held on torch {written}, current when the document was written ({when}); "
                                 f"torch changed in {since}", changed_in=since, measured=True, written=written,
                       evidence=evidence)
    # the document predates every release the claim was checked on
    before = (f"written {when} on torch {written}, before torch {oldest}, the oldest release checked for this claim"
              if written else f"written {when}, before every release listed, so before torch {oldest}, the oldest "
                              "release checked for this claim")
    if decided[0].verdict == "holds" and since is not None:
        return Classed(OUTDATED, f"{before}; it held there and torch changed in {since}. That it held when written "
                                 "too is an inference: nothing shows an earlier change",
                       changed_in=since, measured=True, inferred=True, written=written, evidence=evidence)
    if all(i.verdict in WRONG for i in decided):
        found = _cited_only(cited, written, when, evidence)
        if found is not None:
            return found
        newest = history.lines[-1] if history.lines else decided[-1].since
        return Classed(MISTAKE, f"{before}; wrong on every release checked (torch {oldest} to {newest}), "
                                "and nothing cited says torch changed",
                       written=written, evidence=evidence)
    return Classed(UNDATED, f"{before}; it was already wrong on torch {oldest} but not on every release checked, "
                            "so whether it held when written is not known", written=written, evidence=evidence)


def _written(date: str, history: History | None) -> str | None:
    """The torch current on the document's date: from the release list, and the history's releases where there is one."""
    if history is not None:
        return written_on(date, history)
    return _written_by_list(date)


@functools.lru_cache(maxsize=None)
def _written_by_list(date: str) -> str | None:
    """The torch current on a date by the release list alone (read once: a report asks for each erratum)."""
    from torchclaims.releases import current_on
    from torchclaims.report.history import first_day

    day = first_day(date)
    current = current_on(day, _releases()) if day else None
    return current.torch if current else None


@functools.lru_cache(maxsize=1)
def _releases():
    from torchclaims.releases import load_releases

    return load_releases()


def _cited_only(cited: Cited, written: str | None, when: str, evidence: list[str]) -> Classed | None:
    """The class that cited evidence alone gives (None: nothing cited)."""
    if not cited:
        return None
    shown = ", ".join(evidence) or "no evidence URL"
    if not cited.changed_in:
        return Classed(UNDATED, f"the cited evidence ({shown}) says torch changed, but not in which release",
                       written=written, evidence=evidence)
    if written is not None and _version(cited.changed_in) <= _version(written):
        return Classed(MISTAKE, f"torch changed in {cited.changed_in} (cited: {shown}), before the document was "
                                f"written ({when}, torch {written})", written=written, evidence=evidence)
    then = f"torch {written}" if written else "a torch older than every release listed"
    return Classed(OUTDATED, f"written {when} on {then}; torch changed in {cited.changed_in} (cited: {shown})",
                   changed_in=cited.changed_in, written=written, evidence=evidence)


def classify(history: History | None, claim: str, devices: list[str], date: str, estimated: bool = False,
             cited: Cited = Cited()) -> tuple[Classed, list[dict]]:
    """The class over the devices where the claim is contradicted, and per device where they disagree."""
    found = {device: classify_device(history, claim, device, date, estimated, cited) for device in devices}
    kinds = {c.kind for c in found.values()}
    first = next(iter(found.values()))
    if len(kinds) <= 1 and len({c.changed_in for c in found.values()}) <= 1:
        return first, []
    per_device = [{"device": d, **c.as_dict()} for d, c in found.items()]
    said = "; ".join(f"{d}: {c.kind}" for d, c in found.items())
    return Classed(UNDATED, f"the devices disagree ({said})", written=first.written, evidence=first.evidence), per_device
