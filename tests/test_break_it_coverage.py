"""A check that cannot fail is a defect: every checker needs a break-it test."""

import importlib
from pathlib import Path

from tests.break_it.breaking import BROKEN_CLAIMS
from torchclaims.catalogue import default_catalogue
from torchclaims.checkers import REGISTRY

BREAK_IT_DIR = Path(__file__).parent / "break_it"


def test_every_checker_has_a_break_it_test():
    for module in sorted(BREAK_IT_DIR.glob("test_*.py")):
        importlib.import_module(f"tests.break_it.{module.stem}")
    claims = default_catalogue().by_id()
    unknown = sorted(BROKEN_CLAIMS - set(claims))
    assert not unknown, f"break-it tests name claims that no spec has: {unknown}"
    broken_checkers = {claims[claim_id].checker_name for claim_id in BROKEN_CLAIMS}
    used_checkers = {claim.checker_name for claim in claims.values()}
    lacking = sorted(set(REGISTRY) - broken_checkers)
    assert not lacking, f"checkers with no break-it test (add one in tests/break_it/): {lacking}"
    unused = sorted(set(REGISTRY) - used_checkers)
    assert not unused, f"checkers that no claim uses: {unused}"
