"""A check that cannot fail is a defect: every checker needs a break-it test, and every field
the judge compares must change under at least one of its checker's breaks."""

from pathlib import Path

import pytest

from torchclaims.checkers import declared_checkers
from torchclaims.project import find_project
from torchclaims.testing import assert_every_compared_field_varies, catalogue, missing_breaks

PROJECT = find_project(Path(__file__))


def test_every_checker_has_a_break_it_test():
    lacking, unknown = missing_breaks(PROJECT)
    assert not unknown, f"break-it tests name claims that no spec has: {unknown}"
    assert not lacking, f"checkers with no break-it test (add one in tests/break_it/): {lacking}"


def test_every_checker_is_used_by_a_claim():
    used = {claim.checker_name for claim in catalogue(PROJECT).claims}
    unused = sorted(set(declared_checkers(PROJECT.suites_dir)) - used)
    assert not unused, f"checkers that no claim uses: {unused}"


@pytest.mark.parametrize("checker", sorted({found.checker_name for found in catalogue(PROJECT).claims}))
def test_every_compared_field_varies(checker, request):
    assert_every_compared_field_varies(checker, PROJECT, getattr(request.config, "cache", None))
