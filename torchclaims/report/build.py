"""From the merged claims to what the page shows: claim rows, summary counts, errata, drift, history.

One pass over each claim's records in plain Python (pandas' multi-key groupby over 100,000 rows
costs seconds). Nothing here imports pandas unless asked for a frame (matrix, csv_matrix): the CSV
is written with the csv module.
"""

from __future__ import annotations

import csv
import json
import marshal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from torchclaims.judge import Verdict
from torchclaims.passages import chain_text
from torchclaims.report import history as hist
from torchclaims.report.load import Merged, Run, canonical, torch_version

if TYPE_CHECKING:
    import pandas as pd

VERDICTS = [v.value for v in Verdict]          # holds, contradicted, fails, error, not-run
WRONG = (Verdict.CONTRADICTED.value, Verdict.FAILS.value)   # what the errata page lists: errata, and fails apart
ERRATUM = Verdict.CONTRADICTED.value             # only a contradicted claim is an erratum
NOTHING_OBSERVED = ("null", "[]", "{}", '""')    # an observation with nothing in it: a tool or set-up problem
NOT_RUN = Verdict.NOT_RUN.value
_MISSING = object()


@dataclass
class Document:
    file: str
    title: str
    language: str = ""
    author: str = ""
    date: str = ""
    date_estimated: bool = False
    project: str = ""
    borrowed: dict | None = None     # how much of it comes from elsewhere (passages.shares / not_located)


@dataclass
class Report:
    runs: list[dict]
    environments: list[dict]
    verdicts: list[str]
    totals: dict[str, int]
    by_document: list[dict]
    by_topic: list[dict]
    claims: list[dict]
    errata: list[dict]
    drift: list[dict]
    newest_torch: str | None
    documents: dict[str, Document] = field(default_factory=dict)
    projects: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)          # release lines of the history's strips
    changes: list[dict] = field(default_factory=list)       # changes by release
    shelf: list[dict] = field(default_factory=list)         # per document: its shelf-life plot

    @property
    def claim_count(self) -> int:
        return len(self.claims)


def verdict_order(seen) -> list[str]:
    """The harness's verdicts in their order, then any other verdict found (sorted)."""
    return VERDICTS + sorted(set(seen) - set(VERDICTS))


def matrix(merged: Merged) -> pd.DataFrame:
    """Claims x environments: the verdict of each claim in each environment ('' where it was not checked)."""
    import pandas as pd

    envs = [e["env"] for e in merged.envs]
    table = pd.DataFrame([[c.records[e].verdict if e in c.records else "" for e in envs] for c in merged.claims.values()],
                         index=pd.Index(list(merged.claims), name="claim"), columns=envs)
    return table


def csv_rows(merged: Merged) -> tuple[list[str], list[list[str]]]:
    """The CSV's header and rows: claim, its facts (project where there are several), then one verdict per environment."""
    several = len({c.project for c in merged.claims.values()}) > 1
    envs = [e["env"] for e in merged.envs]
    header = ["claim", *(["project"] if several else []), "source", "topic", "says", *envs]
    rows = [[c.claim, *([c.project] if several else []), c.source, c.topic, c.says,
             *[c.records[e].verdict if e in c.records else "" for e in envs]] for c in merged.claims.values()]
    return header, rows


def csv_matrix(merged: Merged) -> pd.DataFrame:
    """The merged matrix as a frame: the CSV's columns (for analysis; the CSV itself is written by write_csv)."""
    import pandas as pd

    header, rows = csv_rows(merged)
    return pd.DataFrame(rows, columns=header)


def write_csv(merged: Merged, path: Path) -> Path:
    """conformance.csv: as pandas' to_csv(index=False) writes csv_matrix(merged), without importing pandas."""
    header, rows = csv_rows(merged)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return Path(path)


def counts(rows: dict[str, dict], by, verdicts: list[str], names: dict[str, str] | None = None) -> list[dict]:
    """Claim checks per verdict, per value of `by` (a row's field, source or topic, or a function of the row)."""
    key_of = by if callable(by) else (lambda row: row[by])
    tally: dict[str, Counter] = {}
    claims: Counter = Counter()
    for row in rows.values():
        tally.setdefault(key_of(row), Counter()).update(row["tally"])
        claims[key_of(row)] += 1
    return [{"key": key, "name": (names or {}).get(key, key), "claims": claims[key],
             "total": sum(tally[key].values()), "counts": {v: tally[key][v] for v in verdicts}}
            for key in sorted(tally)]


def newest_torch(envs: list[dict]) -> str | None:
    """The newest torch checked, as a base version ('2.14.1' for '2.14.1+cu130')."""
    if not envs:
        return None
    return max(torch_version(e["torch"]) for e in envs).base_version


def compared(expected: str, observed: str) -> list[dict] | None:
    """Key by key, what the document expects and what torch does, marking the keys that differ (dicts only)."""
    try:
        want, got = json.loads(expected), json.loads(observed)
    except (TypeError, ValueError):
        return None
    if not isinstance(want, dict) or not isinstance(got, dict):
        return None
    rows = []
    for key in sorted(set(want) | set(got), key=str):
        a, b = want.get(key, _MISSING), got.get(key, _MISSING)
        a_text = "(absent)" if a is _MISSING else json.dumps(a, ensure_ascii=False, sort_keys=True)
        b_text = "(absent)" if b is _MISSING else json.dumps(b, ensure_ascii=False, sort_keys=True)
        rows.append({"key": str(key), "expected": a_text, "observed": b_text, "differs": a_text != b_text})
    return rows


# ---- one pass over the records ---------------------------------------------------------------

def _rows(merged: Merged, envs: list[str], newest: set[str], tally: Counter) -> dict[str, dict]:
    """Per claim key: its facts, its verdict per environment, its detail groups and its wrong findings.

    `tally` counts the records by (environment, run, verdict) on the way.

    Values are told apart by their marshal bytes (values read from JSON: 1, 1.0 and True differ, as
    under repr(), at a third of repr()'s cost; format 2, which writes no back-references, so equal
    values always give equal bytes) and turned into JSON text once per group, not once per record.
    """
    value_key = _value_key
    column = {env: i for i, env in enumerate(envs)}
    rows: dict[str, dict] = {}
    for key, claim in merged.claims.items():
        cells, messages, warns = [""] * len(envs), [""] * len(envs), []
        groups: dict[tuple, list] = {}
        wrong: dict[tuple, list] = {}
        for env, r in claim.records.items():
            i = column[env]
            cells[i], messages[i] = r.verdict, r.message
            if r.warnings and r.verdict == "holds":
                warns.append(i)  # "holds, warns": a deprecation is the early sign of the next break
            tally[(env, r.run, r.verdict)] += 1
            expected, observed = value_key(r.expected), value_key(r.observed)
            group = (r.verdict, r.target.endswith("-vs-cpu"), expected, observed, r.message, r.details, r.warnings)
            found = groups.get(group)
            if found is None:
                found = groups[group] = [canonical(r.expected), canonical(r.observed), []]
            found[2].append(i)
            if env in newest and r.verdict in WRONG:
                finding = (r.verdict, expected, observed, r.message)
                seen = wrong.get(finding)
                if seen is None:
                    seen = wrong[finding] = [found[0], found[1], []]
                seen[2].append((i, r.device))
        rows[key] = {"key": key, "claim": claim.claim, "project": claim.project, "says": claim.says,
                     "source": claim.source, "quote": claim.quote, "topic": claim.topic,
                     "quoted_from": claim.quoted_from, "quoted_via": claim.quoted_via,
                     "changed_in": claim.changed_in, "evidence": claim.evidence, "cells": cells, "messages": messages,
                     "groups": groups, "wrong": wrong, "tally": Counter(v for v in cells if v), "warns": sorted(warns)}
    return rows


def _value_key(value) -> bytes:
    """A value read from JSON, as bytes that tell apart what repr() tells apart (1, 1.0, True; key order)."""
    try:
        return marshal.dumps(value, 2)
    except ValueError:      # not a JSON value, or nested too deep for marshal: repr() (no marshal bytes start with 0)
        return b"\0" + repr(value).encode("utf-8", "surrogatepass")


def _groups(found: dict[tuple, list[int]], envs: list[str]) -> list[dict]:
    """Detail groups where verdict, expected, observed and message agree, in column order."""
    groups = [{"verdict": v, "parity": parity, "expected": expected, "observed": observed, "message": message,
               "details": details, "warnings": warnings, "envs": [envs[i] for i in sorted(where)], "first": min(where)}
              for (v, parity, _, _, message, details, warnings), (expected, observed, where) in found.items()]
    groups.sort(key=lambda g: g["first"])
    for group in groups:
        del group["first"]
    if len(groups) == 1:
        groups[0]["envs"] = None  # the same everywhere it was checked: no need to list where
    return groups


def _histories(histories) -> callable:
    """project -> its History, or None. A single history without a project name serves every
    project; one that names its project serves only that project (its claim ids mean nothing
    in another project, where an equal id would borrow another claim's strip and dating)."""
    by_project = {h.project: h for h in histories}
    only = histories[0] if len(histories) == 1 else None

    def history_of(project):
        if project in by_project:
            return by_project[project]
        if only is not None and (not project or not only.project):
            return only
        return None

    return history_of


def _strips(history: hist.History | None, claim: str) -> list[dict]:
    if history is None:
        return []
    return [{"device": device,
             "cells": [{"torch": line, "verdict": cell.verdict if cell else "", "observed": cell.observed if cell else "",
                        "warnings": cell.warnings if cell else ""}
                       for line, cell in zip(history.lines, hist.strip(history, claim, device))]}
            for device in history.devices(claim)]


def _finding(verdict, message, expected, observed, where, envs) -> dict:
    return {"verdict": verdict, "expected": expected, "observed": observed, "why": message,
            "envs": [envs[i] for i, _ in sorted(where)], "rows": compared(expected, observed),
            "nothing_observed": observed in NOTHING_OBSERVED}


def _classed(row: dict, devices: list[str], document: Document | None, history) -> dict:
    """The erratum's class (errata.classify) and what it rests on, as the page and the command show it."""
    from torchclaims.errata import Cited, classify

    cited = Cited(row["changed_in"] or None, tuple(row["evidence"]))
    found, per_device = classify(history, row["claim"], devices, document.date if document else "",
                                 document.date_estimated if document else False, cited)
    return {"class": found.kind, "basis": found.basis, "changed_in": found.changed_in, "measured": found.measured,
            "inferred": found.inferred, "written": found.written, "evidence": found.evidence, "per_device": per_device}


CLASS_ORDER = {"mistake": 0, "outdated": 1, "undated": 2}


def grouped(items: list[dict]) -> list[dict]:
    """One entry per torch change: outdated errata that changed in the same release the same way (the same evidence
    cited, else the same observation now) are one group listing their claims; a mistake or undated erratum stands alone."""
    groups: dict[tuple, dict] = {}
    for item in items:
        if item["class"] == "outdated":
            how = tuple(item["evidence"]) or _behaviour(item["findings"][0]["observed"])
            key = ("outdated", item["changed_in"], how)
        else:
            key = (item["class"], item["key"])
        group = groups.setdefault(key, {"class": item["class"], "changed_in": item["changed_in"],
                                        "measured": item["measured"], "key": item["key"], "items": []})
        group["items"].append(item)
    return sorted(groups.values(), key=lambda g: (CLASS_ORDER[g["class"]], hist._version(g["changed_in"] or "0"), g["key"]))


def _behaviour(observed: str) -> tuple:
    """What torch does now, as the distinct values it shows: "none", ["none"] and {"grad": "none"} are one behaviour
    (two checkers of one change shape their observations differently)."""
    try:
        value = json.loads(observed)
    except (TypeError, ValueError):
        return (observed,)
    leaves, stack = set(), [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            leaves.add(json.dumps(item))
    return tuple(sorted(leaves))


def _count(items: list[dict]) -> dict:
    counts = Counter(item["class"] for item in items)
    return {"mistake": counts["mistake"], "outdated": counts["outdated"], "undated": counts["undated"],
            "changes": len({(g["changed_in"], g["key"]) for g in grouped(items) if g["class"] == "outdated"})}


def errata(rows: dict[str, dict], envs: list[str], newest: str | None, documents: dict[str, Document],
           history_of) -> list[dict]:
    """Per document: its errata on the newest torch checked (contradicted claims only), each classed as a mistake,
    outdated or undated (torchclaims.errata), and one entry per torch change; and, apart, its claims that fail
    there (not yet reviewed: the document and torch differ, and no spec says what torch does).

    An erratum is charged to the earliest author of its words: a claim whose quote comes from elsewhere (its own
    quoted_from, or a passage of the document's) is listed under that source, not the document's author.
    """
    pages: dict[str, dict] = {}
    for key in sorted(rows):
        row = rows[key]
        if not row["wrong"]:
            continue
        source = row["source"]
        document = documents.get(source)
        if source not in pages:
            pages[source] = {"source": source, "title": document.title if document else source,
                             "language": document.language if document else "", "torch": newest,
                             "date": document.date if document else "", "author": document.author if document else "",
                             "project": row["project"], "items": [], "cited": {}, "unreviewed": [],
                             "borrowed": document.borrowed if document else None}
        contradicted, failing = [], []
        devices: list[str] = []
        for (verdict, _, _, message), (expected, observed, where) in row["wrong"].items():
            finding = _finding(verdict, message, expected, observed, where, envs)
            if verdict == ERRATUM:
                contradicted.append(finding)
                devices += [d for _, d in where if d not in devices]
            else:
                failing.append(finding)
        common = {"claim": row["claim"], "key": key, "says": row["says"], "quote": row["quote"]}
        if failing:
            pages[source]["unreviewed"].append({**common, "expected": failing[0]["expected"], "findings": failing})
        if not contradicted:
            continue
        item = {**common, "expected": contradicted[0]["expected"], "findings": contradicted,
                "chain": None, "chain_text": "", "via": "",
                **_classed(row, sorted(devices), document, history_of(row["project"]))}
        if row["quoted_from"]:
            chain = json.loads(row["quoted_from"])
            origin = chain[-1]
            item["chain"] = chain
            item["chain_text"] = chain_text(chain)
            item["via"] = row["quoted_via"] or "claim"
            entry = pages[source]["cited"].setdefault(origin["name"], {"name": origin["name"], "url": origin.get("url", ""),
                                                                       "items": []})
            entry["items"].append(item)
        else:
            pages[source]["items"].append(item)
    found = []
    for page in sorted(pages.values(), key=lambda p: p["source"]):
        cited = list(page["cited"].values())
        for entry in cited:
            entry["groups"] = grouped(entry["items"])
            entry["counts"] = _count(entry["items"])
        cited_items = [i for entry in cited for i in entry["items"]]
        found.append({**page, "cited": cited, "groups": grouped(page["items"]),
                      "counts": {**_count(page["items"]), "cited": len(cited_items),
                                 "cited_mistake": sum(i["class"] == "mistake" for i in cited_items),
                                 "unreviewed": len(page["unreviewed"])}})
    return found


def drift(rows: dict[str, dict], envs: list[dict]) -> list[dict]:
    """Claims whose verdict differs between the environments where they ran (not-run is left out)."""
    found = []
    for key in sorted(rows):
        row = rows[key]
        ran = [(i, v) for i, v in enumerate(row["cells"]) if v and v != NOT_RUN]
        if len({v for _, v in ran}) < 2:
            continue
        groups: dict[str, dict] = {}
        for i, verdict in ran:
            group = groups.setdefault(verdict, {"verdict": verdict, "envs": [], "messages": set(), "where": {}})
            group["envs"].append(envs[i]["env"])
            group["where"].setdefault(f"{envs[i]['device']} · {envs[i]['machine']}", []).append(envs[i]["torch"])
            if row["messages"][i]:
                group["messages"].add(row["messages"][i])
        ordered = sorted(groups.values(), key=lambda g: VERDICTS.index(g["verdict"]) if g["verdict"] in VERDICTS else 99)
        found.append({"claim": row["claim"], "key": key, "says": row["says"], "source": row["source"],
                      "across": _across([(v, envs[i]) for i, v in ran]),
                      "groups": [{**g, "messages": sorted(g["messages"]), "where": _where(g["where"])} for g in ordered]})
    return found


def _where(found: dict[str, list[str]]) -> list[str]:
    """Environments said compactly: 'cpu · Xeon: torch 2.0.1, 2.1.2' (34 full labels made the section 0.5 MB)."""
    return [f"{place}: torch {', '.join(torches)}" for place, torches in found.items()]


def _across(ran: list[tuple[str, dict]]) -> list[str]:
    """What differs between the environments where the claim's verdict differs: torch, device, machine."""
    names = {"torch": "torch versions", "device": "devices", "machine": "machines"}
    found = set()
    for i, (verdict_a, a) in enumerate(ran):
        for verdict_b, b in ran[i + 1:]:
            if verdict_a != verdict_b:
                found.add(" and ".join(names[k] for k in names if a[k] != b[k]))
    return sorted(found)


def run_rows(runs: list[Run], tally: Counter, verdicts: list[str]) -> list[dict]:
    kept: dict[int, Counter] = {i: Counter() for i in range(len(runs))}
    for (_, run, verdict), n in tally.items():
        kept[run][verdict] += n
    rows = []
    for index, run in enumerate(runs):
        info = run.info
        counts = {v: kept[index][v] for v in verdicts}
        rows.append({
            "file": Path(run.path).name, "torch": run.torch, "torchvision": info.get("torchvision") or "none",
            "python": info.get("python") or "", "cpu": info.get("cpu") or "", "accelerators": run.accelerators(),
            "harness": info.get("harness") or "", "started": run.started, "platform": info.get("platform") or "",
            "duration_s": info.get("duration_s"), "records": len(run.records), "kept": sum(counts.values()),
            "counts": counts, "project": run.project,
        })
    return sorted(rows, key=lambda row: (torch_version(row["torch"]), row["started"]))


def shelf(histories: list[hist.History], documents: dict[str, Document]) -> list[dict]:
    """Per document of each history: its shelf-life plot (an SVG data: URI) and the figures in words."""
    from torchclaims.report.plot import describe, shelf_life_svg

    found = []
    for history in histories:
        for source, points in hist.shelf_life(history).items():
            document = documents.get(source)
            written = hist.written_on(document.date, history) if document and document.date else None
            line = _line_of(written, history.lines)
            found.append({"source": source, "title": document.title if document else source,
                          "language": document.language if document else "", "project": history.project,
                          "date": document.date if document else "", "written": written,
                          "svg": shelf_life_svg(points, line), "alt": describe(points)})
    return found


def _with_rows(group: dict) -> dict:
    """A release's changes, each with its observation before and after compared key by key."""
    for change in group["changes"]:
        change["rows"] = compared(change["observed_before"], change["observed_after"])
    return group


def _line_of(release: str | None, lines: list[str]) -> str | None:
    """The release line a release belongs to ('2.0.0' -> '2.0.1' when 2.0.1 is the checked line)."""
    if release is None:
        return None
    minor = torch_version(release).release[:2]
    return next((line for line in lines if torch_version(line).release[:2] == minor), None)


def build(runs: list[Run], merged: Merged, documents: dict[str, Document] | None = None,
          histories: list[hist.History] | None = None) -> Report:
    documents = documents or {}
    histories = histories or []
    history_of = _histories(histories) if histories else (lambda project: None)
    environments = merged.envs
    envs = [e["env"] for e in environments]
    newest = newest_torch(environments)
    on_newest = {e["env"] for e in environments if torch_version(e["torch"]).base_version == newest}
    tally: Counter = Counter()
    rows = _rows(merged, envs, on_newest, tally)
    verdicts = verdict_order(verdict for _, _, verdict in tally)
    per_env = {env: Counter() for env in envs}
    for (env, _, verdict), n in tally.items():
        per_env[env][verdict] += n
    env_list = [{"env": e["env"], "device": e["device"], "torch": e["torch"], "machine": e["machine"],
                 "counts": {v: per_env[e["env"]][v] for v in verdicts}}
                for e in environments]
    claims = []
    for key, row in rows.items():
        document = documents.get(row["source"])
        claims.append({
            "key": key, "claim": row["claim"], "project": row["project"], "says": row["says"],
            "source": row["source"], "title": document.title if document else row["source"],
            "language": document.language if document else "", "quote": row["quote"], "topic": row["topic"],
            "quoted_from": json.loads(row["quoted_from"]) if row["quoted_from"] else None,
            "cells": row["cells"], "warns": row["warns"], "groups": _groups(row["groups"], envs),
            "strips": _strips(history_of(row["project"]), row["claim"]),
        })
    names = {key: doc.title for key, doc in documents.items()}
    several = len({r["project"] for r in rows.values()}) > 1
    # two projects may both have a topic `tensors`: they are counted apart
    topic = (lambda row: f"{row['project']}: {row['topic']}") if several else "topic"
    totals = Counter()
    for env in envs:
        totals.update(per_env[env])
    return Report(
        runs=run_rows(runs, tally, verdicts), environments=env_list, verdicts=verdicts,
        totals={v: totals[v] for v in verdicts},
        by_document=counts(rows, "source", verdicts, names), by_topic=counts(rows, topic, verdicts),
        claims=claims, errata=errata(rows, envs, newest, documents, history_of), drift=drift(rows, environments),
        newest_torch=newest, documents=documents,
        projects=sorted({r["project"] for r in rows.values() if r["project"]}),
        lines=sorted({line for h in histories for line in h.lines}, key=torch_version),
        changes=[_with_rows(group) for h in histories
                 for group in hist.changes_by_release(h, documents, (lambda p: lambda c: f"{p}:{c}")(h.project)
                                                      if several else (lambda c: c))],
        shelf=shelf(histories, documents))


def errata_pages(merged: Merged, documents: dict[str, Document], histories: list[hist.History]) -> tuple[str | None, list[dict]]:
    """Only the errata (for `torchclaims errata`): the newest torch checked, and per document its classed errata."""
    history_of = _histories(histories) if histories else (lambda project: None)
    envs = [e["env"] for e in merged.envs]
    newest = newest_torch(merged.envs)
    on_newest = {e["env"] for e in merged.envs if torch_version(e["torch"]).base_version == newest}
    rows = _rows(merged, envs, on_newest, Counter())
    return newest, errata(rows, envs, newest, documents, history_of)
