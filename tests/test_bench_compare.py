"""bench-compare on asv results written here with asv's own Results API, fake GPU machines included."""

from __future__ import annotations

import csv
import itertools
import math

import pytest

asv_results = pytest.importorskip("asv.results")
from asv import util  # noqa: E402
from asv.runner import BenchmarkResult  # noqa: E402

from torchclaims.bench.compare import NO_CUDA, build_table  # noqa: E402
from torchclaims.bench.machine import machine_name, parse_machine_name  # noqa: E402
from torchclaims.bench.report import bench_compare  # noqa: E402
from torchclaims.bench.results import read_results  # noqa: E402
from torchclaims.cli import main  # noqa: E402

TRAIN = "bench_training.TrainStep.time_step"
FORWARD = "bench_inference.Forward.time_forward"
TRAIN_PARAMS = [["'lenet'", "'mlp'"], ["'SGD'", "'Adam'"], ["1", "64"], ["'cpu'", "'cuda'"]]
FORWARD_PARAMS = [["'lenet'", "'mlp'"], ["1", "64"], ["'cpu'", "'cuda'"]]


def base_time(model, optimizer, batch):
    return {"lenet": 1e-3, "mlp": 2e-4}[model] * (1 if batch == 1 else 8) * (1.5 if optimizer == "Adam" else 1)


def write_machine(results_dir, name):
    util.write_json(str(results_dir / name / "machine.json"),
                    {"machine": name, "arch": "x86_64", "cpu": "fake", "num_cpu": "2", "os": "Linux",
                     "ram": "1"}, api_version=1)


def write_run(results_dir, machine, commit, date, torch=None, cuda_factor=None, slow=1.0,
              env_name="existing-py_fake"):
    """One results file. cuda_factor None: the cuda cases were skipped (NaN), as without a GPU."""
    write_machine(results_dir, machine)
    params = {"machine": machine, "python": "3.11"}
    if torch:
        params["torch"] = torch
    result = asv_results.Results(params, {}, commit, date, "3.11", env_name, {})

    def value(model, optimizer, batch, device):
        t = base_time(model, optimizer, batch) * slow
        if device == "cuda":
            return math.nan if cuda_factor is None else t / cuda_factor
        return t

    def add(name, param_lists, fn):
        values = [fn(*(eval(p) for p in combo)) for combo in itertools.product(*param_lists)]
        result.add_result({"name": name, "version": "1", "params": param_lists},
                          BenchmarkResult(result=values, samples=[None] * len(values),
                                          number=[None] * len(values), errcode=0, stderr="", profile=None))

    add(TRAIN, TRAIN_PARAMS, value)
    add(FORWARD, FORWARD_PARAMS, lambda m, b, d: value(m, "SGD", b, d) / 3)
    add("bench_flops.PeakMatmul.track_matmul_flops", [["'cpu'", "'cuda'"]],
        lambda d: 1e11 if d == "cpu" else (math.nan if cuda_factor is None else 5e13))
    add("bench_flops.Settings.track_cpu_threads", [], lambda: 2)
    result.save(str(results_dir))


@pytest.fixture()
def results_dir(tmp_path):
    d = tmp_path / "results"
    # This CPU machine, two torch versions (existing env, named by bench-machine).
    write_run(d, "box-torch2.13.0-cpu", "a" * 40, 1_000, slow=1.0)
    write_run(d, "box-torch2.14.1-cpu", "a" * 40, 1_000, slow=1.1)
    # A GPU machine's results copied here: cuda 10x faster, then 20% slower on 2.14.1.
    write_run(d, "gpu1-torch2.13.0-cuda", "a" * 40, 1_000, cuda_factor=10.0)
    write_run(d, "gpu1-torch2.14.1-cuda", "a" * 40, 1_000, cuda_factor=10.0 / 1.2)
    # The virtualenv matrix: torch version from the env parameters, two commits.
    write_run(d, "box-matrix-cpu", "b" * 40, 2_000, torch="2.9.1", env_name="virtualenv-py3.11-torch2.9.1")
    write_run(d, "box-matrix-cpu", "c" * 40, 3_000, torch="2.9.1", slow=0.5,
              env_name="virtualenv-py3.11-torch2.9.1")
    return d


def row(table, **match):
    sel = table
    for key, value in match.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, (match, sel)
    return sel.iloc[0]


def test_machine_names_round_trip():
    assert machine_name(host="box", torch="2.14.1", kind="cpu") == "box-torch2.14.1-cpu"
    assert parse_machine_name("box-torch2.14.1-cpu") == {"group": "box-cpu", "torch": "2.14.1", "kind": "cpu"}
    assert parse_machine_name("my-host-torch2.9.1-cuda")["group"] == "my-host-cuda"
    assert parse_machine_name(machine_name(host="box", kind="cuda", matrix=True)) == \
        {"group": "box-cuda", "torch": None, "kind": "cuda"}
    assert parse_machine_name("laptop")["group"] == "laptop"


def test_reads_every_machine_and_environment(results_dir):
    raw = read_results(results_dir)
    assert set(raw["machine"]) == {"box-torch2.13.0-cpu", "box-torch2.14.1-cpu", "gpu1-torch2.13.0-cuda",
                                   "gpu1-torch2.14.1-cuda", "box-matrix-cpu"}
    assert set(raw["torch"]) == {"2.9.1", "2.13.0", "2.14.1"}
    skipped = raw[(raw["machine"] == "box-torch2.14.1-cpu") & (raw["device"] == "cuda")]
    assert set(skipped["status"]) == {"skipped"}


def test_cpu_machine_says_no_cuda(results_dir):
    table = build_table(read_results(results_dir))
    r = row(table, workload="train step", model="lenet", optimizer="SGD", batch=64,
            machine="box-torch2.14.1-cpu")
    assert r["cpu_time_s"] == pytest.approx(8e-3 * 1.1)
    assert r["cuda_time_s"] == NO_CUDA
    assert r["cuda_speedup"] == NO_CUDA
    assert r["cuda_change"] == NO_CUDA
    # change against the previous torch version on the same host and device kind
    assert r["cpu_change"] == pytest.approx(0.1)
    assert r["compared_with"].startswith("torch 2.13.0")


def test_gpu_machine_fills_cuda_columns(results_dir):
    table = build_table(read_results(results_dir))
    old = row(table, workload="train step", model="mlp", optimizer="Adam", batch=1, machine="gpu1-torch2.13.0-cuda")
    new = row(table, workload="train step", model="mlp", optimizer="Adam", batch=1, machine="gpu1-torch2.14.1-cuda")
    cpu = 2e-4 * 1.5
    assert old["cpu_time_s"] == pytest.approx(cpu)
    assert old["cuda_time_s"] == pytest.approx(cpu / 10)
    assert old["cuda_speedup"] == pytest.approx(10.0)  # speedup = cpu / cuda
    assert new["cuda_speedup"] == pytest.approx(10.0 / 1.2)
    assert new["cuda_change"] == pytest.approx(0.2)  # 20% slower than on torch 2.13.0
    assert new["cpu_change"] == pytest.approx(0.0)
    assert old["cpu_change"] == "-"  # first of its series


def test_change_against_previous_commit(results_dir):
    table = build_table(read_results(results_dir))
    later = row(table, workload="inference forward", model="lenet", batch=1, commit="c" * 40)
    assert later["optimizer"] == "-"
    assert later["torch"] == "2.9.1"
    assert later["cpu_change"] == pytest.approx(-0.5)
    assert later["compared_with"].startswith("torch 2.9.1 @ bbbbbbbb")


def test_outputs_written(results_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["bench-compare", "--results-dir", str(results_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert NO_CUDA in printed and "CUDA/CPU speedup" in printed and "10.00x" in printed
    with open(out / "bench-compare.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * 2 * 2 * 6 + 2 * 2 * 6  # train: model x opt x batch x run; forward
    assert {r["cuda_time_s"] for r in rows if r["machine"].endswith("-cpu")} == {NO_CUDA}
    page = (out / "bench-compare.html").read_text()
    assert page.startswith("<!doctype html>") and "data:image/png;base64," in page and NO_CUDA in page
    assert (out / "bench-history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_escapes_machine_names(tmp_path):
    d = tmp_path / "results"
    write_run(d, "<b>evil</b>-torch2.14.1-cpu", "a" * 40, 1_000)
    paths = bench_compare(d, tmp_path / "out")
    page = paths["html"].read_text()
    assert "<b>evil</b>" not in page and "&lt;b&gt;evil&lt;/b&gt;" in page


def test_empty_results_dir(tmp_path, capsys):
    (tmp_path / "results").mkdir()
    paths = bench_compare(tmp_path / "results", tmp_path / "out")
    assert "No time_* results" in capsys.readouterr().out
    assert paths["png"].exists()
