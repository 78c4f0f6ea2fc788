"""Break-it tests for a project's checkers: break the behaviour, see the claim fail.

    from torchclaims.testing import breaks

    @breaks("numpy.from-numpy-shares-memory")
    def test_from_numpy_copies(monkeypatch):
        monkeypatch.setattr(torch, "from_numpy", lambda a: torch.tensor(a))

The decorated test applies the break (with monkeypatch, so it is undone afterwards); the
decorator then evaluates the claim and asserts the verdict is `fails`. A check that cannot
fail is a defect: `missing_breaks()` (and `torchclaims validate --strict`) lists checkers
that no break-it test breaks. The claim is looked up in the project that holds the test file.
"""

from __future__ import annotations

import ast
import inspect
from functools import wraps
from pathlib import Path

from torchclaims.catalogue import project_catalogue
from torchclaims.devices import Target
from torchclaims.evaluate import Outcome, evaluate
from torchclaims.judge import Verdict
from torchclaims.project import Project, find_project, resolve_project
from torchclaims.spec import Catalogue, Claim

__all__ = ["breaks", "evaluate_claim", "catalogue", "claim", "suite", "declared_breaks", "missing_breaks"]

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


def breaks(claim_id: str, device: str = "cpu"):
    """Decorate a test that breaks torch: after it runs, `claim_id` must be judged `fails`."""
    def decorate(test):
        BROKEN_CLAIMS.add(claim_id)
        where = inspect.getsourcefile(test)

        @wraps(test)
        def run_broken(*args, **kwargs):
            from torchclaims.plugin import explain

            found = claim(claim_id, where)
            test(*args, **kwargs)
            outcome = evaluate(found, Target(device, parity=found.devices == "parity"))
            assert outcome.verdict is Verdict.FAILS, (
                f"with the behaviour broken, {claim_id} should fail, but its verdict is "
                f"{outcome.verdict.value}:\n{explain(found, outcome)}")

        return run_broken

    return decorate


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
