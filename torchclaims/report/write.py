"""`torchclaims report`: results files -> conformance.html and, beside it, conformance.csv."""

from __future__ import annotations

from pathlib import Path

import yaml

from torchclaims.paths import SPECS_DIR
from torchclaims.report.build import Document, build, csv_matrix
from torchclaims.report.load import load_runs, merge
from torchclaims.report.render import render

SOURCES_YAML = SPECS_DIR / "sources.yaml"


def load_documents(path: Path = SOURCES_YAML) -> dict[str, Document]:
    """Titles and languages of the source documents, from specs/sources.yaml (empty if absent)."""
    if not Path(path).exists():
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(d["file"]): Document(str(d["file"]), str(d.get("title") or d["file"]), str(d.get("language") or ""))
            for d in data.get("documents") or [] if isinstance(d, dict) and "file" in d}


def write_report(results: list[Path], output: Path, sources_yaml: Path = SOURCES_YAML) -> tuple[Path, Path]:
    """Merge the results files into one HTML page at `output` and the matrix as CSV beside it."""
    runs = load_runs(results)
    frame, environments = merge(runs)
    report = build(runs, frame, environments, load_documents(sources_yaml))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(report, [Path(p).name for p in results]), encoding="utf-8")
    csv_path = output.with_suffix(".csv")
    csv_matrix(frame, environments).to_csv(csv_path, index=False)
    return output, csv_path
