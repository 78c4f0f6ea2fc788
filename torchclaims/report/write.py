"""`torchclaims report`: results files -> conformance.html and, beside it, conformance.csv."""

from __future__ import annotations

from pathlib import Path

from torchclaims import spec
from torchclaims.paths import DEFAULT_PROJECT
from torchclaims.report.build import Document, build, csv_matrix
from torchclaims.report.load import load_runs, merge
from torchclaims.report.render import render


def load_documents(specs_dir: Path = DEFAULT_PROJECT / "specs") -> dict[str, Document]:
    """Titles and languages of the source documents (specs/sources.yaml); empty if it is unreadable."""
    documents = spec.load_documents(Path(specs_dir), problems=[])
    return {name: Document(name, d.title, d.language) for name, d in documents.items()}


def write_report(results: list[Path], output: Path, specs_dir: Path = DEFAULT_PROJECT / "specs") -> tuple[Path, Path]:
    """Merge the results files into one HTML page at `output` and the matrix as CSV beside it."""
    runs = load_runs(results)
    frame, environments = merge(runs)
    report = build(runs, frame, environments, load_documents(specs_dir))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(report, [Path(p).name for p in results]), encoding="utf-8")
    csv_path = output.with_suffix(".csv")
    csv_matrix(frame, environments).to_csv(csv_path, index=False)
    return output, csv_path
