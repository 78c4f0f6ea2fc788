"""`torchclaims errata`: each document's errata, classed, from the project's committed history (no run).

It reads <project>/history/history.json and the results files of the newest release it lists; the
project's specs, where they load, supply what the words' chain and the cited changes say now (so a
`changed_in` added to a spec counts at once). `--fail-on mistake` makes CI fail on a mistake, and
`--baseline` on a mistake not accepted yet, while torch moving on (outdated errata) never fails it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_FOUND = 1
EXIT_NO_DATA = 2


def add_errata_parser(parser, handler):
    parser.add_argument("--project", default=None, metavar="DIR",
                        help="the project (default: the one around the working directory, else projects/ja-intros)")
    parser.add_argument("--history", default=None, metavar="JSON",
                        help="the release history (default: <project>/history/history.json)")
    parser.add_argument("--results", nargs="+", default=None, metavar="RESULTS.json",
                        help="results files to read (default: the newest release's, as the history lists them)")
    parser.add_argument("--json", action="store_true", help="print JSON (per document: counts, errata, classes)")
    parser.add_argument("--no-specs", action="store_true",
                        help="use only what the results files recorded, not the specs as they read now")
    parser.add_argument("--fail-on", action="append", default=[], choices=["mistake", "undated"],
                        help="exit 1 when an erratum of this class exists (repeatable); outdated never fails")
    parser.add_argument("--baseline", default=None, metavar="FILE",
                        help="claims already accepted (one id a line, # comments): --fail-on ignores them")
    parser.set_defaults(handler=handler)
    return parser


def newest_results(history_path: Path, history: dict) -> list[Path]:
    """The results files of the newest release the history checked, beside history.json."""
    from torchclaims.report.history import _version

    releases = sorted(history.get("releases") or [], key=lambda r: _version(r["torch"]))
    if not releases:
        return []
    files = releases[-1]["results"]
    return [history_path.parent / name for name in ([files] if isinstance(files, str) else files)]


def _overlay(merged, catalogue) -> None:
    """The specs as they read now: each claim's chain and, where contradicted, its cited change."""
    from torchclaims.errata import matching_known

    claims = catalogue.by_id()
    torch_of = {e["env"]: e["torch"] for e in merged.envs}
    for claim in merged.claims.values():
        spec = claims.get(claim.claim)
        if spec is None:
            continue
        claim.quoted_from = json.dumps(spec.quoted_from, ensure_ascii=False, sort_keys=True) if spec.quoted_from else ""
        claim.quoted_via = spec.quoted_via
        claim.changed_in, claim.evidence = "", ()
        for env, record in claim.records.items():
            if record.verdict == "contradicted" and (known := matching_known(spec, record.observed, torch_of[env])):
                claim.changed_in, claim.evidence = known.changed_in or "", tuple(known.evidence)
                break


def load_baseline(path: Path | None) -> set[str]:
    if path is None:
        return set()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].strip() for line in lines} - {""}


def collect(args) -> dict:
    """The errata data: per document, its errata with their classes (what --json prints)."""
    from torchclaims.project import resolve_project
    from torchclaims.report.build import errata_pages
    from torchclaims.report.history import read_history
    from torchclaims.report.load import load_runs, merge
    from torchclaims.report.write import documents_of

    project = resolve_project(args.project)
    history_path = Path(args.history) if args.history else project.root / "history" / "history.json"
    if not history_path.exists() and not args.results:
        raise FileNotFoundError(f"no release history at {history_path}: run `torchclaims history`, or pass --results")
    histories = [read_history(history_path)] if history_path.exists() else []
    if args.results:
        results = [Path(p) for p in args.results]
    else:
        results = newest_results(history_path, json.loads(history_path.read_text(encoding="utf-8")))
    runs = load_runs(results)
    merged = merge(runs)
    documents = documents_of(runs, None)
    specs_note = "the results files' records"
    if not args.no_specs:
        catalogue, problem = _catalogue(project)
        if catalogue is not None:
            _overlay(merged, catalogue)
            from torchclaims.report.write import _document
            from torchclaims.results import document_records

            for name, entry in document_records(catalogue.documents).items():  # as a results file carries them
                documents[name] = _document(name, entry, project.name)
            specs_note = f"the specs in {project.specs_dir} as they read now"
        else:
            specs_note = f"the results files' records (the specs did not load: {problem})"
    newest, pages = errata_pages(merged, documents, histories)
    return {"project": project.name, "torch": newest, "history": str(history_path) if histories else None,
            "results": [str(p) for p in results], "attribution_from": specs_note,
            "documents": [_document_entry(page) for page in pages], "totals": _totals(pages)}


def _catalogue(project):
    from torchclaims.spec import SpecError, load_catalogue

    sources = project.sources_dir if project.sources_dir.is_dir() else None
    try:
        return load_catalogue(project.specs_dir, sources_dir=sources), None
    except SpecError as exc:
        return None, f"{len(exc.problems)} problems; `torchclaims validate` lists them"


def _erratum(item: dict, group: int, charged: str) -> dict:
    return {"claim": item["claim"], "class": item["class"], "changed_in": item["changed_in"],
            "measured": item["measured"], "inferred": item["inferred"], "written": item["written"],
            "basis": item["basis"], "evidence": item["evidence"], "charged_to": charged,
            "chain": item["chain"] or [], "change": group, "says": item["says"],
            "per_device": item["per_device"]}


def _document_entry(page: dict) -> dict:
    found, group_no = [], 0
    for charged, groups in [("author", page["groups"]), *((c["name"], c["groups"]) for c in page["cited"])]:
        for group in groups:
            group_no += 1
            found += [_erratum(item, group_no, charged) for item in group["items"]]
    return {"source": page["source"], "title": page["title"], "date": page["date"], "author": page["author"],
            "counts": page["counts"], "borrowed": page["borrowed"], "errata": found,
            "not_yet_reviewed": [{"claim": i["claim"], "says": i["says"],
                                  "nothing_observed": any(f["nothing_observed"] for f in i["findings"])}
                                 for i in page["unreviewed"]]}


def _totals(pages: list[dict]) -> dict:
    totals = {"mistake": 0, "outdated": 0, "undated": 0, "changes": 0, "cited": 0, "cited_mistake": 0, "unreviewed": 0}
    for page in pages:
        for key in totals:
            totals[key] += page["counts"][key]
    return totals


def _text(data: dict) -> str:
    lines = [f"{data['project']}: errata on torch {data['torch']}"
             + (f" (history {data['history']})" if data["history"] else " (no release history: classes rest on citations only)"),
             f"chains and cited changes from {data['attribution_from']}", ""]
    for doc in data["documents"]:
        c = doc["counts"]
        share = doc["borrowed"]
        elsewhere = ("" if not share else f"; {100 * share['share']:.0f}% from elsewhere" if share.get("located")
                     else f"; {share['passages']} passages from elsewhere, not measured (no text here)")
        lines.append(f"{doc['source']}  {doc['title']} ({doc['date'] or 'undated'}): {_counted(c)}; "
                     f"{c['cited']} charged to quoted sources; {c['unreviewed']} not yet reviewed{elsewhere}")
        last = None
        for e in doc["errata"]:
            head = e["class"] + (f" {e['changed_in']}" if e["class"] == "outdated" and e["changed_in"] else "")
            charged = "" if e["charged_to"] == "author" else f"  [words of {e['charged_to']}]"
            if e["change"] == last:
                lines.append(f"  {'':18} {e['claim']}{charged}")
                continue
            last = e["change"]
            lines.append(f"  {head:18} {e['claim']}{charged}")
            lines.append(f"  {'':18}   {e['basis']}")
        for item in doc["not_yet_reviewed"]:
            why = " (nothing observed: a tool or set-up problem)" if item["nothing_observed"] else ""
            lines.append(f"  {'not yet reviewed':18} {item['claim']}{why}")
        lines.append("")
    t = data["totals"]
    lines.append(f"{_counted(t)}; {t['cited']} of them charged to quoted sources; {t['unreviewed']} not yet reviewed")
    return "\n".join(lines)


def _counted(c: dict) -> str:
    def n(count, word, plural=None):
        return f"{count} {word if count == 1 else plural or word + 's'}"

    return (f"{n(c['mistake'], 'mistake')}, {c['outdated']} outdated ({n(c['changes'], 'change')} of torch), "
            f"{c['undated']} undated")


def errata(args) -> int:
    try:
        data = collect(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"torchclaims errata: {exc}", file=sys.stderr)
        return EXIT_NO_DATA
    print(json.dumps(data, ensure_ascii=False, indent=1) if args.json else _text(data))
    accepted = load_baseline(Path(args.baseline) if args.baseline else None)
    failing = [(doc["source"], e["claim"], e["class"]) for doc in data["documents"] for e in doc["errata"]
               if e["class"] in args.fail_on and e["claim"] not in accepted]
    for source, claim, kind in failing:
        print(f"torchclaims errata: {kind}: {claim} ({source})", file=sys.stderr)
    return EXIT_FOUND if failing else 0
