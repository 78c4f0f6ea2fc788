"""Break-it tests for a project's checkers: break the behaviour, see the claim fail.

    from torchclaims.testing import breaks

    @breaks("numpy.from-numpy-shares-memory")
    def test_from_numpy_copies(monkeypatch):
        monkeypatch.setattr(torch, "from_numpy", lambda a: torch.tensor(a))

The decorated test applies the break (with monkeypatch, so it is undone afterwards); the
decorator then evaluates the claim and asserts the verdict is `fails`. A check that cannot
fail is a defect: `missing_breaks()` (and `torchclaims validate --strict`) lists checkers
that no break-it test breaks. The claim is looked up in the project that holds the test file.

Each break is also kept as data (`BREAKS`), and running one records which of the fields the
judge compares it changed (`VARIATIONS`, and pytest's cache for the other xdist workers):
`uncovered_fields()` lists the compared fields of a checker that none of its breaks varies, and
`assert_every_compared_field_varies()` is a project's coverage test for one checker.
A break may ask for `monkeypatch`, `tmp_path` and `request` (only `request.addfinalizer`), so
it can also run outside pytest's fixtures, in whichever process needs its variation.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import sys
import tempfile
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import Any, Callable

from torchclaims.catalogue import project_catalogue
from torchclaims.devices import Target
from torchclaims.evaluate import Outcome, evaluate
from torchclaims.judge import DEFAULT_ATOL, DEFAULT_RTOL, Verdict, mismatch
from torchclaims.project import Project, find_project, resolve_project
from torchclaims.spec import Catalogue, Claim

__all__ = ["breaks", "evaluate_claim", "catalogue", "claim", "suite", "declared_breaks", "missing_breaks",
           "compared_fields", "changed_fields", "variation", "uncovered_fields", "import_breaks",
           "assert_every_compared_field_varies", "graph_leaves", "backward_replaces_gradients"]

# claim ids that some imported break-it test breaks
BROKEN_CLAIMS: set[str] = set()


def _project(near: str | Path | Project | None) -> Project:
    if isinstance(near, Project):
        return near
    if near is None:
        return resolve_project()
    found = find_project(Path(near))
    if found is None:
        raise LookupError(f"{near} is not inside a torchclaims project (no specs/sources.yaml above it)")
    return found


def catalogue(near: str | Path | Project | None = None) -> Catalogue:
    """The catalogue of the project holding `near` (a path, e.g. a test's __file__), loaded once."""
    return project_catalogue(_project(near).specs_dir.resolve())


def claim(claim_id: str, near: str | Path | Project | None = None) -> Claim:
    claims = catalogue(near).by_id()
    if claim_id not in claims:
        raise LookupError(f"no claim {claim_id!r} in {_project(near).specs_dir}")
    return claims[claim_id]


def suite(topic: str, near: str | Path | Project | None = None):
    """The project's suite module `suites/<topic>.py`, imported as the claims import it (to patch its helpers)."""
    from torchclaims.checkers import import_suite

    return import_suite(_project(near).suites_dir / f"{topic}.py")


def evaluate_claim(claim_id: str, device: str = "cpu", near: str | Path | Project | None = None) -> Outcome:
    """Evaluate one claim of the project on `device`, as a claim run would (isolated, then judged)."""
    found = claim(claim_id, near)
    return evaluate(found, Target(device, parity=found.devices == "parity"))


Field = tuple[str, ...]  # a path of keys into an observation; () is the whole of it
FIXTURES = ("monkeypatch", "tmp_path", "request")


@dataclass(frozen=True)
class Break:
    """One break-it test: the claim it breaks, on which device, and the function that breaks it."""

    name: str  # <test file's resolved path>::<function>: the same however the file is imported, and
    # apart from another project's equally named test file
    claim_id: str
    device: str
    apply: Callable
    where: str  # the test file

    @property
    def claim(self) -> Claim:
        return claim(self.claim_id, self.where)


# every break, by name; filled as test modules are imported
BREAKS: dict[str, Break] = {}
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


def changed_fields(found: Claim, unbroken: Outcome, broken: Outcome) -> frozenset[Field] | None:
    """The compared fields in which the two observations differ, as the judge would see it.

    None when the claim does not pass unbroken here (e.g. a timing claim for an accelerator,
    run on the CPU): there is no working behaviour for the break to vary from.
    """
    if not unbroken.verdict.passes:
        return None
    if broken.verdict in (Verdict.ERROR, Verdict.NOT_RUN):
        return frozenset()  # no observation: nothing the judge compares has varied
    tolerance = found.tolerance or {}
    rtol, atol = tolerance.get("rtol", DEFAULT_RTOL), tolerance.get("atol", DEFAULT_ATOL)
    changed = set()
    for field in compared_fields(found.expect):
        before, after = _at(unbroken.observed, field), _at(broken.observed, field)
        if (before is _ABSENT) != (after is _ABSENT) or (
                before is not _ABSENT and mismatch(after, before, rtol, atol) is not None):
            changed.add(field)
    return frozenset(changed)


@cache
def _unbroken(claim_id: str, device: str, where: str) -> Outcome:
    """The claim evaluated with nothing broken, once per process."""
    return evaluate_claim(claim_id, device, where)


@cache
def _fingerprint(brk: Break) -> str:
    """What a recorded variation depends on: torch, the claim, the break's file, the claim's
    suite with the helpers it imports, and the harness that evaluates and judges."""
    import torch

    found = brk.claim
    from torchclaims.checkers import suite_files

    files = [brk.where, *suite_files(_project(brk.where).suites_dir, found.topic),
             *sorted(Path(__file__).parent.glob("*.py"))]
    digest = hashlib.sha256(repr((torch.__version__, brk.device, found.checker_name, found.args, found.expect,
                                  found.devices, found.tolerance, found.known)).encode())
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


class _Finalizers:
    """The part of pytest's `request` a break may use."""

    def __init__(self, stack: ExitStack):
        self.addfinalizer = stack.callback


def variation(brk: Break, cache=None) -> frozenset[Field] | None:
    """The fields `brk` changes: recorded by this process or (in `cache`) another, else found by running it here."""
    if brk.name in VARIATIONS:
        return VARIATIONS[brk.name]
    if (found := _recorded(brk, cache)) is not False:
        VARIATIONS[brk.name] = found
        return found
    unbroken = _unbroken(brk.claim_id, brk.device, brk.where)
    with ExitStack() as stack:
        stack.enter_context(_quiet_torch())
        fixtures = {"monkeypatch": stack.enter_context(_monkeypatch()),
                    "tmp_path": Path(stack.enter_context(tempfile.TemporaryDirectory())),
                    "request": _Finalizers(stack)}
        brk.apply(**{name: fixtures[name] for name in inspect.signature(brk.apply).parameters})
        broken = evaluate_claim(brk.claim_id, brk.device, brk.where)
    _record(brk, changed_fields(brk.claim, unbroken, broken), cache)
    return VARIATIONS[brk.name]


@contextmanager
def _quiet_torch():
    """No warnings while torch is broken on purpose: what a broken torch warns about is the break, not news."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _monkeypatch():
    import pytest

    return pytest.MonkeyPatch.context()


def uncovered_fields(checker_name: str, breaks_of_checker: list[Break], claims: list[Claim], cache=None):
    """(fields some claim of the checker compares that none of its breaks varies, whether any break
    could be measured here). Recorded breaks are used first; the rest run until every field varied."""
    # a claim that does not pass unbroken here (e.g. GPU-only) cannot vary: its own fields are not asked of it
    unmeasurable = set()
    for found in claims:
        own = [brk for brk in breaks_of_checker if brk.claim_id == found.id]
        if own:
            passes = variation(min(own, key=lambda brk: not is_recorded(brk, cache)), cache) is not None
        else:
            passes = bool(breaks_of_checker) and _unbroken(
                found.id, breaks_of_checker[0].device, breaks_of_checker[0].where).verdict.passes
        if not passes:
            unmeasurable.add(found.id)
    fields = set().union(*(compared_fields(found.expect) for found in claims if found.id not in unmeasurable))
    varied, measured = set(), False
    for brk in sorted(breaks_of_checker, key=lambda brk: not is_recorded(brk, cache)):
        if fields <= varied:
            break
        if (changed := variation(brk, cache)) is not None:
            varied |= changed
            measured = True
    return sorted(fields - varied), measured


def breaks(claim_id: str, device: str = "cpu"):
    """Decorate a test that breaks torch: after it runs, `claim_id` must be judged `fails`."""
    def decorate(test):
        unknown = set(inspect.signature(test).parameters) - set(FIXTURES)
        assert not unknown, f"{test.__name__}: a break may only ask for {FIXTURES}, not {sorted(unknown)}"
        BROKEN_CLAIMS.add(claim_id)
        where = inspect.getsourcefile(test)
        brk = Break(f"{Path(where).resolve()}::{test.__name__}", claim_id, device, test, where)
        BREAKS[brk.name] = brk
        wanted = inspect.signature(test)

        @wraps(test)
        def run_broken(**fixtures):
            from torchclaims.plugin import explain

            import pytest

            found = claim(claim_id, where)
            unbroken = _unbroken(claim_id, device, where)
            cache = getattr(fixtures["request"].config, "cache", None)
            if not unbroken.verdict.passes:
                # nothing works here to be broken (a CUDA checker without CUDA): a `fails` after the break
                # would prove nothing, so the test skips, saying why; a machine where the claim holds runs it
                _record(brk, None, cache)
                pytest.skip(cannot_break_here(claim_id, device, unbroken))
            with _quiet_torch():
                test(**{name: fixtures[name] for name in wanted.parameters})
                outcome = evaluate(found, Target(device, parity=found.devices == "parity"))
            _record(brk, changed_fields(found, unbroken, outcome), cache)
            assert outcome.verdict is Verdict.FAILS, (
                f"with the behaviour broken, {claim_id} should fail, but its verdict is "
                f"{outcome.verdict.value}:\n{explain(found, outcome)}")

        # pytest gives the wrapper `request` too: its config holds the cache shared between workers
        run_broken.__signature__ = wanted.replace(parameters=[
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY)
            for name in dict.fromkeys([*wanted.parameters, "request"])])
        return run_broken

    return decorate


def cannot_break_here(claim_id: str, device: str, unbroken: Outcome) -> str:
    """Why a break of `claim_id` cannot be checked on this machine: the claim does not pass unbroken here."""
    why = unbroken.message.strip().splitlines()[0] if unbroken.message.strip() else "no reason given"
    return (f"cannot break {claim_id} on this machine: unbroken on {device} its verdict is "
            f"{unbroken.verdict.value} ({why}), so a failure after the break would prove nothing")


def declared_breaks(tests_dir: Path) -> set[str]:
    """The claim ids that `@breaks("...")` decorators name in a tests folder, read from source (no import)."""
    named: set[str] = set()
    for path in sorted(Path(tests_dir).rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    if (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", getattr(decorator.func, "attr", None)) == "breaks"
                            and decorator.args and isinstance(decorator.args[0], ast.Constant)):
                        named.add(decorator.args[0].value)
    return named


def missing_breaks(project: Project) -> tuple[list[str], list[str]]:
    """(checkers that no break-it test breaks, break-it tests naming claims no spec has)."""
    from torchclaims.checkers import declared_checkers

    claims = catalogue(project).by_id()
    broken = declared_breaks(project.tests_dir)
    broken_checkers = {claims[c].checker_name for c in broken if c in claims}
    lacking = sorted(set(declared_checkers(project.suites_dir)) - broken_checkers)
    return lacking, sorted(broken - set(claims))


def import_breaks(near: str | Path | Project | None = None) -> None:
    """Import the project's break-it test modules (tests/break_it/test_*.py) by their paths, each as a
    module of its own whatever pytest's import mode, so that BREAKS holds every break; files whose
    breaks are already there (pytest imported them) are left alone."""
    loaded = {Path(brk.where).resolve() for brk in BREAKS.values()}
    for path in sorted((_project(near).tests_dir / "break_it").glob("test_*.py")):
        path = path.resolve()
        if path in loaded:
            continue
        name = f"torchclaims_breaks_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


def assert_every_compared_field_varies(checker_name: str, near: str | Path | Project | None = None, cache=None) -> None:
    """The coverage test of one checker: every field its claims' `expect` compares changes under at
    least one of its breaks. Breaks already run (in this process, or through pytest's `cache` in
    another xdist worker) count as recorded; the others run here until every field has varied.
    Skips (pytest.skip) where the checker has no break or none of its broken claims passes here."""
    import pytest

    project = _project(near)
    import_breaks(project)
    claims = [found for found in catalogue(project).claims if found.checker_name == checker_name]
    ids = {found.id for found in claims}
    root = project.root.resolve()
    own = [brk for brk in BREAKS.values() if brk.claim_id in ids and Path(brk.where).resolve().is_relative_to(root)]
    if not own:
        pytest.skip("no break-it test (missing_breaks reports it)")
    constant, measured = uncovered_fields(checker_name, own, claims, cache)
    if not measured:
        pytest.skip(f"{checker_name}: none of its broken claims passes unbroken on this machine (e.g. a CUDA "
                    f"checker without CUDA), so no break can vary it here; a machine where they pass checks it")
    assert not constant, (
        f"{checker_name}: {', '.join(_field_name(field) for field in constant)} never changes under its breaks "
        f"({', '.join(brk.name.split('::')[-1] for brk in own)}): add a break that changes it, or make the "
        f"checker observe something torch decides, or drop the field from the checker and its claims' expect")


def _field_name(field: Field) -> str:
    return "".join(f"[{key!r}]" for key in field) if field else "the observation"


# ---- breaks that several projects' break-it tests share

def graph_leaves(tensor) -> list:
    """The leaf tensors `tensor`'s autograd graph accumulates gradients into (its AccumulateGrad nodes' variables)."""
    found, stack, seen = [], [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None:
            found.append(variable)
        stack.extend(child for child, _ in node.next_functions)
    return found


def backward_replaces_gradients(monkeypatch) -> None:
    """Break gradient accumulation: Tensor.backward first clears the .grad of every leaf it reaches."""
    import torch

    real = torch.Tensor.backward

    def backward(self, *args, **kwargs):
        for leaf in graph_leaves(self):
            leaf.grad = None
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", backward)
