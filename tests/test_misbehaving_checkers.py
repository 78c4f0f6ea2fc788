"""Checkers that raise, hang, kill their process or get interrupted: the run still completes."""

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import Project
from torchclaims.paths import REPO_ROOT

SPEC = """\
claims:
  - id: bad.first
    source: doc.txt
    quote: Adding one to two gives three.
    says: fine
    check: fine
    expect: 3
    devices: cpu
  - id: bad.misbehaves
    source: doc.txt
    quote: Adding one to two gives three.
    says: the checker misbehaves
    check: misbehave
    expect: 3
    devices: cpu
  - id: bad.last
    source: doc.txt
    quote: Adding one to two gives three.
    says: fine
    check: fine
    args: {value: 4}
    expect: 4
    devices: cpu
"""


def project_with(pytester, misbehaviour: str) -> Project:
    project = Project(pytester.path)
    project.spec("bad", SPEC)
    project.suite("bad", f"""\
import os, signal, time


@checker
def fine(device, value=3):
    return value


@checker
def misbehave(device):
    {misbehaviour}
""")
    return project


def verdicts(pytester):
    document = json.loads((pytester.path / "reports" / "results.json").read_text(encoding="utf-8"))
    return {r["claim"]: (r["verdict"], r["message"]) for r in document["results"]}


def test_a_hanging_checker_times_out_as_error_and_the_run_goes_on(pytester, run_claims):
    project_with(pytester, "time.sleep(600)")
    result = run_claims("--claim-timeout", "5", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    found = verdicts(pytester)
    assert found["bad.misbehaves"][0] == "error" and "Timeout" in found["bad.misbehaves"][1]
    assert found["bad.last"][0] == "holds"


def test_a_checker_that_kills_its_worker_is_an_error_and_the_run_completes(pytester, run_claims):
    project_with(pytester, "os._exit(1)")
    result = run_claims("-n", "2")
    found = verdicts(pytester)
    assert found["bad.misbehaves"][0] == "error" and "crashed" in found["bad.misbehaves"][1]
    assert found["bad.first"][0] == found["bad.last"][0] == "holds"
    assert result.ret == 1


def test_ctrl_c_leaves_a_whole_results_file_with_the_rest_not_run(pytester, run_claims):
    project_with(pytester, "raise KeyboardInterrupt")
    result = run_claims("-p", "no:randomly")
    assert result.ret == 2  # pytest's exit code for an interrupted run
    found = verdicts(pytester)
    assert found["bad.first"][0] == "holds"
    assert found["bad.misbehaves"][0] == found["bad.last"][0] == "not-run"
    assert "interrupted" in found["bad.last"][1]


def test_kill_leaves_a_whole_results_file(pytester):
    marker = pytester.path / "hanging"
    project_with(pytester, f"open({str(marker)!r}, 'w').close(); time.sleep(600)")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "pytest", "specs", "-p", "no:cacheprovider", "-p", "no:randomly"],
                               cwd=pytester.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # The checker writes the marker just before it hangs: kill the run exactly then.
        deadline = time.monotonic() + 600  # reached only if the run never gets to the checker
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the run never reached the hanging checker"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 2, output.decode(errors="replace")  # pytest's exit code for an interrupted run
    found = verdicts(pytester)  # the file parses: it was written whole
    assert set(found) == {"bad.first", "bad.misbehaves", "bad.last"}
    assert found["bad.first"][0] == "holds"
    assert found["bad.misbehaves"][0] == found["bad.last"][0] == "not-run"
    assert "interrupted" in found["bad.misbehaves"][1] and "interrupted" in found["bad.last"][1]
