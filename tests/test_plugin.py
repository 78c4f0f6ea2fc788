"""The pytest plugin end to end, in a subprocess on a small project of its own."""

import json
from pathlib import Path

import pytest

from torchclaims.results import SCHEMA

pytestmark = pytest.mark.usefixtures("arithmetic")


def results(pytester):
    return json.loads((pytester.path / "reports" / "results.json").read_text(encoding="utf-8"))


def test_each_claim_is_an_item_named_like_the_claim(run_claims):
    result = run_claims("--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "specs/arith.yaml::arith.default-dtype[[]cpu[]]",
        "specs/arith.yaml::arith.one-plus-two[[]cpu[]]",
        "specs/arith.yaml::arith.on-gpu[[]cuda[]]",
    ])


def test_verdicts_map_to_pytest_outcomes(run_claims, pytester):
    result = run_claims("-rs")
    result.assert_outcomes(passed=3, failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*6 claim checks: 2 holds, 1 contradicted, 1 fails, 1 error, 1 not-run*",
                                 "SKIPPED [[]1[]] specs/arith.yaml:*: no CUDA device"])
    verdicts = {(r["claim"], r["device"]): r["verdict"] for r in results(pytester)["results"]}
    assert verdicts == {
        ("arith.default-dtype", "cpu"): "holds",
        ("arith.one-plus-two", "cpu"): "holds",
        ("arith.known-wrong", "cpu"): "contradicted",
        ("arith.wrong-sum", "cpu"): "fails",
        ("arith.raises", "cpu"): "error",
        ("arith.on-gpu", "cuda"): "not-run",
    }


def test_a_failure_explains_itself_in_the_specs_terms(run_claims):
    result = run_claims("-k", "wrong-sum")
    result.stdout.fnmatch_lines([
        "*claim arith.wrong-sum on cpu: FAILS*",
        "*quote     Adding one to two gives three.*",
        "*check     suites/arith.py::add(a=1, b=3)*",
        "*expected  3*",
        "*observed  4*",
    ])


def test_results_file_follows_the_schema(run_claims, pytester):
    run_claims("-k", "one-plus-two")
    document = results(pytester)
    assert document["schema"] == SCHEMA
    assert {"torch", "torchvision", "numpy", "python", "platform", "cpu", "accelerators", "harness",
            "started", "duration_s"} <= set(document["run"])
    (record,) = document["results"]
    assert record["claim"] == "arith.one-plus-two" and record["verdict"] == "holds"
    assert {"device", "source", "quote", "says", "topic", "expected", "observed", "message", "duration_s"} <= set(record)
    assert record["observed"] == 3 and record["topic"] == "arith"


def test_k_m_and_device_select_claims(run_claims, pytester):
    run_claims("-m", "cpu and arith", "-k", "not raises and not wrong-sum")
    assert {r["claim"] for r in results(pytester)["results"]} == {
        "arith.default-dtype", "arith.one-plus-two", "arith.known-wrong"}
    result = run_claims("--device", "cuda", "-rs")
    result.assert_outcomes(skipped=2)  # the 'any' claim and the accelerator claim, both not-run here


def test_xdist_and_junit(run_claims, pytester):
    result = run_claims("-n", "2", "--junitxml", "junit.xml")
    result.assert_outcomes(passed=3, failed=2, skipped=1)
    document = results(pytester)
    assert len(document["results"]) == 6
    # the environment comes from a worker, which ran the claims; no worker may go down doing so
    assert "node down" not in result.stdout.str() and document["run"]["torch"]
    assert 'name="arith.one-plus-two[cpu]"' in (pytester.path / "junit.xml").read_text(encoding="utf-8")


def test_last_failed_reruns_only_failures(run_claims, pytester):
    pytester.runpytest_subprocess("specs")  # fills the cache
    result = pytester.runpytest_subprocess("specs", "--lf")
    result.stdout.fnmatch_lines(["*rerun previous 2 failures*"])
    result.assert_outcomes(failed=2)


def test_broken_specs_stop_the_run_with_exit_code_2(run_claims, pytester):
    (pytester.path / "specs" / "arith.yaml").write_text(
        "claims:\n  - id: arith.x\n    source: nowhere.txt\n", encoding="utf-8")
    result = run_claims()
    assert result.ret == 2
    result.stdout.fnmatch_lines(["*the specs are broken*"])
    problem = "specs/arith.yaml:2: claim arith.x: field 'quote': required field is missing"
    assert (result.stdout.str() + result.stderr.str()).count(problem) == 1  # named once, with its path
    assert not (pytester.path / "reports" / "results.json").exists()


def test_only_claims_checks_just_the_listed_ones(run_claims, pytester):
    (pytester.path / "wanted.txt").write_text("arith.one-plus-two\narith.on-gpu\n", encoding="utf-8")
    run_claims("--only-claims", "wanted.txt")
    assert {(r["claim"], r["device"]) for r in results(pytester)["results"]} == {
        ("arith.one-plus-two", "cpu"), ("arith.on-gpu", "cuda")}


FROZEN_SPEC = """\
claims:
  - id: gc.torch-is-frozen
    source: doc.txt
    quote: The default dtype is float32.
    says: stands in for any claim; observes the collector, not torch.
    check: torch_objects_frozen
    expect: true
    devices: cpu
"""

FROZEN_SUITE = """\
import gc


@checker
def torch_objects_frozen(device):
    # gc.freeze() moves every object then alive, torch's among them (hundreds of thousands), out of reach
    return gc.get_freeze_count() > 100_000
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_torch_is_frozen_out_of_the_collector_before_claims_run(run_claims, pytester, arithmetic, workers):
    # a worker that exits with torch's objects unfrozen spends ~1.2 s in the final collections
    arithmetic.spec("gc", FROZEN_SPEC)
    arithmetic.suite("gc", FROZEN_SUITE)
    run_claims("-k", "frozen", *workers)
    (record,) = results(pytester)["results"]
    assert record["verdict"] == "holds", record


def test_pytest_specs_writes_the_report_as_torchclaims_run_does(run_claims, pytester):
    result = run_claims("-k", "one-plus-two", report=True)
    reports = pytester.path / "reports"
    result.stdout.fnmatch_lines([f"report: {Path('reports') / 'conformance.html'}", "matrix: *conformance.csv"])
    page = (reports / "conformance.html").read_text(encoding="utf-8")
    assert "arith.one-plus-two" in page and (reports / "conformance.csv").stat().st_size > 0


def test_under_xdist_the_controller_writes_the_report_once(run_claims, pytester):
    result = run_claims("-n", "2", "--results", "out/results-torch-x.json", report=True)
    assert result.stdout.str().count("report: ") == 1
    assert (pytester.path / "out" / "results-torch-x.html").exists()   # beside a named results file, by its stem
    assert not (pytester.path / "out" / "conformance.html").exists()


def test_report_goes_where_asked_and_no_report_writes_none(run_claims, pytester):
    run_claims("-k", "one-plus-two", "--report", "site/page.html", report=True)
    assert (pytester.path / "site" / "page.html").exists() and (pytester.path / "site" / "page.csv").exists()
    result = run_claims("-k", "one-plus-two", "--results", "other/results.json", "--no-report")
    assert (pytester.path / "other" / "results.json").exists() and not (pytester.path / "other" / "conformance.html").exists()
    assert "report: " not in result.stdout.str()


def test_collect_only_writes_neither_results_nor_report(run_claims, pytester):
    run_claims("--collect-only", "-q", report=True)
    assert not (pytester.path / "reports").exists()
