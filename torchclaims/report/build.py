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
from torchclaims.report import history as hist
from torchclaims.report.load import Merged, Run, canonical, torch_version

if TYPE_CHECKING:
    import pandas as pd

VERDICTS = [v.value for v in Verdict]          # holds, contradicted, fails, error, not-run
WRONG = (Verdict.CONTRADICTED.value, Verdict.FAILS.value)   # what the errata list
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
                     "quoted_from": claim.quoted_from, "cells": cells, "messages": messages,
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


def _dating(history: hist.History | None, claim: str, devices: list[str], document: Document | None) -> list[dict]:
    """The erratum's time: since which torch, and when written, per device where devices disagree."""
    if history is None:
        return []
    found = []
    for device in devices:
        said = hist.dating(history, claim, device, document.date if document else "",
                           document.date_estimated if document else False)
        if said and said not in [f["said"] for f in found]:
            found.append({"device": device, "said": said})
    if len(found) == 1:
        found[0]["device"] = ""
    return [{"device": f["device"], **f["said"]} for f in found]


def errata(rows: dict[str, dict], envs: list[str], newest: str | None, documents: dict[str, Document],
           history_of) -> list[dict]:
    """Per document: the claims it gets wrong on the newest torch checked, with what torch does there.

    A claim whose quote is the document citing someone else (quoted_from) is kept apart, under the
    cited source: its error is that source's, not the document's author's.
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
                             "project": row["project"], "items": [], "cited": {}}
        findings = []
        devices: list[str] = []
        for (verdict, _, _, message), (expected, observed, where) in row["wrong"].items():
            findings.append({"verdict": verdict, "expected": expected, "observed": observed, "why": message,
                             "envs": [envs[i] for i, _ in sorted(where)], "rows": compared(expected, observed)})
            devices += [d for _, d in where if d not in devices]
        item = {"claim": row["claim"], "key": key, "says": row["says"], "quote": row["quote"],
                "expected": findings[0]["expected"], "findings": findings,
                "dating": _dating(history_of(row["project"]), row["claim"], sorted(devices), document)}
        if row["quoted_from"]:
            cited = json.loads(row["quoted_from"])
            name = cited["name"]
            entry = pages[source]["cited"].setdefault(name, {"name": name, "url": cited["url"], "items": []})
            entry["items"].append(item)
        else:
            pages[source]["items"].append(item)
    return [{**page, "cited": list(page["cited"].values())} for page in sorted(pages.values(), key=lambda p: p["source"])]


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
