"""`torchclaims validate --history`: known ranges against a measured history."""

import os
import subprocess
import sys

from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from tests.history_data import RELEASES, record, write_release
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.paths import REPO_ROOT
from torchclaims.history.ranges import check_ranges
from torchclaims.history.timeline import build_history, write_history


def _setup(tmp_path, known_line, observed):
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC.replace("known: {observed: 4, why: arithmetic}", known_line))
    project.suite("arith", ARITHMETIC_SUITE)
    paths = [write_release(tmp_path, t, [record("arith.known-wrong", "x", o)]) for t, o in observed.items()]
    history = build_history(paths, RELEASES)
    return project, history


def test_a_range_the_history_agrees_with(tmp_path):
    project, history = _setup(tmp_path, "known: {observed: 4, why: arithmetic, since: '1.1'}",
                              {"1.0.1": 3, "1.1.1": 4, "1.3.1": 4})
    assert check_ranges(history, load_checked_catalogue(project.specs)) == []


def test_a_missing_range_is_reported_with_the_measured_one(tmp_path):
    project, history = _setup(tmp_path, "known: {observed: 4, why: arithmetic}", {"1.0.1": 3, "1.1.1": 4, "1.3.1": 4})
    (problem,) = check_ranges(history, load_checked_catalogue(project.specs))
    assert "torch 1.0.1 did not, inside it" in str(problem) and "measured: >=1.1.1" in str(problem)


def test_a_too_narrow_range_and_the_cli(tmp_path):
    project, history = _setup(tmp_path, "known: {observed: 4, why: arithmetic, torch: '<1.2'}",
                              {"1.0.1": 4, "1.1.1": 4, "1.2.0": 4, "1.3.1": 3})
    path = write_history(history, tmp_path / "history.json")
    # in the project's directory, so its own suites/ is imported
    done = subprocess.run([sys.executable, "-m", "torchclaims", "validate", "--specs", str(project.specs),
                           "--history", str(path)], cwd=project.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 2, done.stderr
    err = done.stderr
    assert "claim arith.known-wrong [cpu]: known.torch: torch <1.2 contradicts the history: " \
           "torch 1.2.0 did what it says, outside the range; measured: <1.3.1" in err
