"""Warnings are data: a claim's run records what torch, numpy... warned; the history counts a warning
that appears or disappears as a change, pinned like any other; the report says "holds, warns"."""

from __future__ import annotations

import warnings

import numpy as np
import torch

from tests import history_data as hd
from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from tests.report_data import history_file, record, results_file
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.devices import Target
from torchclaims.evaluate import evaluate
from torchclaims.history.timeline import build_history, to_check
from torchclaims.report.build import build
from torchclaims.errata import classify_device
from torchclaims.report.history import changes_by_release, read_history
from torchclaims.report.load import load_runs, merge
from torchclaims.report.payload import payload
from torchclaims.report.write import documents_of
from torchclaims.warned import add, recording

FUTURE = {"category": "FutureWarning", "message": "torch.load will default to weights_only=True",
          "module": "torch.serialization"}


def test_recording_keeps_first_lines_deduplicated_with_the_module_that_warned():
    with recording() as found:
        for _ in range(3):
            np.float64(1.0) / np.float64(0.0)  # numpy's RuntimeWarning, pointing at this line
        warnings.warn("object at 0x7f3a2b1c9d40 is old\nsecond line", DeprecationWarning)
        add([FUTURE])  # as a snippet's subprocess or a kernel reports its own
    assert found == [
        {"category": "RuntimeWarning", "message": "divide by zero encountered in scalar divide", "module": __name__},
        {"category": "DeprecationWarning", "message": "object at 0x... is old", "module": __name__},
        FUTURE]


def test_a_warning_from_the_harness_is_not_the_materials():
    import torchclaims.warned as warned

    with recording() as found:
        warnings.warn_explicit("harness noise", UserWarning, warned.__file__, 1, module="torchclaims.warned")
    assert found == []


def test_break_it_a_checker_call_that_warns_is_recorded_in_the_outcome_and_results(tmp_path, monkeypatch):
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC)
    project.suite("arith", ARITHMETIC_SUITE)
    claim = {c.id: c for c in load_checked_catalogue(project.specs).claims}["arith.one-plus-two"]
    plain = evaluate(claim, Target("cpu"))
    assert plain.warnings == [] and plain.to_record(claim)["warnings"] == []
    real_item = torch.Tensor.item

    def item(self):  # the checker's call of Tensor.item warns, as a deprecation would
        warnings.warn("Tensor.item() will return a 0-dim tensor", FutureWarning)
        return real_item(self)

    monkeypatch.setattr(torch.Tensor, "item", item)
    warned = evaluate(claim, Target("cpu"))
    assert warned.verdict.value == "holds"
    assert warned.warnings == [{"category": "FutureWarning", "message": "Tensor.item() will return a 0-dim tensor",
                                "module": __name__}]
    assert warned.to_record(claim)["warnings"] == warned.warnings


def _releases(tmp_path, warned_on: set[str], broken_on: set[str], lines=("1.0.1", "1.1.1", "1.2.0", "1.3.1")):
    for torch_version in lines:
        found = hd.record("io.load", "contradicted" if torch_version in broken_on else "holds",
                          {"loaded": "raises" if torch_version in broken_on else "Sequential"})
        found["warnings"] = [FUTURE] if torch_version in warned_on else []
        hd.write_release(tmp_path, torch_version, [found])
    return sorted(tmp_path.glob("results-torch-*.json"))


def test_a_warning_that_appears_is_a_change_bisected_and_pinned_to_its_release(tmp_path):
    paths = _releases(tmp_path, warned_on={"1.1.1", "1.2.0"}, broken_on={"1.3.1"})
    assert to_check(paths, hd.RELEASES) == {"1.1.0": {"io.load"}, "1.3.0": {"io.load"}}
    found = hd.record("io.load", "holds", {"loaded": "Sequential"})
    found["warnings"] = [FUTURE]
    hd.write_release(tmp_path, "1.1.0", [found])  # the bisection's check: 1.1.0 already warns
    history = build_history(sorted(tmp_path.glob("results-torch-*.json")), hd.RELEASES)
    (appeared, broke) = history["changes"]
    assert (appeared["torch_after"], appeared["pinned"], appeared["verdict_after"]) == ("1.1.0", True, "holds")
    assert appeared["warnings_added"] == [FUTURE] and appeared["warnings_removed"] == []
    assert (broke["torch_after"], broke["warnings_removed"]) == ("1.3.1", [FUTURE])
    assert [i.get("warnings") for i in history["claims"][0]["intervals"]] == [[], [FUTURE], []]


def test_results_written_before_warnings_were_recorded_stay_readable_and_change_nothing(tmp_path):
    paths = _releases(tmp_path, warned_on=set(), broken_on=set())
    old = hd.load(paths[0])
    for found in old["results"]:
        del found["warnings"]  # a file from before: no warnings key at all
    hd.write_release(tmp_path, "1.0.1", old["results"])
    history = build_history(paths, hd.RELEASES)
    assert history["changes"] == [] and "warnings" not in history["claims"][0]["intervals"][0]


def test_the_report_says_holds_warns_and_lists_new_warnings_and_warned_from(tmp_path):
    docs = {"doc.txt": {"title": "Doc", "language": "en", "date": "2023-06"}}
    newest = record("io.load", "holds", source="doc.txt", expected="Sequential", observed="Sequential")
    newest["warnings"] = [FUTURE]
    runs = load_runs([results_file(tmp_path, "results-torch-2.14.1.json", "2.14.1", [newest], documents=docs)])
    intervals = [{"since": "1.13.1", "until": "2.0.1", "verdict": "holds", "observed": "Sequential", "warnings": []},
                 {"since": "2.0.1", "until": "2.14.1", "verdict": "holds", "observed": "Sequential",
                  "warnings": [FUTURE]},
                 {"since": "2.14.1", "until": None, "verdict": "contradicted", "observed": "raises", "warnings": []}]
    change = {"claim": "io.load", "device": "cpu", "quote": "q", "source": "doc.txt", "torch_before": "1.13.1",
              "verdict_before": "holds", "observed_before": "Sequential", "torch_after": "2.0.1",
              "verdict_after": "holds", "observed_after": "Sequential", "pinned": True,
              "warnings_added": [FUTURE], "warnings_removed": []}
    history = read_history(history_file(tmp_path, [{"claim": "io.load", "device": "cpu", "source": "doc.txt",
                                                    "quote": "q", "intervals": intervals}], [change]))
    report = build(runs, merge(runs), documents_of(runs, None), [history])
    data = payload(report)
    (claim,) = data["claims"]
    assert claim["w"] == [0]  # the one environment: holds, but warns
    assert data["strings"][claim["g"][0][7]] == "FutureWarning: torch.load will default to weights_only=True (torch.serialization)"
    assert [bool(data["strings"][cell[3]]) for cell in claim["h"][0][1]] == [False, True, False]
    (group,) = changes_by_release(history, documents_of(runs, None))
    assert group["torch"] == "2.0.1"
    assert group["changes"][0]["warnings_added"] == [
        "FutureWarning: torch.load will default to weights_only=True (torch.serialization)"]
    said = classify_device(history, "io.load", "cpu", "2023-06")   # the erratum's line
    assert said.warned == "2.0.1" and "warned from torch 2.0.1, broke in torch 2.14.1" in said.basis


def test_a_suites_module_is_named_the_same_wherever_the_project_is_checked_out(tmp_path):
    import sys
    import types

    from torchclaims.warned import module_of

    fake = types.ModuleType("torchclaims_suites.mine_0123abcd.io")
    fake.__file__ = str(tmp_path / "suites" / "io.py")
    sys.modules[fake.__name__] = fake
    try:
        assert module_of(fake.__file__) == "suites.io"
    finally:
        del sys.modules[fake.__name__]
