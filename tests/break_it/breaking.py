"""Break-it tests: break the PyTorch behaviour a checker observes, and see its claim fail.

    @breaks("numpy.from-numpy-shares-memory")
    def test_from_numpy_copies(monkeypatch):
        monkeypatch.setattr(torch, "from_numpy", lambda a: torch.tensor(a))

The decorated test applies the break (with monkeypatch, so it is undone afterwards);
the decorator then evaluates the claim and asserts the verdict is `fails`. A check
that cannot fail is a defect: tests/test_break_it_coverage.py requires one such test
for every registered checker.

Each break is also kept as data (`BREAKS`), and running one records which of the fields the
judge compares it changed (`VARIATIONS`): the coverage test requires every compared field of
a checker to change under at least one of its breaks. A break may ask for `monkeypatch`,
`tmp_path` and `request` (only `request.addfinalizer`), so it can also run outside pytest's
fixtures, in whichever process needs its variation.
"""

from __future__ import annotations

import hashlib
import inspect
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import Any, Callable

import pytest

import torchclaims.evaluate as evaluate_module
from torchclaims.catalogue import default_catalogue
from torchclaims.checkers import REGISTRY
from torchclaims.devices import Target
from torchclaims.evaluate import Outcome, evaluate
from torchclaims.judge import DEFAULT_ATOL, DEFAULT_RTOL, Verdict, mismatch
from torchclaims.plugin import explain

Field = tuple[str, ...]  # a path of keys into an observation; () is the whole of it
FIXTURES = ("monkeypatch", "tmp_path", "request")


@dataclass(frozen=True)
class Break:
    """One break-it test: the claim it breaks, on which device, and the function that breaks it."""

    name: str  # module.function, unique
    claim_id: str
    device: str
    apply: Callable

    @property
    def claim(self):
        return default_catalogue().by_id()[self.claim_id]


# every break, in the order its module defines them; filled as test modules are imported
BREAKS: dict[str, Break] = {}
# claim ids that some break-it test breaks
BROKEN_CLAIMS: set[str] = set()
# break name -> the compared fields it changed (None: its claim does not pass unbroken here);
# filled as breaks run, in this process
VARIATIONS: dict[str, frozenset[Field] | None] = {}


def compared_fields(expect: Any, path: Field = ()) -> set[Field]:
    """The fields the judge compares: the keys of `expect`, recursively; a non-mapping is one field."""
    if not isinstance(expect, dict) or not expect:
        return {path}
    return set().union(*(compared_fields(value, path + (key,)) for key, value in expect.items()))


_ABSENT = object()


def _at(observation: Any, path: Field) -> Any:
    for key in path:
        if not isinstance(observation, dict) or key not in observation:
            return _ABSENT
        observation = observation[key]
    return observation


def changed_fields(claim, unbroken: Outcome, broken: Outcome) -> frozenset[Field] | None:
    """The compared fields in which the two observations differ, as the judge would see it.

    None when the claim does not pass unbroken here (e.g. a timing claim for an accelerator,
    run on the CPU): there is no working behaviour for the break to vary from.
    """
    if not unbroken.verdict.passes:
        return None
    if broken.verdict in (Verdict.ERROR, Verdict.NOT_RUN):
        return frozenset()  # no observation: nothing the judge compares has varied
    tolerance = claim.tolerance or {}
    rtol, atol = tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)
    changed = set()
    for field in compared_fields(claim.expect):
        before = _at(unbroken.observed, field)
        after = _at(broken.observed, field)
        if (before is _ABSENT) != (after is _ABSENT) or (
                before is not _ABSENT and mismatch(after, before, rtol, atol) is not None):
            changed.add(field)
    return frozenset(changed)


def _target(claim, device: str) -> Target:
    return Target(device, parity=claim.devices == "parity")


@cache
def unbroken_outcome(claim_id: str, device: str) -> Outcome:
    """The claim evaluated with nothing broken, once per process."""
    claim = default_catalogue().by_id()[claim_id]
    return evaluate(claim, _target(claim, device))


class _Finalizers:
    """The part of pytest's `request` a break may use."""

    def __init__(self, stack: ExitStack):
        self.addfinalizer = stack.callback


@cache
def _fingerprint(brk: Break) -> str:
    """What a recorded variation depends on: torch, the claim, the break's and the checker's
    modules, and the harness that evaluates and judges."""
    import torch

    claim = brk.claim
    files = [inspect.getsourcefile(brk.apply), inspect.getsourcefile(REGISTRY[claim.checker_name]),
             *sorted(str(path) for path in Path(evaluate_module.__file__).parent.glob("*.py"))]
    digest = hashlib.sha256(repr((torch.__version__, brk.device, claim.checker_name, claim.args, claim.expect,
                                  claim.devices, claim.tolerance, claim.known)).encode())
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def _record(brk: Break, changed: frozenset[Field] | None, cache=None) -> None:
    """Keep the variation for this process and, through pytest's cache, for the other xdist workers."""
    VARIATIONS[brk.name] = changed
    if cache is not None:
        cache.set(f"torchclaims/variation/{brk.name}", {
            "fingerprint": _fingerprint(brk),
            "changed": None if changed is None else sorted(list(field) for field in changed)})


def _recorded(brk: Break, cache) -> frozenset[Field] | None | bool:
    """The variation another process recorded for this very break, torch and harness; False if none."""
    if cache is None:
        return False
    entry = cache.get(f"torchclaims/variation/{brk.name}", None)
    if not isinstance(entry, dict) or entry.get("fingerprint") != _fingerprint(brk):
        return False
    return None if entry["changed"] is None else frozenset(tuple(field) for field in entry["changed"])


def is_recorded(brk: Break, cache=None) -> bool:
    return brk.name in VARIATIONS or _recorded(brk, cache) is not False


def variation(brk: Break, cache=None) -> frozenset[Field] | None:
    """The fields `brk` changes: recorded by this process or (in `cache`) another, else found by running it here."""
    if brk.name in VARIATIONS:
        return VARIATIONS[brk.name]
    if (found := _recorded(brk, cache)) is not False:
        VARIATIONS[brk.name] = found
        return found
    unbroken = unbroken_outcome(brk.claim_id, brk.device)
    with ExitStack() as stack:
        fixtures = {"monkeypatch": stack.enter_context(pytest.MonkeyPatch.context()),
                    "tmp_path": Path(stack.enter_context(tempfile.TemporaryDirectory())),
                    "request": _Finalizers(stack)}
        brk.apply(**{name: fixtures[name] for name in inspect.signature(brk.apply).parameters})
        broken = evaluate(brk.claim, _target(brk.claim, brk.device))
    _record(brk, changed_fields(brk.claim, unbroken, broken), cache)
    return VARIATIONS[brk.name]


def breaks(claim_id: str, device: str = "cpu"):
    def decorate(test):
        unknown = set(inspect.signature(test).parameters) - set(FIXTURES)
        assert not unknown, f"{test.__name__}: a break may only ask for {FIXTURES}, not {sorted(unknown)}"
        brk = Break(f"{test.__module__}.{test.__name__}", claim_id, device, test)
        BREAKS[brk.name] = brk
        BROKEN_CLAIMS.add(claim_id)

        wanted = inspect.signature(test)

        @wraps(test)
        def run_broken(**fixtures):
            request = fixtures["request"]
            claim = brk.claim
            unbroken = unbroken_outcome(claim_id, device)
            test(**{name: fixtures[name] for name in wanted.parameters})
            outcome = evaluate(claim, _target(claim, device))
            _record(brk, changed_fields(claim, unbroken, outcome), getattr(request.config, "cache", None))
            assert outcome.verdict is Verdict.FAILS, (
                f"with the behaviour broken, {claim_id} should fail, but its verdict is "
                f"{outcome.verdict.value}:\n{explain(claim, outcome)}")

        # pytest gives the wrapper `request` too: its config holds the cache shared between workers
        run_broken.__signature__ = wanted.replace(parameters=[
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in dict.fromkeys([*wanted.parameters, "request"])])
        return run_broken

    return decorate
