"""The history's orchestration with a fake runner: no torch is downloaded or installed."""

from pathlib import Path

from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from tests.history_data import RELEASES, load
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.history.runner import run_history
from torchclaims.history.timeline import build_history
from torchclaims.judge import judge
from torchclaims.results import write_results

LINES = [r for r in RELEASES if r.line]
CANDIDATES = [r for r in RELEASES if not r.line]


class FakeRunner:
    """Observes `add` as a + b, except that from torch 1.1.0 on it adds one more (a 'change')."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, release, claims, results: Path):
        self.calls.append((release.torch, sorted(claims)))
        by_id = self.catalogue.by_id()
        records = []
        for claim_id in claims:
            claim = by_id[claim_id]
            observed = claim.args.get("a", 0) + claim.args.get("b", 0)
            if claim_id == "arith.one-plus-two" and release.version >= RELEASES[2].version:
                observed += 1
            verdict = judge(claim, observed, release.torch)
            records.append({"claim": claim_id, "device": "cpu", "verdict": verdict.verdict.value,
                            "expected": claim.expect, "observed": observed, "message": verdict.message,
                            "duration_s": 0.0, "details": "", "source": claim.source, "quote": claim.quote,
                            "says": claim.says, "topic": claim.topic})
        write_results(results, {"torch": release.torch, "torchvision": release.torchvision}, records)


def _project(tmp_path):
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC)
    project.suite("arith", ARITHMETIC_SUITE)
    return project


def _history(project, out):
    catalogue = load_checked_catalogue(project.specs)
    runner = FakeRunner(catalogue)
    tally = run_history(catalogue, LINES, out, runner, candidates=CANDIDATES, log=lambda line: None)
    return runner, tally


def test_first_run_checks_every_claim_on_every_line_and_bisects_only_the_changed_claim(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    runner, tally = _history(project, out)
    every = sorted(c["id"] for c in __import__("yaml").safe_load(ARITHMETIC_SPEC)["claims"])
    assert runner.calls[:4] == [(r.torch, every) for r in LINES]
    assert runner.calls[4:] == [("1.1.0", ["arith.one-plus-two"])]  # between 1.0.1 and 1.1.1
    assert (tally.checked, tally.reused) == (4 * 6 + 1, 0)
    history = build_history(sorted(out.glob("results-torch-*.json")), RELEASES)
    (change,) = history["changes"]
    assert (change["claim"], change["torch_before"], change["torch_after"], change["verdict_after"], change["pinned"]) \
        == ("arith.one-plus-two", "1.0.1", "1.1.0", "fails", True)
    assert all(r["fingerprint"] and r["judged"] for r in load(out / "results-torch-1.2.0.json")["results"])


def test_a_rerun_with_nothing_changed_builds_no_environment(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    runner, tally = _history(project, out)
    assert runner.calls == []
    assert (tally.checked, tally.reused, tally.envs_built) == (0, 4 * 6 + 1, 0)


def test_a_changed_check_reruns_only_that_claim(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    spec = project.specs / "arith.yaml"
    spec.write_text(spec.read_text().replace("args: {a: 1, b: 3}", "args: {a: 2, b: 1}"))
    runner, tally = _history(project, out)
    assert runner.calls == [(r.torch, ["arith.wrong-sum"]) for r in LINES]
    assert tally.checked == 4 and tally.reused == 4 * 5 + 1


def test_a_changed_known_range_is_judged_again_without_running(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    spec = project.specs / "arith.yaml"
    spec.write_text(spec.read_text().replace("known: {observed: 4, why: arithmetic}",
                                             "known: {observed: 4, why: arithmetic, torch: '>=1.2'}"))
    runner, tally = _history(project, out)
    assert runner.calls == []
    verdicts = {r["torch"]: next(x["verdict"] for x in load(out / f"results-torch-{r['torch']}.json")["results"]
                                 if x["claim"] == "arith.known-wrong") for r in [{"torch": "1.1.1"}, {"torch": "1.2.0"}]}
    assert verdicts == {"1.1.1": "fails", "1.2.0": "contradicted"}


def test_a_suite_edit_reruns_that_suites_claims(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    (project.suites / "arith.py").write_text((project.suites / "arith.py").read_text() + "\n# edited\n")
    runner, tally = _history(project, out)
    assert len(runner.calls) == 4 + 1 and tally.reused == 0


def test_a_claim_range_is_applied_without_torch_and_widening_it_reruns(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    spec = project.specs / "arith.yaml"
    original = spec.read_text()
    spec.write_text(original.replace("    args: {a: 1, b: 3}\n", "    args: {a: 1, b: 3}\n    torch: '>=1.2'\n"))
    runner, tally = _history(project, out)
    assert runner.calls == []  # in range: reused; out of range: not-run, decided here
    (old,) = [r for r in load(out / "results-torch-1.1.1.json")["results"] if r["claim"] == "arith.wrong-sum"]
    assert (old["verdict"], old["message"]) == ("not-run", "applies to torch >=1.2; this is 1.1.1")
    spec.write_text(original)  # the range removed: the releases it had excluded run it again
    runner, tally = _history(project, out)
    assert runner.calls == [("1.0.1", ["arith.wrong-sum"]), ("1.1.1", ["arith.wrong-sum"])]


def test_reuse_only_judges_again_and_builds_nothing(tmp_path):
    project, out = _project(tmp_path), tmp_path / "out"
    _history(project, out)
    spec = project.specs / "arith.yaml"
    spec.write_text(spec.read_text().replace("known: {observed: 4, why: arithmetic}",
                                             "known: {observed: 4, why: arithmetic, since: '1.2'}"))
    catalogue = load_checked_catalogue(project.specs)
    tally = run_history(catalogue, LINES + [RELEASES[0]], out, None, candidates=CANDIDATES, log=lambda line: None)
    assert (tally.checked, tally.envs_built) == (0, 0)
    assert not (out / "results-torch-1.0.0.json").exists()  # never checked: no file made up
    (record,) = [r for r in load(out / "results-torch-1.1.1.json")["results"] if r["claim"] == "arith.known-wrong"]
    assert record["verdict"] == "fails"  # 1.1.1 is before the new since


def test_the_history_needs_no_jinja2():
    """tox's history env installs no Jinja2: the runner (which classes errata) must not import the page's renderer."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['jinja2'] = None\n"
            "import torchclaims.history.runner, torchclaims.history.command, torchclaims.errata\n"
            "from torchclaims.history.runner import refreshed\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
