"""The judge: the one place an observation meets an expectation."""

import pytest

from torchclaims.judge import Verdict, judge, mismatch
from torchclaims.spec import Claim, Known


def claim(expect, known=(), tolerance=None):
    return Claim(id="t.c", topic="t", source="d", quote="q", says="s", check="c", expect=expect,
                 devices="cpu", known=tuple(known), tolerance=tolerance)


@pytest.mark.parametrize("observed, expected", [
    (3, 3), (3.0, 3), (0.1 + 0.2, 0.3), ("torch.float32", "torch.float32"), (None, None), (True, True),
    ([1, [2, 3]], [1, [2, 3]]), ({"a": 1, "message": "context"}, {"a": 1}),
    ({"raises": "TypeError", "message": "x"}, {"raises": "TypeError", "message": "x"}),
])
def test_matches(observed, expected):
    assert mismatch(observed, expected) is None


@pytest.mark.parametrize("observed, expected, where", [
    (4, 3, "observed 4, expected 3"),
    (1.001, 1.0, "rtol="),
    (True, 1, "observed True, expected 1"),  # a bool is not a number here
    ("3", 3, "observed '3', expected 3"),
    ([1, 2], [1, 2, 3], "observed [1, 2]"),
    ({"a": {"b": [1, 5]}}, {"a": {"b": [1, 2]}}, "['a']['b'][1]: observed 5, expected 2"),
    ({"a": 1, "b": 2}, {"a": 1}, "unexpected ['b']"),
    ({"raises": "TypeError", "message": "x"}, {"raises": "TypeError", "message": "y"}, "['message']"),
])
def test_mismatches_say_where(observed, expected, where):
    assert where in mismatch(observed, expected)


def test_tolerance_widens_float_comparison():
    assert judge(claim(1.0), 1.001, "2.14.1").verdict is Verdict.FAILS
    assert judge(claim(1.0, tolerance={"rtol": 1e-2}), 1.001, "2.14.1").verdict is Verdict.HOLDS


def test_known_turns_a_predicted_difference_into_contradicted():
    known = Known(observed=4, why="it is four", since="2.0")
    judgement = judge(claim(3, [known]), 4, "2.14.1")
    assert judgement.verdict is Verdict.CONTRADICTED and "it is four (since torch 2.0)" == judgement.message


def test_an_unpredicted_difference_fails_even_with_known():
    assert judge(claim(3, [Known(observed=4, why="w")]), 5, "2.14.1").verdict is Verdict.FAILS


def test_a_known_claim_that_holds_again_fails_until_the_spec_is_updated():
    judgement = judge(claim(3, [Known(observed=4, why="w")]), 3, "2.14.1")
    assert judgement.verdict is Verdict.FAILS and "update the spec" in judgement.message


def test_known_applies_only_to_its_torch_versions():
    newer = Known(observed=4, why="changed in 2.5", since="2.5")
    assert judge(claim(3, [newer]), 3, "2.4.0").verdict is Verdict.HOLDS
    assert judge(claim(3, [newer]), 4, "2.14.1").verdict is Verdict.CONTRADICTED
    ranged = Known(observed=4, why="only 2.9", torch="==2.9.*")
    assert judge(claim(3, [ranged]), 4, "2.13.0").verdict is Verdict.FAILS


def test_parity_compares_with_the_cpu_observation():
    parity = claim("same-as-cpu", tolerance={"atol": 1e-3})
    assert judge(parity, [1.0005], "2.14.1", expected=[1.0]).verdict is Verdict.HOLDS
    assert judge(parity, [1.1], "2.14.1", expected=[1.0]).verdict is Verdict.FAILS
