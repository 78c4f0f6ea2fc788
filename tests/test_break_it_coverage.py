"""A check that cannot fail is a defect: every checker needs a break-it test, and every field
the judge compares must change under at least one of its checker's breaks."""

import importlib
from pathlib import Path

import pytest

from tests.break_it.breaking import BREAKS, BROKEN_CLAIMS, compared_fields, is_recorded, variation
from torchclaims.catalogue import default_catalogue
from torchclaims.checkers import REGISTRY

BREAK_IT_DIR = Path(__file__).parent / "break_it"

for _module in sorted(BREAK_IT_DIR.glob("test_*.py")):
    importlib.import_module(f"tests.break_it.{_module.stem}")

CLAIMS = default_catalogue().by_id()
CHECKERS = sorted({claim.checker_name for claim in CLAIMS.values()})


def test_every_checker_has_a_break_it_test():
    unknown = sorted(BROKEN_CLAIMS - set(CLAIMS))
    assert not unknown, f"break-it tests name claims that no spec has: {unknown}"
    broken_checkers = {CLAIMS[claim_id].checker_name for claim_id in BROKEN_CLAIMS}
    lacking = sorted(set(REGISTRY) - broken_checkers)
    assert not lacking, f"checkers with no break-it test (add one in tests/break_it/): {lacking}"
    unused = sorted(set(REGISTRY) - set(CHECKERS))
    assert not unused, f"checkers that no claim uses: {unused}"


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_compared_field_varies(checker, request):
    """Breaks already run, in this process or (through pytest's cache) in another worker, count as
    they were recorded; the others are run here, until every field has varied."""
    fields = set().union(*(compared_fields(claim.expect) for claim in CLAIMS.values()
                           if claim.checker_name == checker))
    own = [brk for brk in BREAKS.values() if brk.claim_id in CLAIMS and brk.claim.checker_name == checker]
    if not own:
        pytest.skip("no break-it test (test_every_checker_has_a_break_it_test reports it)")
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    varied, measured = set(), False
    for brk in sorted(own, key=lambda brk: not is_recorded(brk, cache)):  # the recorded ones first
        if fields <= varied:
            break
        if (changed := variation(brk, cache)) is not None:
            varied |= changed
            measured = True
    if not measured:
        pytest.skip(f"{checker}: none of its broken claims passes unbroken here, so no break can vary it")
    constant = sorted(fields - varied)
    assert not constant, (
        f"{checker}: {', '.join(_name(field) for field in constant)} never changes under its breaks "
        f"({', '.join(brk.name.rsplit('.', 1)[-1] for brk in own)}): add a break that changes it, or make the "
        f"checker observe something torch decides, or drop the field from the checker and its claims' expect")


def _name(field):
    return "".join(f"[{key!r}]" for key in field) if field else "the observation"
