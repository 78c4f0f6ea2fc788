"""The one place where an observation meets an expectation and a verdict is given."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

# torch.testing.assert_close's defaults for float32, the dtype the material works in.
DEFAULT_RTOL = 1.3e-6
DEFAULT_ATOL = 1e-5

# An observed mapping may carry this key as context; it is compared only when expected.
CONTEXT_KEYS = frozenset({"message"})


class Verdict(str, Enum):
    HOLDS = "holds"
    CONTRADICTED = "contradicted"
    FAILS = "fails"
    ERROR = "error"
    NOT_RUN = "not-run"

    @property
    def passes(self) -> bool:
        return self in (Verdict.HOLDS, Verdict.CONTRADICTED)


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    message: str


def mismatch(observed: Any, expected: Any, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
             path: str = "") -> str | None:
    """None if `observed` matches `expected`, else where and how they first differ.

    bool, str and None compare exactly; int against int exactly; any other pair of
    numbers as |observed - expected| <= atol + rtol * |expected| (assert_close's rule).
    """
    here = path or "the observation"
    if isinstance(expected, dict):
        if not isinstance(observed, dict):
            return f"{here}: observed {observed!r}, expected a mapping {expected!r}"
        extra = set(observed) - set(expected) - CONTEXT_KEYS
        missing = set(expected) - set(observed)
        if missing or extra:
            return f"{here}: keys differ: missing {sorted(missing)}, unexpected {sorted(extra)}"
        for key in expected:
            if (found := mismatch(observed[key], expected[key], rtol, atol, f"{path}[{key!r}]")):
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(observed, list) or len(observed) != len(expected):
            return f"{here}: observed {_short(observed)}, expected {_short(expected)}"
        for index, (o, e) in enumerate(zip(observed, expected)):
            if (found := mismatch(o, e, rtol, atol, f"{path}[{index}]")):
                return found
        return None
    if _is_number(expected) and _is_number(observed):
        if isinstance(expected, int) and isinstance(observed, int):
            return None if observed == expected else f"{here}: observed {observed}, expected {expected}"
        if math.isclose(observed, expected, rel_tol=0.0, abs_tol=atol + rtol * abs(expected)):
            return None
        return f"{here}: observed {observed!r}, expected {expected!r} (rtol={rtol:g}, atol={atol:g})"
    if type(observed) is type(expected) and observed == expected:
        return None
    return f"{here}: observed {_short(observed)}, expected {_short(expected)}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def applicable_known(claim, torch_version: str):
    """The claim's `known` entries that apply to this torch version."""
    version = Version(torch_version)
    for known in claim.known:
        if known.torch and version not in SpecifierSet(known.torch):
            continue
        if known.since and version.release < Version(known.since).release:
            continue
        yield known


def judge(claim, observed: Any, torch_version: str, expected: Any = None) -> Judgement:
    """Compare an observation with the claim (or with `expected`, for parity) and give the verdict."""
    tolerance = claim.tolerance or {}
    rtol, atol = tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)
    target = claim.expect if expected is None else expected
    differs = mismatch(observed, target, rtol, atol)
    known = list(applicable_known(claim, torch_version)) if expected is None else []
    if differs is None:
        if known:
            return Judgement(Verdict.FAILS, "the material holds again on this torch, but the spec marks it "
                                            f"known-wrong ({known[0].why}): update the spec")
        return Judgement(Verdict.HOLDS, "")
    for entry in known:
        if mismatch(observed, entry.observed, rtol, atol) is None:
            since = f" (since torch {entry.since})" if entry.since else ""
            return Judgement(Verdict.CONTRADICTED, f"{entry.why}{since}")
    if known:
        return Judgement(Verdict.FAILS, f"{differs}; nor is it what the spec knows torch does "
                                        f"({_short(known[0].observed)})")
    return Judgement(Verdict.FAILS, differs)
