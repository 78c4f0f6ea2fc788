"""A check that cannot fail is a defect: every checker needs a break-it test, and every field
the judge compares must change under at least one of its checker's breaks."""

import importlib
import sys
from pathlib import Path

import pytest

from torchclaims.checkers import declared_checkers
from torchclaims.project import find_project
from torchclaims.testing import BREAKS, catalogue, missing_breaks, uncovered_fields

PROJECT = find_project(Path(__file__))


def test_every_checker_has_a_break_it_test():
    lacking, unknown = missing_breaks(PROJECT)
    assert not unknown, f"break-it tests name claims that no spec has: {unknown}"
    assert not lacking, f"checkers with no break-it test (add one in tests/break_it/): {lacking}"


def test_every_checker_is_used_by_a_claim():
    used = {claim.checker_name for claim in catalogue(PROJECT).claims}
    unused = sorted(set(declared_checkers(PROJECT.suites_dir)) - used)
    assert not unused, f"checkers that no claim uses: {unused}"


# ---- every field the judge compares must change under at least one break of its checker

def _import_break_it_tests():
    """Import the break-it test modules as pytest does (prepend mode: by file name, folder on sys.path)."""
    folder = str(Path(__file__).parent / "break_it")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    for module in sorted(Path(folder).glob("test_*.py")):
        importlib.import_module(module.stem)


_import_break_it_tests()
CLAIMS = catalogue(PROJECT).claims
CHECKERS = sorted({found.checker_name for found in CLAIMS})


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_compared_field_varies(checker, request):
    """Breaks already run, in this process or (through pytest's cache) in another worker, count as
    they were recorded; the others are run here, until every field has varied."""
    claims = [found for found in CLAIMS if found.checker_name == checker]
    ids = {found.id for found in claims}
    own = [brk for brk in BREAKS.values() if brk.claim_id in ids]
    if not own:
        pytest.skip("no break-it test (test_every_checker_has_a_break_it_test reports it)")
    constant, measured = uncovered_fields(checker, own, claims, getattr(request.config, "cache", None))
    if not measured:
        pytest.skip(f"{checker}: none of its broken claims passes unbroken here, so no break can vary it")
    assert not constant, (
        f"{checker}: {', '.join(_name(field) for field in constant)} never changes under its breaks "
        f"({', '.join(brk.name.split('::')[-1] for brk in own)}): add a break that changes it, or make the "
        f"checker observe something torch decides, or drop the field from the checker and its claims' expect")


def _name(field):
    return "".join(f"[{key!r}]" for key in field) if field else "the observation"
