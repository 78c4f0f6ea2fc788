"""The warnings a claim's run raised: part of what was observed (a deprecation warns before it breaks).

A warning is recorded as {category, message (its first line), module (the module whose code the
warning points at: the library's own file, or the checker's or snippet's line that called it)},
deduplicated, in the order first seen. Warnings from the harness itself (torchclaims, pytest) are
not the material's. Code that runs a claim elsewhere (a snippet's subprocess, a kernel) reports its
warnings in the same format with `add()`.
"""

from __future__ import annotations

import contextvars
import re
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

# modules whose warnings are the harness's, not torch's
HARNESS = ("torchclaims", "_pytest", "pytest", "pluggy", "xdist", "execnet", "warnings", "importlib")
SUITES_PACKAGE = "torchclaims_suites"  # checkers.py imports a project's suites under it
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")

_current: contextvars.ContextVar[list | None] = contextvars.ContextVar("torchclaims_warnings", default=None)


_by_file: dict[str, str] = {}


def module_of(filename: str) -> str:
    """The dotted module of a file, from the loaded modules (e.g. torch.serialization), else its stem."""
    if filename not in _by_file:
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if path:
                _by_file.setdefault(path, name)
    if filename in _by_file:
        name = _by_file[filename]
        if name.startswith(SUITES_PACKAGE + "."):  # torchclaims_suites.<project>_<hash of its path>.<topic>
            return "suites." + name.split(".", 2)[-1]  # the same wherever the project is checked out
        return name
    return Path(filename).stem if filename and Path(filename).is_file() else (filename or "")  # e.g. "doc.md block 3"


def record_of(message: warnings.WarningMessage) -> dict:
    text = str(message.message).strip()
    first = ADDRESS.sub("0x...", text.splitlines()[0] if text else "")
    return {"category": message.category.__name__, "message": first, "module": module_of(message.filename)}


def deduplicated(records: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for record in records:
        key = (record.get("category"), record.get("message"), record.get("module"))
        if key not in seen:
            seen.add(key)
            kept.append({"category": key[0], "message": key[1], "module": key[2]})
    return kept


def add(records: list[dict]) -> None:
    """Warnings of the running claim raised where catch_warnings cannot see them (a subprocess, a kernel)."""
    found = _current.get()
    if found is not None:
        found.extend(records)


@contextmanager
def recording():
    """Yield a list that, after the block (even one that raised), holds the warnings raised in it."""
    found: list[dict] = []
    token = _current.set(found)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # every warning, even one shown before in this process
            try:
                yield found
            finally:
                raised = [record_of(m) for m in caught]
                found[:] = deduplicated([r for r in raised if r["module"].split(".")[0] not in HARNESS] + found)
    finally:
        _current.reset(token)
