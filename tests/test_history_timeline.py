"""Intervals, changes and bisection candidates from results files the tests write."""

import json
from pathlib import Path

import jsonschema

from tests.history_data import RELEASES, record, write_release
from torchclaims.history.timeline import build_history, to_check

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "torchclaims" / "schemas" / "history.schema.json")
                    .read_text(encoding="utf-8"))


def test_several_changes_in_one_claim_and_a_flip_back(tmp_path):
    # holds -> contradicted -> contradicted with another observation -> holds again
    observed = {"1.0.1": ("holds", 1), "1.1.1": ("contradicted", 2), "1.2.0": ("contradicted", 3), "1.3.1": ("holds", 1)}
    paths = [write_release(tmp_path, t, [record("a.flip", v, o)]) for t, (v, o) in observed.items()]
    history = build_history(paths, RELEASES)
    jsonschema.validate(history, SCHEMA)
    (claim,) = history["claims"]
    assert [(i["since"], i["until"], i["verdict"], i["observed"]) for i in claim["intervals"]] == [
        ("1.0.1", "1.1.1", "holds", 1), ("1.1.1", "1.2.0", "contradicted", 2),
        ("1.2.0", "1.3.1", "contradicted", 3), ("1.3.1", None, "holds", 1)]
    assert [(c["torch_before"], c["torch_after"], c["verdict_after"], c["pinned"]) for c in history["changes"]] == [
        ("1.0.1", "1.1.1", "contradicted", False), ("1.1.1", "1.2.0", "contradicted", True),
        ("1.2.0", "1.3.1", "holds", False)]
    # the unchecked releases in the changed gaps are asked for, for this claim only
    assert to_check(paths, RELEASES) == {"1.1.0": {"a.flip"}, "1.3.0": {"a.flip"}}


def test_bisection_pins_the_first_release(tmp_path):
    paths = [write_release(tmp_path, t, [record("a.lr", v), record("a.same", "holds")])
             for t, v in [("1.0.1", "holds"), ("1.1.1", "contradicted")]]
    assert to_check(paths, RELEASES) == {"1.1.0": {"a.lr"}}
    # 1.1.0 checked just for a.lr: it already behaves like 1.1.1, so 1.1.0 is the first release
    paths.append(write_release(tmp_path, "1.1.0", [record("a.lr", "contradicted")]))
    assert to_check(paths, RELEASES) == {}
    history = build_history(paths, RELEASES)
    (change,) = history["changes"]
    assert (change["claim"], change["torch_before"], change["torch_after"], change["pinned"]) == ("a.lr", "1.0.1", "1.1.0", True)
    same = next(c for c in history["claims"] if c["claim"] == "a.same")
    assert same["intervals"] == [{"since": "1.0.1", "until": None, "verdict": "holds", "observed": None, "message": ""}]
    assert [(r["torch"], r["line"]) for r in history["releases"]] == [("1.0.1", True), ("1.1.0", False), ("1.1.1", True)]


def test_not_run_releases_are_intervals_but_not_changes(tmp_path):
    # a vision claim: not-run where no torchvision pairs, then holds; later a real change
    runs = [("1.0.1", "not-run", None), ("1.1.1", "holds", [1, 2]), ("1.2.0", "not-run", None), ("1.3.1", "fails", [1, 3])]
    paths = [write_release(tmp_path, t, [record("v.needs-vision", v, o)]) for t, v, o in runs]
    history = build_history(paths, RELEASES)
    (claim,) = history["claims"]
    assert [i["verdict"] for i in claim["intervals"]] == ["not-run", "holds", "not-run", "fails"]
    (change,) = history["changes"]  # holds on 1.1.1 -> fails on 1.3.1; the not-runs start no change
    assert (change["torch_before"], change["torch_after"], change["pinned"]) == ("1.1.1", "1.3.1", False)


def test_observations_within_tolerance_are_the_same(tmp_path):
    paths = [write_release(tmp_path, t, [record("a.loss", "holds", o)]) for t, o in [("1.0.1", 0.5), ("1.1.1", 0.5000001)]]
    assert build_history(paths, RELEASES, tolerances={"a.loss": {"rtol": 1e-3, "atol": 0}})["changes"] == []
    assert len(build_history(paths, RELEASES, tolerances={"a.loss": {"rtol": 0, "atol": 0}})["changes"]) == 1


def test_a_cpu_file_and_a_gpu_file_of_one_release_merge(tmp_path):
    cpu = write_release(tmp_path, "1.2.0", [record("a.x", "holds"), record("a.x", "not-run", device="cuda")], "cpu.json")
    gpu = write_release(tmp_path, "1.2.0+cu130", [record("a.x", "holds", device="cuda")], "gpu.json")
    history = build_history([cpu, gpu], RELEASES)
    assert {(c["device"], c["intervals"][0]["verdict"]) for c in history["claims"]} == {("cpu", "holds"), ("cuda", "holds")}
    assert history["releases"] == [{"torch": "1.2.0", "uploaded": "2020-05-01", "torchvision": None, "line": True,
                                    "results": ["cpu.json", "gpu.json"]}]
