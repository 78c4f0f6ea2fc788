"""The claims of a specs directory, validated against the checkers its suites register."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from torchclaims.checkers import all_suite_topics, declared_checkers, load_suites
from torchclaims.paths import SPECS_DIR
from torchclaims.spec import Catalogue, load_catalogue


def load_checked_catalogue(specs_dir: Path = SPECS_DIR, sources_dir: Path | None = None, *,
                           import_suites: bool = True) -> Catalogue:
    """Load every spec, with the suites beside `specs_dir`, so unknown checkers are caught.

    `import_suites=False` reads the checker names from the suites' source instead of
    importing them (and torch): for a process that only coordinates.
    """
    specs_dir = Path(specs_dir).resolve()
    suites_dir = specs_dir.parent / "suites"
    checkers = load_suites(all_suite_topics(suites_dir)) if import_suites else declared_checkers(suites_dir)
    return load_catalogue(specs_dir, checkers=checkers, sources_dir=sources_dir)


@cache
def default_catalogue() -> Catalogue:
    """The checkout's own catalogue, loaded once per process."""
    return load_checked_catalogue(SPECS_DIR)
