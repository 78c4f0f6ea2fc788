"""From the merged frame to what the page shows: pivots, summary counts, errata, drift."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from packaging.version import Version

from torchclaims.judge import Verdict
from torchclaims.report.load import Run, torch_version

VERDICTS = [v.value for v in Verdict]          # holds, contradicted, fails, error, not-run
WRONG = (Verdict.CONTRADICTED.value, Verdict.FAILS.value)   # what the errata list
NOT_RUN = Verdict.NOT_RUN.value


@dataclass
class Document:
    file: str
    title: str
    language: str = ""


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

    @property
    def claim_count(self) -> int:
        return len(self.claims)


def verdict_order(frame: pd.DataFrame) -> list[str]:
    seen = set(frame["verdict"].unique())
    return VERDICTS + sorted(seen - set(VERDICTS))


def matrix(frame: pd.DataFrame, environments: pd.DataFrame) -> pd.DataFrame:
    """Claims x environments: the verdict of each claim in each environment ('' where it was not checked)."""
    envs = list(environments["env"])
    pivot = frame.pivot(index="claim", columns="env", values="verdict").reindex(columns=envs)
    return pivot.fillna("").sort_index()


def claim_facts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: its statement, document, quote and topic (from its newest record)."""
    columns = ["says", "source", "quote", "topic"]
    return frame.sort_values("run", kind="stable").groupby("claim")[columns].last().sort_index()


def csv_matrix(frame: pd.DataFrame, environments: pd.DataFrame) -> pd.DataFrame:
    """The merged matrix for the CSV: claim, its facts, then one verdict column per environment."""
    facts = claim_facts(frame)[["source", "topic", "says"]]
    return facts.join(matrix(frame, environments)).reset_index()


def counts(frame: pd.DataFrame, by: str, verdicts: list[str], names: dict[str, str] | None = None) -> list[dict]:
    """Claim checks per verdict, per value of `by` (document or topic)."""
    if frame.empty:
        return []
    table = pd.crosstab(frame[by], frame["verdict"]).reindex(columns=verdicts, fill_value=0)
    claims = frame.groupby(by)["claim"].nunique()
    return [{"key": key, "name": (names or {}).get(key, key), "claims": int(claims[key]),
             "total": int(row.sum()), "counts": {v: int(row[v]) for v in verdicts}}
            for key, row in table.iterrows()]


def detail_groups(frame: pd.DataFrame, environments: pd.DataFrame) -> dict[str, list[dict]]:
    """Per claim: its records grouped where verdict, expected, observed and message agree, in column order."""
    column = {env: i for i, env in enumerate(environments["env"])}
    keys = ["claim", "verdict", "parity", "expected", "observed", "message", "details"]
    parity = frame["target"].str.endswith("-vs-cpu")
    grouped = frame.assign(parity=parity).groupby(keys, sort=False)["env"].agg(list).reset_index()
    groups: dict[str, list[dict]] = {}
    for row in grouped.itertuples(index=False):
        groups.setdefault(row.claim, []).append({
            "verdict": row.verdict, "parity": row.parity, "expected": row.expected,
            "observed": row.observed, "message": row.message, "details": row.details, "envs": row.env})
    for found in groups.values():
        found.sort(key=lambda group: min(column[env] for env in group["envs"]))
        for group in found:
            group["envs"].sort(key=column.__getitem__)
        if len(found) == 1:
            found[0]["envs"] = None  # the same everywhere it was checked: no need to list where
    return groups


def newest_torch(environments: pd.DataFrame) -> str | None:
    """The newest torch checked, as a base version ('2.14.1' for '2.14.1+cu130')."""
    if environments.empty:
        return None
    return max(torch_version(t) for t in environments["torch"]).base_version


def errata(frame: pd.DataFrame, environments: pd.DataFrame, documents: dict[str, Document]) -> list[dict]:
    """Per document: the claims it gets wrong on the newest torch checked, with what torch does there."""
    newest = newest_torch(environments)
    if newest is None:
        return []
    on_newest = environments["torch"].map(lambda t: torch_version(t).base_version == newest)
    wrong = frame[frame["env"].isin(set(environments.loc[on_newest, "env"])) & frame["verdict"].isin(WRONG)]
    facts = claim_facts(wrong).to_dict("index")
    findings = (wrong.groupby(["source", "claim", "verdict", "expected", "observed", "message"], sort=True)["env"]
                .agg(list).reset_index())
    pages: dict[str, dict] = {}
    for row in findings.itertuples(index=False):
        if row.source not in pages:
            document = documents.get(row.source, Document(row.source, row.source))
            pages[row.source] = {"source": row.source, "title": document.title, "language": document.language,
                                 "torch": newest, "items": {}}
        items = pages[row.source]["items"]
        if row.claim not in items:
            fact = facts[row.claim]
            items[row.claim] = {"claim": row.claim, "says": fact["says"], "quote": fact["quote"],
                                "expected": row.expected, "findings": []}
        items[row.claim]["findings"].append({"verdict": row.verdict, "observed": row.observed,
                                             "why": row.message, "envs": row.env})
    return [{**page, "items": list(page["items"].values())} for page in pages.values()]


def drift(frame: pd.DataFrame, environments: pd.DataFrame) -> list[dict]:
    """Claims whose verdict differs between the environments where they ran (not-run is left out)."""
    ran = frame[frame["verdict"] != NOT_RUN]
    varied = ran.groupby("claim")["verdict"].nunique()
    ran = ran[ran["claim"].isin(set(varied[varied > 1].index))]
    if ran.empty:
        return []
    ran = ran.join(environments.set_index("env")[["torch", "machine"]], on="env")
    across = {claim: _across(rows) for claim, rows in ran.groupby("claim")[["verdict", "torch", "device", "machine"]]}
    by_verdict = (ran.groupby(["claim", "verdict"], sort=False)
                  .agg(envs=("env", list), messages=("message", lambda m: sorted({x for x in m if x})))
                  .reset_index())
    facts = claim_facts(ran)
    column = {env: i for i, env in enumerate(environments["env"])}
    found: dict[str, dict] = {}
    for row in by_verdict.sort_values("claim", kind="stable").itertuples(index=False):
        if row.claim not in found:
            found[row.claim] = {"claim": row.claim, "says": facts.at[row.claim, "says"],
                                "source": facts.at[row.claim, "source"], "across": across[row.claim],
                                "groups": []}
        envs = sorted(row.envs, key=column.__getitem__)
        found[row.claim]["groups"].append({"verdict": row.verdict, "envs": envs, "messages": row.messages})
    for item in found.values():
        item["groups"].sort(key=lambda g: VERDICTS.index(g["verdict"]) if g["verdict"] in VERDICTS else 99)
    return list(found.values())


def _across(rows: pd.DataFrame) -> list[str]:
    """What differs between the environments where the claim's verdict differs: torch, device, machine."""
    names = {"torch": "torch versions", "device": "devices", "machine": "machines"}
    found = set()
    records = rows.to_dict("records")
    for i, a in enumerate(records):
        for b in records[i + 1:]:
            if a["verdict"] != b["verdict"]:
                found.add(" and ".join(names[k] for k in names if a[k] != b[k]))
    return sorted(found)


def run_rows(runs: list[Run], frame: pd.DataFrame, verdicts: list[str]) -> list[dict]:
    kept = pd.crosstab(frame["run"], frame["verdict"]).reindex(index=range(len(runs)), columns=verdicts, fill_value=0)
    rows = []
    for index, run in enumerate(runs):
        info = run.info
        counts = {v: int(kept.at[index, v]) for v in verdicts}
        rows.append({
            "file": Path(run.path).name, "torch": run.torch, "torchvision": info.get("torchvision") or "none",
            "python": info.get("python") or "", "cpu": info.get("cpu") or "", "accelerators": run.accelerators(),
            "harness": info.get("harness") or "", "started": run.started, "platform": info.get("platform") or "",
            "duration_s": info.get("duration_s"), "records": len(run.records), "kept": sum(counts.values()),
            "counts": counts,
        })
    return sorted(rows, key=lambda row: (torch_version(row["torch"]), row["started"]))


def build(runs: list[Run], frame: pd.DataFrame, environments: pd.DataFrame,
          documents: dict[str, Document] | None = None) -> Report:
    documents = documents or {}
    verdicts = verdict_order(frame)
    pivot = matrix(frame, environments)
    groups = detail_groups(frame, environments)
    per_env = pd.crosstab(frame["env"], frame["verdict"]).reindex(index=list(environments["env"]), columns=verdicts,
                                                                   fill_value=0)
    env_list = [{"env": row.env, "device": row.device, "torch": row.torch, "machine": row.machine,
                 "counts": {v: int(per_env.at[row.env, v]) for v in verdicts}}
                for row in environments.itertuples()]
    facts = claim_facts(frame).to_dict("index")
    claims = []
    for claim, cells in zip(pivot.index, pivot.to_numpy().tolist()):
        fact = facts[claim]
        document = documents.get(fact["source"], Document(fact["source"], fact["source"]))
        claims.append({
            "claim": claim, "says": fact["says"], "source": fact["source"], "title": document.title,
            "language": document.language, "quote": fact["quote"], "topic": fact["topic"],
            "cells": cells, "verdicts": sorted({c for c in cells if c}),
            "devices": sorted({env["device"] for env, c in zip(env_list, cells) if c}),
            "groups": groups.get(claim, []),
        })
    names = {key: f"{doc.title}" for key, doc in documents.items()}
    return Report(
        runs=run_rows(runs, frame, verdicts), environments=env_list, verdicts=verdicts,
        totals={v: int((frame["verdict"] == v).sum()) for v in verdicts},
        by_document=counts(frame, "source", verdicts, names), by_topic=counts(frame, "topic", verdicts),
        claims=claims, errata=errata(frame, environments, documents), drift=drift(frame, environments),
        newest_torch=newest_torch(environments), documents=documents)
