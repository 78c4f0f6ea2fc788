"""A command run before what it needs exists: one line saying what to run first, no traceback."""

from __future__ import annotations

import sys
from pathlib import Path

EXIT_MISSING_INPUT = 1


def missing_files(paths) -> list[str]:
    return [str(p) for p in paths if not Path(p).is_file()]


def refuse(command: str, problem: str, first: str) -> int:
    """Print `torchclaims COMMAND: PROBLEM: FIRST` on one line (stderr) and return the exit status."""
    print(f"torchclaims {command}: {problem}; {first}", file=sys.stderr)
    return EXIT_MISSING_INPUT


def check_results(command: str, paths, first: str) -> int | None:
    """None when every results file is there, else the refusal's exit status."""
    if not paths:
        return refuse(command, "no results files given", first)
    missing = missing_files(paths)
    if missing:
        return refuse(command, f"no results file {', '.join(missing)}", first)
    return None


def check_history(command: str, paths) -> int | None:
    missing = missing_files(paths)
    if missing:
        return refuse(command, f"no history file {', '.join(missing)}",
                      "run `torchclaims history` first (it writes history/history.json), or leave --history out")
    return None
