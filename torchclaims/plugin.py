"""The pytest plugin: spec files are collected, each claim × device becomes a test item.

Like pytest's own YAML example: `pytest_collect_file` yields one item per spec entry
(and per device), and `repr_failure` explains a failing claim in the spec's terms.
"""

from __future__ import annotations

import gc
import json
import signal
import sys
import threading
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from torchclaims.catalogue import load_checked_catalogue
from torchclaims.devices import Target, targets
from torchclaims.documents.snippets import runs_in_kernel
from torchclaims.environment import run_info
from torchclaims.evaluate import Outcome, evaluate
from torchclaims.judge import Verdict
from torchclaims.paths import DEFAULT_RESULTS, report_beside
from torchclaims.project import Project, find_project, project_of_specs, resolve_project
from torchclaims.results import document_records, write_results
from torchclaims.spec import SOURCES_FILE, Catalogue, Claim, SpecError

RECORD_KEY = "torchclaims"
RUN_INFO_KEY = "torchclaims_run"
DEFAULT_CLAIM_TIMEOUT = 300.0
CATALOGUE = pytest.StashKey[Catalogue]()
PROJECT = pytest.StashKey[Project]()


def pytest_addoption(parser):
    group = parser.getgroup("torchclaims", "torchclaims: check the claims of a project's specs/")
    group.addoption("--project", metavar="DIR", default=None,
                    help="the project to check (default: the one holding the paths given, or the working directory)")
    group.addoption("--specs", metavar="DIR", default=None,
                    help="directory of spec files (default: <project>/specs)")
    group.addoption("--device", metavar="NAME", action="append", default=[],
                    help="check claims only on these devices: cpu, cuda, ... (repeat or comma-separate)")
    group.addoption("--results", metavar="PATH", default=str(DEFAULT_RESULTS),
                    help="where to write the results file (default: %(default)s)")
    group.addoption("--report", metavar="HTML", default=None,
                    help="write the conformance report (and its CSV) here after the run (default: beside the results "
                         "file: conformance.html beside results.json, else <results stem>.html)")
    group.addoption("--no-report", action="store_true", default=False, help="do not write the conformance report")
    group.addoption("--sources", metavar="DIR", default=None,
                    help="directory of the source documents, where every quote must occur (default: <project>/sources)")
    group.addoption("--only-claims", metavar="FILE", default=None,
                    help="check only the claims whose ids FILE lists, one a line (the history re-checks just these)")
    group.addoption("--claim-timeout", metavar="SECONDS", type=float, default=DEFAULT_CLAIM_TIMEOUT,
                    help="a claim still running after this long is an error (default: %(default)s; 0: none)")


def project(config) -> Project:
    """--specs or --project, else the project holding a path given, else the one around the rootdir."""
    if config.getoption("--specs"):
        return project_of_specs(Path(config.getoption("--specs")))
    if config.getoption("--project"):
        return resolve_project(config.getoption("--project"))
    for arg in config.args:
        if (found := find_project(Path(arg.split("::")[0]))) is not None:
            return found
    return resolve_project(cwd=config.rootpath)


def specs_dir(config) -> Path:
    return project(config).specs_dir.resolve()


def sources_dir(config) -> Path | None:
    """--sources, else the project's sources/ where it has one (so quotes are always checked there)."""
    if config.getoption("--sources"):
        return Path(config.getoption("--sources"))
    own = project(config).sources_dir
    return own if own.is_dir() else None


def wanted_devices(config) -> list[str]:
    return [d.strip() for value in config.getoption("--device") for d in value.split(",") if d.strip()]


def _collects_specs(config) -> bool:
    """Whether this run's arguments reach the specs directory (so plain `pytest tests/` skips it)."""
    root = specs_dir(config)
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if path == root or root in path.parents or path in root.parents:
            return True
    return False


def pytest_configure(config):
    if not _collects_specs(config):
        return
    config.addinivalue_line("markers", "parity: compares an accelerator with the CPU")
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) records results
        config.pluginmanager.register(ResultsRecorder(config), "torchclaims-results")
        _stop_cleanly_on_sigterm()


NOTEBOOK_GROUPS = pytest.StashKey[dict]()


def _group_notebooks(config, catalogue) -> None:
    """Under -n, a notebook's claims on one device go to one worker, so each notebook runs once per device
    and run (its kernel run is cached in the worker). Other claims spread one by one, as under load."""
    groups = {claim.id: claim.source for claim in catalogue.claims if claim.is_snippet and runs_in_kernel(claim)}
    if groups and config.getoption("dist", "no") in ("load", "worksteal"):
        config.stash[NOTEBOOK_GROUPS] = groups


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    groups = config.stash.get(NOTEBOOK_GROUPS, None)
    if not groups:
        return None
    # xdist's own loadgroup cannot do it on pytest 9.2: its `@group` suffix no longer reaches the nodeid
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling_scope(nodeid, groups)

    return NotebookScheduling(config, log)


def scheduling_scope(nodeid: str, groups: dict[str, str]) -> str:
    """The unit xdist hands one worker: a notebook's claims on one device together, any other claim alone."""
    parsed = parse_nodeid(nodeid)
    if parsed and parsed[0] in groups:
        return f"notebook {groups[parsed[0]]} on {parsed[1]}"
    return nodeid


def _is_xdist_controller(config) -> bool:
    """The xdist controller only coordinates: it never runs a claim, so it needs no torch."""
    return config.pluginmanager.getplugin("dsession") is not None


def pytest_sessionfinish(session):
    config = session.config
    if not _collects_specs(config) or _is_xdist_controller(config):
        return
    if hasattr(config, "workerinput"):
        config.workeroutput[RUN_INFO_KEY] = run_info()  # the controller reports the workers' environment
    # what the claims imported (torchvision, torch._dynamo) stays to the end too: frozen, the
    # interpreter's final collections at exit take ~0.2 s, not ~1.2 s, and the controller waits on them
    gc.freeze()


def _stop_cleanly_on_sigterm():
    """Make `kill` act like Ctrl-C, so the results file is still written, with not-run for the rest."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


@pytest.hookimpl(trylast=True)  # after xdist has started its workers, so loading overlaps their start
def pytest_sessionstart(session):
    config = session.config
    if not _collects_specs(config):
        return
    coordinating = _is_xdist_controller(config)
    if not coordinating:
        import torch  # imported here, not under a claim's timeout (no CUDA init)

        if hasattr(config, "workerinput"):
            # N workers on a machine's cores: one intra-op pool each, not N pools of every core
            workers = int(config.workerinput.get("workercount", 1))
            torch.set_num_threads(max(1, torch.get_num_threads() // workers))
        gc.freeze()  # torch's own objects live as long as the process: no collection need walk them

    try:
        catalogue = load_checked_catalogue(specs_dir(config), sources_dir(config))
    except SpecError as exc:
        # the problems once, here; pytest repeats the exit message, so it stays one short line
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        pytest.exit(f"torchclaims: the specs are broken ({len(exc.problems)} problems, listed above)", returncode=2)
    config.stash[CATALOGUE] = catalogue
    if coordinating:
        _group_notebooks(config, catalogue)
    for topic in catalogue.topics():
        config.addinivalue_line("markers", f"{topic}: claims of specs/{topic}.yaml")
    config.stash[PROJECT] = project(config)
    for device in {"cpu", "cuda", *wanted_devices(config)}:
        config.addinivalue_line("markers", f"{device}: claims checked on {device}")


def pytest_collection_modifyitems(config, items):
    listed = config.getoption("--only-claims", None)
    if not listed:
        return
    wanted = set(Path(listed).read_text(encoding="utf-8").split())
    keep = [item for item in items if not isinstance(item, ClaimItem) or item.claim.id in wanted]
    dropped = [item for item in items if isinstance(item, ClaimItem) and item.claim.id not in wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_collect_file(file_path: Path, parent):
    catalogue = parent.config.stash.get(CATALOGUE, None)
    if (catalogue is not None and file_path.suffix == ".yaml" and file_path.name != SOURCES_FILE
            and file_path.parent.resolve() == catalogue.specs_dir.resolve()):
        return SpecFile.from_parent(parent, path=file_path)
    return None


class SpecFile(pytest.File):
    def collect(self):
        catalogue = self.config.stash[CATALOGUE]
        wanted = wanted_devices(self.config)
        for claim in catalogue.claims:
            if claim.file == self.path.name:
                for target in targets(claim.devices, wanted):
                    name = f"{claim.id}[{target.label}]"
                    # an explicit nodeid lets pytest parse "[device]" as the params part, as for
                    # parametrized tests, so --lf and the cache match ids across runs
                    yield ClaimItem.from_parent(self, name=name, nodeid=f"{self.nodeid}::{name}",
                                                claim=claim, target=target)


class ClaimFailed(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.message)
        self.outcome = outcome


class ClaimItem(pytest.Item):
    def __init__(self, *, claim: Claim, target: Target, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.target = target
        for marker in (claim.topic, target.device, *(["parity"] if target.parity else [])):
            self.add_marker(marker)
        timeout = self.config.getoption("--claim-timeout")
        if claim.is_snippet and runs_in_kernel(claim):
            # the first claim of a notebook runs the whole notebook (each cell under its own timeout)
            self.add_marker(pytest.mark.xdist_group(claim.source))
            timeout = 0
        if timeout and self.config.pluginmanager.hasplugin("timeout"):
            # pytest-timeout: the signal method fails just this claim; the run goes on
            method = {"method": "signal"} if hasattr(signal, "SIGALRM") else {}
            self.add_marker(pytest.mark.timeout(timeout, **method))

    def runtest(self):
        outcome = evaluate(self.claim, self.target)
        self.user_properties.append((RECORD_KEY, json.dumps(outcome.to_record(self.claim), ensure_ascii=False)))
        if outcome.verdict is Verdict.NOT_RUN:
            # reported at the claim's line in its spec file, not here
            raise pytest.skip.Exception(outcome.message, _use_item_location=True)
        if not outcome.verdict.passes:
            raise ClaimFailed(outcome)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return explain(self.claim, excinfo.value.outcome)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, max(self.claim.line - 1, 0), f"{self.claim.id}[{self.target.label}]"


def explain(claim: Claim, outcome: Outcome) -> str:
    """A failing claim, told in the spec's terms."""
    lines = [
        f"claim {claim.id} on {outcome.device}: {outcome.verdict.value.upper()}",
        f"  spec      {claim.spec_path or claim.file}:{claim.line}",
        f"  source    {claim.source}",
        f"  quote     {_indented(claim.quote.strip())}",
        f"  says      {claim.says}",
        (f"  check     {claim.source}: >>> example {claim.snippet['session']!r} run as printed"
         if claim.is_snippet and claim.snippet.get("session") is not None else
         f"  check     {claim.source}: code block {claim.snippet['block']!r} run as printed"
         + (f", after blocks {claim.snippet['after']}" if claim.snippet["after"] else "") if claim.is_snippet
         else f"  check     suites/{claim.topic}.py::{claim.check}({_args(claim.args)})"),
        *([f"  cited     {chain_text(claim.quoted_from)}: {claim.quoted_from[-1].get('url') or ''}".rstrip()]
          if claim.quoted_from else []),
        f"  expected  {json.dumps(outcome.expected, ensure_ascii=False)}",
        f"  observed  {json.dumps(outcome.observed, ensure_ascii=False)}",
        f"  why       {outcome.message}",
    ]
    if outcome.details:
        lines += ["", outcome.details.rstrip()]
    return "\n".join(lines)


def _indented(text: str) -> str:
    return text.replace("\n", "\n" + " " * 12)


def _args(args: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())


def parse_nodeid(nodeid: str) -> tuple[str, str] | None:
    """'specs/x.yaml::claim.id[cpu]' -> ('claim.id', 'cpu')."""
    name = nodeid.rsplit("::", 1)[-1]
    if "@" in name and "]@" in name:  # xdist's loadgroup suffix: claim.id[cpu]@group
        name = name[:name.index("]@") + 1]
    if not name.endswith("]") or "[" not in name:
        return None
    claim_id, label = name[:-1].rsplit("[", 1)
    return claim_id, label


class ResultsRecorder:
    """Gathers one record per claim item (from workers too) and writes the results file at the end."""

    def __init__(self, config):
        self.config = config
        self.started = datetime.now(timezone.utc)
        self.records: dict[str, dict] = {}
        self.expected: set[str] = set()
        self.worker_run_info: dict | None = None  # from an xdist worker, which ran the claims

    def pytest_collection_finish(self, session):
        self.expected.update(item.nodeid for item in session.items if isinstance(item, ClaimItem))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        output = getattr(node, "workeroutput", None) or {}
        if RUN_INFO_KEY in output:
            self.worker_run_info = output[RUN_INFO_KEY]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.expected.update(nodeid for nodeid in ids if parse_nodeid(nodeid))

    def pytest_runtest_logreport(self, report):
        for key, value in report.user_properties:
            if key == RECORD_KEY:
                self.records[report.nodeid] = json.loads(value)
                return
        # A failure with no record: the checker hung, its worker died, or the harness broke.
        if report.failed and report.nodeid not in self.records and parse_nodeid(report.nodeid):
            self.records[report.nodeid] = self._record(report.nodeid, Verdict.ERROR, report.longreprtext)

    def _record(self, nodeid: str, verdict: Verdict, message: str) -> dict:
        claim_id, label = parse_nodeid(nodeid)
        catalogue = self.config.stash.get(CATALOGUE, None)
        claim = catalogue.by_id().get(claim_id) if catalogue else None
        outcome = Outcome(claim_id, label, verdict, claim.expect if claim else None, None, message.strip()[-4000:])
        record = outcome.to_record(claim) if claim else {**outcome.__dict__, "verdict": verdict.value}
        return record

    def pytest_sessionfinish(self, session, exitstatus):
        if (not self.expected and not self.records) or self.config.option.collectonly:
            return  # nothing ran: the last run's results and report stay
        for nodeid in sorted(self.expected - set(self.records)):
            self.records[nodeid] = self._record(nodeid, Verdict.NOT_RUN, "did not run (run interrupted or stopped early)")
        run = dict(self.worker_run_info) if self.worker_run_info else run_info()
        run.update(started=self.started.isoformat(timespec="seconds"), argv=sys.argv[1:],
                   duration_s=round((datetime.now(timezone.utc) - self.started).total_seconds(), 3))
        catalogue = self.config.stash.get(CATALOGUE, None)
        if PROJECT in self.config.stash:
            run["project"] = self.config.stash[PROJECT].info()
        if catalogue:  # the errata's facts: the effective chain (passages included) and the cited change
            from torchclaims.errata import record_facts

            claims = catalogue.by_id()
            for record in self.records.values():
                if (claim := claims.get(record.get("claim"))) is not None:
                    record.update(record_facts(claim, record, str(run.get("torch") or "0")))
        self.path = write_results(Path(self.config.getoption("--results")), run, list(self.records.values()),
                                  documents=document_records(catalogue.documents) if catalogue else None)
        if not self.config.getoption("--no-report"):
            self._write_report(session)

    def _write_report(self, session):
        """The run's own report, as `torchclaims run` and `pytest specs` both write it: once, here."""
        from torchclaims.report import write_report

        wanted = self.config.getoption("--report")
        try:
            self.report = write_report([self.path], Path(wanted) if wanted else report_beside(self.path))
        except Exception as exc:  # the results file is written; say why the page is not, and fail the run
            self.report_error = f"{type(exc).__name__}: {exc}"
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.records:
            return
        counts = Counter(record["verdict"] for record in self.records.values())
        summary = ", ".join(f"{counts[v.value]} {v.value}" for v in Verdict if counts[v.value])
        terminalreporter.write_sep("=", "torchclaims", bold=True)
        terminalreporter.write_line(f"{len(self.records)} claim checks: {summary}")
        terminalreporter.write_line(f"results: {getattr(self, 'path', self.config.getoption('--results'))}")
        if getattr(self, "report", None):
            html, csv = self.report
            terminalreporter.write_line(f"report: {html}\nmatrix: {csv}")
        elif getattr(self, "report_error", None):
            terminalreporter.write_line(f"report: not written ({self.report_error})", red=True)
