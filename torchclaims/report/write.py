"""`torchclaims report`: results files (and a release history) -> conformance.html and, beside it, conformance.csv."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from torchclaims.paths import DEFAULT_PROJECT
from torchclaims.report.build import Document, build, write_csv
from torchclaims.report.history import read_history
from torchclaims.report.load import Run, load_runs, merge
from torchclaims.report.render import render

DEFAULT_SPECS = DEFAULT_PROJECT / "specs"   # only for results files written without their `documents`


def _document(file: str, entry: dict, project: str = "") -> Document:
    return Document(file, str(entry.get("title") or file), str(entry.get("language") or ""),
                    author=str(entry.get("author") or ""), date=str(entry.get("date") or ""),
                    date_estimated=bool(entry.get("date_estimated")), project=project,
                    borrowed=entry["borrowed"] if isinstance(entry.get("borrowed"), dict) else None)


def load_documents(specs_dir: Path = DEFAULT_SPECS) -> dict[str, Document]:
    """The source documents of a specs directory (its sources.yaml); empty if it is unreadable."""
    from torchclaims import spec   # imported only here: jsonschema's import costs 0.15 s, and results files carry documents

    documents = spec.load_documents(Path(specs_dir), problems=[])
    return {name: _document(name, {k: v for k, v in vars(d).items() if k != "borrowed"}) for name, d in documents.items()}


def documents_of(runs: list[Run], specs_dir: Path | None = DEFAULT_SPECS) -> dict[str, Document]:
    """Titles, languages and dates from the results files' own `documents` (a newer file's entry wins).

    Only where a results file lacks `documents` (written before it had them) does the specs
    directory fill in.
    """
    found: dict[str, Document] = {}
    if specs_dir is not None and any(run.documents is None for run in runs if run.records):
        found.update(load_documents(Path(specs_dir)))
    for run in sorted(runs, key=lambda r: r.started):
        for file, entry in (run.documents or {}).items():
            if isinstance(entry, dict):
                found[str(file)] = _document(str(file), entry, run.project)
    return found


def write_report(results: list[Path], output: Path, specs_dir: Path | None = DEFAULT_SPECS,
                 histories: list[Path] = ()) -> tuple[Path, Path]:
    """Merge the results files into one HTML page at `output` and the matrix as CSV beside it."""
    with no_gc():
        # the records die with _write's frame, before collection resumes: alive then, the first
        # collection after gc.enable() would walk every one of them
        return _write(results, output, specs_dir, histories)


def _write(results: list[Path], output: Path, specs_dir: Path | None, histories: list[Path]) -> tuple[Path, Path]:
    runs = load_runs(results)
    merged = merge(runs)
    report = build(runs, merged, documents_of(runs, specs_dir), [read_history(p) for p in histories])
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(report, [Path(p).name for p in [*results, *histories]]), encoding="utf-8")
    csv_path = write_csv(merged, output.with_suffix(".csv"))
    return output, csv_path


@contextmanager
def no_gc():
    """No cyclic garbage collection while building: the records read are millions of objects that live until
    the page is written, and each full collection walks them all (it doubled the build time of a large report)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
