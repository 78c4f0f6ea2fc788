"""The checker registry. Suites register checkers; specs name them.

A checker is a function `check(device: str, **args) -> observation` in
`suites/<topic>.py`, decorated with `@checker`. It runs real PyTorch on `device`
and returns what it saw as plain values. It never sees what the spec expects.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

REGISTRY: dict[str, Callable] = {}


class NotRun(Exception):
    """Raised by a checker when the claim cannot be checked here (e.g. needs network)."""


def checker(func: Callable) -> Callable:
    """Register `func` as checker `<topic>.<name>`, topic being its suite module's stem."""
    topic = func.__module__.rsplit(".", 1)[-1]
    REGISTRY[f"{topic}.{func.__name__}"] = func
    return func


def load_suites(topics, suites_package: str = "suites") -> dict[str, Callable]:
    """Import the suite module of each topic that has one; return the registry."""
    for topic in topics:
        try:
            importlib.import_module(f"{suites_package}.{topic}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{suites_package}.{topic}":
                raise
    return REGISTRY


def all_suite_topics(suites_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(suites_dir).glob("*.py") if not p.stem.startswith("_"))


def declared_checkers(suites_dir: Path) -> dict[str, None]:
    """The checkers the suites declare, read from their source (no import, so no torch).

    The xdist controller validates specs with this while its workers import the suites.
    """
    import ast

    declared: dict[str, None] = {}
    for topic in all_suite_topics(suites_dir):
        tree = ast.parse((Path(suites_dir) / f"{topic}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                    (isinstance(d, ast.Name) and d.id == "checker")
                    or (isinstance(d, ast.Attribute) and d.attr == "checker") for d in node.decorator_list):
                declared[f"{topic}.{node.name}"] = None
    return declared
