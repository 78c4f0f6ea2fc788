"""The claims of a project, validated against the checkers its suites declare."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from torchclaims.checkers import declared_checkers
from torchclaims.paths import DEFAULT_PROJECT
from torchclaims.spec import Catalogue, load_catalogue


def load_checked_catalogue(specs_dir: Path, sources_dir: Path | None = None) -> Catalogue:
    """Load every spec in `specs_dir`, with the suites beside it, so unknown checkers are caught.

    Checker names are read from the suites' source, not imported: validating needs no torch,
    and a suite that cannot be imported here still has its specs checked.
    """
    specs_dir = Path(specs_dir).resolve()
    return load_catalogue(specs_dir, checkers=declared_checkers(specs_dir.parent / "suites"), sources_dir=sources_dir)


@cache
def project_catalogue(specs_dir: Path) -> Catalogue:
    """A project's catalogue, loaded once per process."""
    return load_checked_catalogue(specs_dir)


def default_catalogue() -> Catalogue:
    """The checkout's own project (projects/ja-intros)."""
    return project_catalogue(DEFAULT_PROJECT / "specs")
