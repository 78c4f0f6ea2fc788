"""The claims of a specs directory, validated against the checkers its suites register."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from torchclaims.checkers import all_suite_topics, load_suites
from torchclaims.paths import SPECS_DIR
from torchclaims.spec import Catalogue, load_catalogue


def load_checked_catalogue(specs_dir: Path = SPECS_DIR, sources_dir: Path | None = None) -> Catalogue:
    """Load every spec, importing the suites beside `specs_dir` so unknown checkers are caught."""
    specs_dir = Path(specs_dir).resolve()
    checkers = load_suites(all_suite_topics(specs_dir.parent / "suites"))
    return load_catalogue(specs_dir, checkers=checkers, sources_dir=sources_dir)


@cache
def default_catalogue() -> Catalogue:
    """The checkout's own catalogue, loaded once per process."""
    return load_checked_catalogue(SPECS_DIR)
