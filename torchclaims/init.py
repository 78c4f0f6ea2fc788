"""`torchclaims init DIR`: scaffold a project that validates and runs as created."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "scaffold"
TOPIC = re.compile(r"^[a-z_][a-z0-9_]*$")


def layout(topic: str) -> dict[str, str]:
    """Project-relative path -> template."""
    return {
        "specs/sources.yaml": "sources.yaml.tmpl",
        f"specs/{topic}.yaml": "topic.yaml.tmpl",
        f"suites/{topic}.py": "suite.py.tmpl",
        "sources/example.md": "example.md.tmpl",
        f"tests/break_it/test_{topic}.py": "break_it.py.tmpl",
        "tests/test_break_it_coverage.py": "coverage.py.tmpl",
    }


def scaffold(root: Path, topic: str = "basics") -> list[Path]:
    """Write the project's files under `root`; refuse to overwrite any."""
    if not TOPIC.match(topic):
        raise ValueError(f"topic {topic!r}: use a Python module name (lower case, digits, _)")
    files = {Path(root) / relative: template for relative, template in layout(topic).items()}
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise FileExistsError(f"would overwrite: {', '.join(existing)}")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((TEMPLATES / template).read_text(encoding="utf-8").format(topic=topic), encoding="utf-8")
    return sorted(files)
