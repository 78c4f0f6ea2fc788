"""Each README command run before what it needs: one line saying what to run first, non-zero, no traceback."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _torchclaims(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "torchclaims", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _refused_in_one_line(result, *named):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert all(name in line for name in named) and " first" in line, line
    return line


def tox_report_command() -> list[str]:
    """The command `tox -e report` runs, as tox.ini writes it ({/} is the path separator)."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(REPO / "tox.ini")
    command = tox["testenv:report"]["commands"].replace("\\\n", " ").replace("{/}", "/").split()
    assert command[:3] == ["python", "-m", "torchclaims"], command
    return command[3:]


def test_tox_e_report_on_a_fresh_clone_says_to_run_the_claims_first(tmp_path):
    args = tox_report_command()
    assert args[0] == "report"
    line = _refused_in_one_line(_torchclaims(*args, cwd=tmp_path), "reports/results-torch-")
    assert "tox -m report" in line


def test_report_on_a_missing_results_file(tmp_path):
    _refused_in_one_line(_torchclaims("report", "nowhere.json", cwd=tmp_path), "nowhere.json", "torchclaims run")


def test_report_with_a_missing_history(tmp_path):
    from tests.report_data import record, results_file

    results = results_file(tmp_path, "r.json", "2.14.1", [record("a.x", "holds")])
    line = _refused_in_one_line(_torchclaims("report", str(results), "--history", "h.json", cwd=tmp_path), "h.json")
    assert "torchclaims history" in line and not (tmp_path / "reports").exists()


@pytest.mark.parametrize("given", [[], ["results/*.json"]], ids=["no files", "an unmatched glob"])
def test_history_merge_with_no_files(tmp_path, given):
    line = _refused_in_one_line(_torchclaims("history", "--merge", *given, "--out", str(tmp_path / "h"), cwd=tmp_path),
                                "--merge")
    assert "torchclaims run --results" in line and not (tmp_path / "h").exists()


def test_validate_against_a_missing_history(tmp_path):
    _refused_in_one_line(_torchclaims("validate", "--history", "h.json", cwd=tmp_path), "h.json", "torchclaims history")


def test_bench_compare_without_asv_results(tmp_path):
    _refused_in_one_line(_torchclaims("bench-compare", cwd=tmp_path), ".asv/results", "asv run")
    assert not (tmp_path / "reports").exists()
