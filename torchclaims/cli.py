"""The `torchclaims` command: init, extract, run, list, validate, report, history, errata, bench-compare, bench-machine."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from torchclaims.paths import DEFAULT_REPORT, DEFAULT_RESULTS, report_beside  # noqa: F401 (report_beside: its old home)
from torchclaims.project import project_from_args as _project
from torchclaims.project import sources_from_args as _sources

EXIT_BAD_SPECS = 2


def _catalogue(args):
    from torchclaims.catalogue import load_checked_catalogue

    return load_checked_catalogue(_project(args).specs_dir, _sources(args))


def _work_stealing(pytest_args: list[str]) -> list[str]:
    """With xdist workers and no --dist given, let idle workers steal: claims' durations are very uneven."""
    distributed = any(a in ("-n", "--numprocesses") or a.startswith(("-n", "--numprocesses=")) for a in pytest_args)
    chosen = any(a == "--dist" or a.startswith("--dist=") or a == "-d" for a in pytest_args)
    return ["--dist", "worksteal"] if distributed and not chosen else []


def cmd_run(args, pytest_args: list[str]) -> int:
    import pytest

    # hypothesis's pytest plugin (installed for the harness's tests) costs ~0.8 s in every
    # process, xdist workers included, and claims never use it
    specs = _project(args).specs_dir
    sources = _sources(args)
    # this process imported torchclaims before pytest could mark its plugin for assertion rewriting
    quiet = ["-W", "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning"]
    argv = [str(specs), *quiet, "-p", "torchclaims.plugin", "-p", "no:hypothesispytest", "--specs", str(specs),
            "--results", str(args.results), *(["--sources", str(sources)] if sources else []),
            *_report_options(args.report), *pytest_args, *_work_stealing(pytest_args)]
    return int(pytest.main(argv))


BESIDE_RESULTS = object()  # `run` without --report: the plugin writes the report beside the results file


def _report_options(report) -> list[str]:
    """`run`'s --report / --no-report, for the plugin, which writes the report as `pytest specs` does."""
    if report is None:
        return ["--no-report"]
    return [] if report is BESIDE_RESULTS else ["--report", str(report)]


RUN_CLAIMS_FIRST = ("run the claims first: `torchclaims run --results FILE` writes one "
                    "(under tox, `tox -m report` runs them, then this report)")


def cmd_report(args, _extra) -> int:
    from torchclaims.prerequisites import check_history, check_results

    refused = check_results("report", args.results, RUN_CLAIMS_FIRST) or check_history("report", args.history or [])
    if refused:
        return refused
    from torchclaims.report import write_report

    html, csv = write_report([Path(p) for p in args.results], Path(args.output),
                             histories=[Path(p) for p in args.history or []])
    print(f"report: {html}\nmatrix: {csv}")
    return 0


def cmd_validate(args, _extra) -> int:
    from torchclaims.spec import SpecError
    from torchclaims.prerequisites import check_history

    if args.history and (refused := check_history("validate --history", [args.history])):
        return refused

    try:
        catalogue = _catalogue(args)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problems in {_project(args).specs_dir}", file=sys.stderr)
        return EXIT_BAD_SPECS
    if args.strict:
        from torchclaims.testing import missing_breaks

        lacking, unknown = missing_breaks(_project(args))
        for name in lacking:
            print(f"{_project(args).suites_dir / (name.split('.')[0] + '.py')}: checker {name} "
                  f"has no break-it test (@torchclaims.testing.breaks in tests/)", file=sys.stderr)
        for claim_id in unknown:
            print(f"{_project(args).tests_dir}: a break-it test names {claim_id!r}, which no spec has", file=sys.stderr)
        if lacking or unknown:
            return EXIT_BAD_SPECS
    checked = (" and every quote is in its document" if _sources(args)
               else f" (quotes not checked: no documents at {_project(args).sources_dir})")
    print(f"{len(catalogue.claims)} claims in {len(catalogue.topics())} topics are valid{checked}.")
    if args.history:
        from torchclaims.history.ranges import check_ranges, load_history

        history = load_history(Path(args.history))
        problems = check_ranges(history, catalogue)
        for problem in problems:
            print(problem, file=sys.stderr)
        releases = ", ".join(r["torch"] for r in history["releases"])
        if problems:
            print(f"{len(problems)} known ranges contradict the measured history ({releases})", file=sys.stderr)
            return EXIT_BAD_SPECS
        print(f"Every known range agrees with the measured history ({releases}).")
    return 0


def cmd_list(args, _extra) -> int:
    import pandas as pd

    from torchclaims.spec import SpecError

    try:
        catalogue = _catalogue(args)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_SPECS
    claims = [c for c in catalogue.claims if not args.source or c.source == args.source]
    table = pd.DataFrame([{"claim": c.id, "source": c.source, "devices": c.devices, "topic": c.topic}
                          for c in claims])
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 80, "display.width", 200):
        if not table.empty:
            print(table.to_string(index=False))
        print()
        per_document = Counter(c.source for c in claims)
        for document in sorted(catalogue.documents):
            print(f"{per_document.get(document, 0):5d}  {document}  {catalogue.documents[document].title}")
        print(f"{len(claims):5d}  claims in all")
    return 0


def cmd_history(args, _extra) -> int:
    from torchclaims.history.command import history

    return history(args)


def cmd_errata(args, _extra) -> int:
    from torchclaims.errata_command import errata

    return errata(args)


def cmd_init(args, _extra) -> int:
    from torchclaims.init import scaffold

    try:
        written = scaffold(Path(args.directory), args.topic)
    except (FileExistsError, ValueError) as exc:
        print(f"torchclaims init: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"a project in {args.directory}: `torchclaims validate`, `torchclaims run`, `pytest tests` there")
    return 0


def cmd_bench_compare(args, _extra) -> int:
    from torchclaims.prerequisites import refuse

    runs = [p for p in Path(args.results_dir).glob("*/*.json") if p.name != "machine.json"]
    if not runs:
        return refuse("bench-compare", f"no asv results in {args.results_dir}",
                      "run the benchmarks first: `tox -e bench-matrix` (or `asv run --machine \"$(torchclaims bench-machine)\"`)")
    from torchclaims.bench.report import bench_compare

    bench_compare(args.results_dir, args.out)
    return 0


def cmd_bench_machine(args, _extra) -> int:
    from torchclaims.bench.machine import machine_name, register

    name = machine_name(host=args.host, matrix=args.matrix)
    if not args.print_only and register(name) != 0:
        return 1
    print(name)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="torchclaims", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def with_specs(sub):
        sub.add_argument("--project", default=None, metavar="DIR",
                         help="the project (default: the one around the working directory, else the checkout's "
                              "projects/ja-intros)")
        sub.add_argument("--specs", default=None, metavar="DIR", help="spec directory (default: <project>/specs)")
        sub.add_argument("--sources", default=None, metavar="DIR",
                         help="source documents, where every quote must occur (default: <project>/sources)")
        return sub

    run = with_specs(commands.add_parser("run", help="check every claim; other arguments go to pytest",
                                         description="Check every claim on this machine's devices. "
                                                     "Unknown arguments are passed to pytest (-k, -m, -x, -n 2, ...)."))
    run.add_argument("--results", default=str(DEFAULT_RESULTS), help="results file (default: %(default)s)")
    run.add_argument("--report", default=BESIDE_RESULTS, metavar="HTML",
                     help="write the conformance report here after the run (default: beside the results file: "
                          "conformance.html beside results.json, else <results stem>.html)")
    run.add_argument("--no-report", dest="report", action="store_const", const=None,
                     help="do not write the conformance report")
    run.set_defaults(handler=cmd_run)

    report = commands.add_parser("report", help="merge results files into one HTML report (and a CSV beside it)",
                                 description="Merge results files (runs on other devices, machines and torch "
                                             "versions) into one self-contained HTML page and a CSV matrix.")
    report.add_argument("results", nargs="+", metavar="RESULTS.json", help="results files written by `torchclaims run`")
    report.add_argument("-o", "--output", default=str(DEFAULT_REPORT), help="the HTML file (default: %(default)s)")
    report.add_argument("--history", action="append", default=[], metavar="HISTORY.json",
                        help="a release history (torchclaims/history/1): strips, changes by release, dated errata, "
                             "shelf life; once per project")
    report.set_defaults(handler=cmd_report)

    init = commands.add_parser("init", help="scaffold a project: specs/, suites/, sources/, tests/")
    init.add_argument("directory", nargs="?", default=".", help="where (default: the working directory)")
    init.add_argument("--topic", default="basics", help="the first topic's name (default: %(default)s)")
    init.set_defaults(handler=cmd_init)

    from torchclaims.documents.extract import add_parser as add_extract_parser

    add_extract_parser(commands)

    listing = with_specs(commands.add_parser("list", help="list claims and count them per document"))
    listing.add_argument("--source", default=None, help="only this document's claims")
    listing.set_defaults(handler=cmd_list)

    validate = with_specs(commands.add_parser("validate", help="check the spec files; exit 2 if broken"))
    validate.add_argument("--history", default=None, metavar="JSON",
                          help="also check every known since / torch range against this measured history.json")
    validate.add_argument("--strict", action="store_true",
                          help="also fail on checkers that no break-it test breaks (torchclaims.testing.missing_breaks)")
    validate.set_defaults(handler=cmd_validate)

    from torchclaims.history.command import add_history_parser

    add_history_parser(with_specs(commands.add_parser(
        "history", help="check every claim on every torch release line; write history.json",
        description="Check every claim on every release line of the release list (one uv environment "
                    "per release, removed after its run), pin each change to the first release with it, "
                    "and write one results file per release and history.json. With --merge, only build "
                    "history.json from results files.")), cmd_history)

    from torchclaims.errata_command import add_errata_parser

    add_errata_parser(commands.add_parser(
        "errata", help="each document's errata, classed: mistake, outdated or undated (from the committed history)",
        description="Print each document's errata on the newest torch of the project's release history, classed as "
                    "a mistake when written, outdated (torch changed) or undated, and charged to the words' earliest "
                    "author. Works from the committed history and results files; no run."), cmd_errata)

    compare = commands.add_parser("bench-compare", help="CPU vs CUDA times from asv's results: table, CSV, HTML, PNG")
    compare.add_argument("--results-dir", default=".asv/results", help="asv's results directory (default: %(default)s)")
    compare.add_argument("--out", default="reports/bench", help="output directory (default: %(default)s)")
    compare.set_defaults(handler=cmd_bench_compare)

    machine = commands.add_parser("bench-machine", help="register and print the asv machine name "
                                  "<host>-torch<version>-<cpu|cuda> (or <host>-matrix-<kind>)")
    machine.add_argument("--matrix", action="store_true", help="name for the virtualenv torch matrix")
    machine.add_argument("--host", default=None, help="host part of the name (default: this host)")
    machine.add_argument("--print-only", action="store_true", help="print the name; do not run `asv machine`")
    machine.set_defaults(handler=cmd_bench_machine)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args.handler(args, extra)


if __name__ == "__main__":
    raise SystemExit(main())
