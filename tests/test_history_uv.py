"""UvRunner's commands, with a fake `uv` on PATH: no torch is downloaded or installed."""

import json
import os
import stat
import sys
from pathlib import Path

from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.history.runner import UvRunner, run_history
from torchclaims.releases import find_release

# `uv venv DIR` makes DIR/bin/python: a script that plays `python -m torchclaims run` and writes
# a results file for the listed claims; every uv call is logged.
FAKE_UV = r'''#!{python}
import json, os, sys
from pathlib import Path
log = Path(os.environ["FAKE_UV_LOG"])
with log.open("a") as handle:
    handle.write(json.dumps(sys.argv[1:]) + "\n")
args = sys.argv[1:]
if args[0] == "venv":
    python = Path(args[-1]) / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text("#!{python}\n" + {fake_python!r})
    python.chmod(0o755)
elif args[:2] == ["pip", "freeze"]:
    print("torch==9.9\nnvidia-cublas-cu12==1.0\nnumpy==1.26.4")
'''
FAKE_PYTHON = r'''
import json, sys
args = sys.argv[1:]
results = args[args.index("--results") + 1]
claims = open(args[args.index("--only-claims") + 1]).read().split()
records = [{"claim": c, "device": "cpu", "verdict": "holds", "expected": 3, "observed": 3, "message": "",
            "duration_s": 0.0, "details": "", "source": "doc.txt", "quote": "q", "says": "s", "topic": "arith"}
           for c in claims]
json.dump({"schema": "torchclaims/results/1", "run": {"torch": "2.13.0+cpu"}, "results": records}, open(results, "w"))
import os
with open(os.environ["FAKE_UV_LOG"], "a") as log:
    log.write(json.dumps(["python", *args]) + "\n")
'''


def test_one_environment_per_release_installed_run_and_removed(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(FAKE_UV.replace("{python}", sys.executable).replace("{fake_python!r}", repr(FAKE_PYTHON)))
    uv.chmod(uv.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "uv.log"
    monkeypatch.setenv("FAKE_UV_LOG", str(log))
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ["PATH"]]))
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC)
    project.suite("arith", ARITHMETIC_SUITE)
    catalogue = load_checked_catalogue(project.specs)
    envs = tmp_path / "envs"
    runner = UvRunner(envs_dir=envs, checkout=project.root, uv_cache=tmp_path / "cache", prune_cache=True,
                      find_links=("/opt/wheels",), project=project.root, log=lambda line: None)
    releases = [find_release("2.0.1"), find_release("2.13.0")]
    tally = run_history(catalogue, releases, tmp_path / "out", runner, log=lambda line: None)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    installs = [c for c in calls if c[:2] == ["pip", "install"]]
    # 2.13.0's environment is built while 2.0.1's claims run: in either order
    assert sorted(c[c.index("/opt/wheels") + 1:] for c in installs) == [
        ["torch==2.0.1", "torchvision==0.15.2", "numpy<2", "-e", str(project.root)],
        ["torch==2.13.0", "torchvision==0.28.0", "-e", str(project.root)]]
    cleans = [c for c in calls if c[:2] == ["cache", "clean"]]
    # each release's big wheels leave the cache after its run
    assert cleans == [["cache", "clean", "-q", "nvidia-cublas-cu12", "torch"]] * 2
    assert not any(envs.iterdir())  # each environment removed after its run
    assert tally.checked == 2 * 6 and tally.envs_built == 2
    written = json.loads((tmp_path / "out" / "results-torch-2.13.0.json").read_text())
    assert len(written["results"]) == 6 and all(r["fingerprint"] for r in written["results"])


def _fake_uv(tmp_path, monkeypatch, fail_install=False):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    script = FAKE_UV.replace("{python}", sys.executable).replace("{fake_python!r}", repr(FAKE_PYTHON))
    if fail_install:  # `uv pip install` fails: no such release, a network error...
        script += 'if args[:2] == ["pip", "install"]:\n    sys.exit("error: no solution found")\n'
    uv.write_text(script)
    uv.chmod(uv.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("FAKE_UV_LOG", str(tmp_path / "uv.log"))
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ["PATH"]]))


def _arith_project(tmp_path) -> Project:
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC)
    project.suite("arith", ARITHMETIC_SUITE)
    return project


def test_an_environment_that_fails_to_build_is_reported_failed_not_built(tmp_path, monkeypatch, capsys):
    from torchclaims.cli import main

    _fake_uv(tmp_path, monkeypatch, fail_install=True)
    project = _arith_project(tmp_path)
    status = main(["history", "--project", str(project.root), "--out", str(tmp_path / "out"), "--torch", "2.13.0",
                   "--uv-cache", str(tmp_path / "cache")])
    printed = capsys.readouterr().out
    assert status == 1
    assert "0 environments built, 1 failed" in printed and "FAILED (no new results): torch 2.13.0" in printed
    assert not (tmp_path / "out" / "results-torch-2.13.0.json").exists()


def test_a_run_that_would_not_fit_on_disk_does_not_start_and_says_how_to_cut_it(tmp_path, monkeypatch, capsys):
    from torchclaims.cli import main
    from torchclaims.history import disk

    _fake_uv(tmp_path, monkeypatch)
    monkeypatch.setattr(disk, "free_bytes", lambda path: 3 * 10**9)
    project = _arith_project(tmp_path)
    args = ["history", "--project", str(project.root), "--out", str(tmp_path / "out"), "--torch", "2.12.1,2.13.0",
            "--uv-cache", str(tmp_path / "cache")]
    assert main(args) == 2
    said = capsys.readouterr().err
    assert "2 release environment(s) to build need about 12.0 GB" in said and "3.0 GB free" in said
    for option in ("--prune-cache", "--keep-cache", "--jobs 1", "--torch"):
        assert option in said
    assert not (tmp_path / "uv.log").exists()  # nothing was built
    monkeypatch.setattr(disk, "free_bytes", lambda path: 13 * 10**9)
    assert main(args) == 0  # 2 releases, one built ahead: 12 GB fits in 13
    assert "peak disk estimated at 12.0 GB" in capsys.readouterr().out


def test_the_estimate_counts_environments_in_flight_when_pruning_and_uncached_releases_when_keeping(tmp_path):
    from torchclaims.history.disk import estimate_peak

    releases = [f"2.{minor}.0" for minor in range(10)]
    assert estimate_peak(releases, jobs=1, keep_cache=False, cache=None, ahead=2).peak_bytes == 4 * 6e9
    assert estimate_peak(releases, jobs=4, keep_cache=False, cache=None).peak_bytes == 5 * 6e9
    assert estimate_peak([], jobs=1, keep_cache=False, cache=None).peak_bytes == 0
    cached = tmp_path / "cache" / "wheels-v8" / "pypi" / "torch" / "2.3.0-cp311-cp311-manylinux1_x86_64"
    cached.mkdir(parents=True)
    kept = estimate_peak(releases, jobs=1, keep_cache=True, cache=tmp_path / "cache")
    assert kept.peak_bytes == 9 * 6e9 and "1 already cached" in kept.basis


def test_the_cache_is_pruned_unless_kept():
    from torchclaims.cli import build_parser

    parse = lambda *extra: build_parser().parse_known_args(["history", *extra])[0].keep_cache  # noqa: E731
    assert (parse(), parse("--prune-cache"), parse("--keep-cache")) == (False, False, True)


def test_a_relative_envs_folder_is_made_absolute_the_claims_run_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert UvRunner(envs_dir=Path("out/.envs")).envs_dir == tmp_path / "out" / ".envs"


def test_pruning_drops_every_big_wheel_of_the_finished_release(tmp_path, monkeypatch):
    _fake_uv(tmp_path, monkeypatch)
    runner = UvRunner(envs_dir=tmp_path / "envs", uv_cache=tmp_path / "cache", prune_cache=True, log=lambda line: None)
    runner.prune({"torch", "triton", "nvidia-cublas-cu12"})
    calls = [json.loads(line) for line in (tmp_path / "uv.log").read_text().splitlines()]
    assert [c for c in calls if c[:2] == ["cache", "clean"]] == [["cache", "clean", "-q", "nvidia-cublas-cu12", "torch", "triton"]]
