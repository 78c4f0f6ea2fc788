"""The history on two real releases already on this disk: 2.13.0+cpu (/opt/wheels) and 2.14.1
(uv's cache). Opt-in (TORCHCLAIMS_REAL_ENVS=1): it builds two environments and runs claims."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from torchclaims.paths import REPO_ROOT

pytestmark = pytest.mark.skipif(os.environ.get("TORCHCLAIMS_REAL_ENVS") != "1" or not shutil.which("uv")
                                or not os.path.isdir("/opt/wheels"),
                                reason="builds real environments: set TORCHCLAIMS_REAL_ENVS=1 (needs uv, /opt/wheels)")


def test_two_real_releases(tmp_path):
    command = [sys.executable, "-m", "torchclaims", "history", "--torch", "2.13.0,2.14.1", "--out", str(tmp_path),
               "--find-links", "/opt/wheels", "--local-builds", "--claim-args", "-n 2"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list((tmp_path / ".envs").iterdir())
    history = json.loads((tmp_path / "history.json").read_text())
    assert [r["torch"] for r in history["releases"]] == ["2.13.0", "2.14.1"]
    again = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert "0 environments built" in again.stdout, again.stdout
