"""Checkers and the suites that hold them.

A checker is a top-level function `check(device: str, **args) -> observation` in a project's
`suites/<topic>.py`, decorated with `@checker`. It runs real PyTorch on `device` and returns
what it saw as plain values. It never sees what the spec expects.

Suites are imported by file path, each project's `suites/` as a package of its own (so a
project's `suites` never hides another's, and suites may import helpers beside them with
relative imports), lazily: a suite is imported when one of its claims first runs, and a suite
that fails to import fails only its own claims.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

CHECKER_MARK = "__torchclaims_checker__"


class NotRun(Exception):
    """Raised by a checker when the claim cannot be checked here (e.g. needs network)."""


class SuiteImportError(Exception):
    """A suite module could not be imported; its claims get the verdict `error`."""

    def __init__(self, path: Path, cause: BaseException, details: str):
        super().__init__(f"suite {path} failed to import: {type(cause).__name__}: {cause}")
        self.details = details


def checker(func: Callable) -> Callable:
    """Mark `func` as a checker: claims name it as `check`, in the suite of their topic."""
    setattr(func, CHECKER_MARK, True)
    return func


def suite_package(suites_dir: Path) -> str:
    """The import name of a project's suites folder: unique per folder, stable across processes."""
    folder = Path(suites_dir).resolve()
    slug = re.sub(r"\W", "_", folder.parent.name)
    return f"torchclaims_suites.{slug}_{hashlib.sha1(str(folder).encode()).hexdigest()[:8]}"


def _register_package(suites_dir: Path) -> str:
    name = suite_package(suites_dir)
    if "torchclaims_suites" not in sys.modules:
        root = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("torchclaims_suites", None, is_package=True))
        root.__path__ = []
        sys.modules["torchclaims_suites"] = root
    if name not in sys.modules:
        folder = Path(suites_dir).resolve()
        init = folder / "__init__.py"
        spec = importlib.util.spec_from_file_location(name, init if init.exists() else None,
                                                      submodule_search_locations=[str(folder)])
        if spec is None:  # no __init__.py: a namespace-like package over the folder
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(folder)]
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        if spec.loader is not None:
            spec.loader.exec_module(package)
    return name


_FAILED: dict[Path, SuiteImportError] = {}


def import_suite(path: Path) -> ModuleType:
    """Import the suite at `path` (suites/<topic>.py) once; raise SuiteImportError if it cannot be."""
    path = Path(path).resolve()
    if path in _FAILED:
        raise _FAILED[path]
    package = _register_package(path.parent)
    try:
        return importlib.import_module(f"{package}.{path.stem}")
    except Exception as exc:  # any error at import time: the suite's claims are errors, the run goes on
        _FAILED[path] = SuiteImportError(path, exc, traceback.format_exc())
        sys.modules.pop(f"{package}.{path.stem}", None)
        raise _FAILED[path] from exc


def checker_function(suite_path: Path, name: str) -> Callable:
    """The checker `name` of the suite at `suite_path`, importing the suite if needed."""
    function = getattr(import_suite(suite_path), name, None)
    if not callable(function) or not getattr(function, CHECKER_MARK, False):
        raise LookupError(f"no checker {name!r} in {suite_path}")
    return function


def all_suite_topics(suites_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(suites_dir).glob("*.py") if not p.stem.startswith("_"))


def _relative_imports(path: Path, folder: Path) -> set[Path]:
    """The modules of the suites folder that `path` imports relatively (`from . import x`, `from ._m import y`)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError):
        return set()
    found: set[Path] = set()
    if any(word in path.read_text(encoding="utf-8") for word in ("importlib", "__import__")):
        found.update(p.resolve() for p in folder.rglob("*.py"))  # an import no parse can follow: all of them
    base = path.parent
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        package = base
        for _ in range(node.level - 1):
            package = package.parent
        parts = node.module.split(".") if node.module else []
        target = package.joinpath(*parts)
        candidates = [target.with_suffix(".py"), target / "__init__.py"] if parts else [target / "__init__.py"]
        if not parts or (target / "__init__.py").exists():  # `from . import x` / `from .pkg import x`: x may be a module
            candidates += [target / f"{alias.name}.py" for alias in node.names]
            candidates += [target / alias.name / "__init__.py" for alias in node.names]
        found.update(c.resolve() for c in candidates if c.is_file() and c.resolve().is_relative_to(folder))
    return found


def suite_files(suites_dir: Path, topic: str) -> list[Path]:
    """The files whose code a claim of `topic` runs: its suite, the package's __init__.py, and every
    module of the suites folder that it imports relatively, directly or through another (a helper
    such as suites/_models.py). So a changed helper changes the fingerprints of exactly its users."""
    folder = Path(suites_dir).resolve()
    start = [p for p in (folder / f"{topic}.py", folder / "__init__.py") if p.is_file()]
    seen: set[Path] = set()
    while start:
        path = start.pop()
        if path not in seen:
            seen.add(path)
            start.extend(_relative_imports(path, folder) - seen)
    return sorted(seen)


def declared_checkers(suites_dir: Path) -> dict[str, None]:
    """The checkers the suites declare, read from their source (no import, so no torch).

    Validation uses this, so a suite that cannot be imported still has its specs checked.
    """
    declared: dict[str, None] = {}
    for topic in all_suite_topics(suites_dir):
        path = Path(suites_dir) / f"{topic}.py"
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            declared[f"{topic}.*"] = None  # any name: the claims run, and report the suite's import error
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                    (isinstance(d, ast.Name) and d.id == "checker")
                    or (isinstance(d, ast.Attribute) and d.attr == "checker") for d in node.decorator_list):
                declared[f"{topic}.{node.name}"] = None
    return declared
