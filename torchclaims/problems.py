"""What is wrong in a project's specs, located: the file, line, claim and field (spec.py and the document checks share it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.yaml"


def shown_path(path: Path | str) -> str:
    """A path as messages name it: relative to the working directory where it is inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a spec, located as precisely as we can."""

    file: str
    line: int | None
    claim: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.claim:
            parts.append(f"claim {self.claim}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class SpecError(Exception):
    """The specs are broken; `problems` says where and how."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
