"""The results file: schema torchclaims/results/1, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

SCHEMA = "torchclaims/results/1"


def document_records(documents: dict) -> dict:
    """The project's documents (spec.Document), as the results file carries them: the report needs no specs."""
    return {name: {key: value if isinstance(value, (str, bool, type(None))) or key == "borrowed" else str(value)
                   for key, value in asdict(doc).items()
                   if key not in ("file", "left_out", "passages") and not (key == "borrowed" and value is None)}
            for name, doc in sorted(documents.items())}


def write_results(path: Path, run: dict, records: list[dict], documents: dict | None = None) -> Path:
    """Write the results file atomically: readers see the old file or the new one, never half."""
    document = {"schema": SCHEMA, "run": run, **({"documents": documents} if documents is not None else {}),
                "results": sorted(records, key=lambda r: (r["claim"], r["device"]))}
    return atomic_write_text(Path(path), json.dumps(document, ensure_ascii=False, indent=1))


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file and a rename, with a normal file's mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     suffix=".tmp", delete=False) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(handle.name, 0o666 & ~_umask())  # NamedTemporaryFile makes 0600; give it a normal file's mode
    os.replace(handle.name, path)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_results(path: Path) -> dict:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a torchclaims results file (schema {document.get('schema')!r}, expected {SCHEMA!r})")
    return document
