"""Notebook claims: a code cell's saved outputs against that cell's outputs in the notebook's one kernel run.

A claim names its cell as a snippet claim names a block (`snippet: {block: N}`: the N-th code cell,
or its first line). The whole notebook runs, in order, once per device in this process; each claim
is judged on its own cell. `snippet.environment` marks a cell whose output depends on the machine
(a version, an availability check, a timing, a shell command): it runs, and is not compared.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from torchclaims.documents import cells, kernel
from torchclaims.documents.reading import find_block, read
from torchclaims.problems import Problem


def is_notebook(source: str | Path) -> bool:
    return Path(source).suffix.lower() == ".ipynb"


@cache
def code_cells(path: Path) -> tuple[tuple[str, tuple[dict, ...]], ...]:
    """(source, saved outputs) of each code cell, in order: cell N is the document's block N."""
    import nbformat

    read(Path(path))  # refuses a notebook that does not parse, naming the file
    notebook = nbformat.read(str(path), as_version=4)
    return tuple((cell.source, tuple(dict(o) for o in cell.get("outputs", [])))
                 for cell in notebook.cells if cell.cell_type == "code")


def cell_number(claim) -> int:
    block = find_block(read(Path(claim.source_path)), claim.snippet["block"])
    if block is None:
        raise LookupError(f"no code cell {claim.snippet['block']!r} in {claim.source}")
    return block.number


def expected(claim) -> list[dict]:
    _, saved = code_cells(Path(claim.source_path))[cell_number(claim) - 1]
    return cells.observation([dict(o) for o in saved], claim.snippet["random"])


def document_run(path: Path, device: str, timeout: float = kernel.DEFAULT_CELL_TIMEOUT) -> kernel.DocumentRun:
    """The notebook's one execution on `device` in this process."""
    path = Path(path).resolve()
    return kernel.run_cells((str(path),), [source for source, _ in code_cells(path)], device=device, timeout=timeout)


def cell_run(claim, device: str) -> kernel.CellRun:
    run = document_run(Path(claim.source_path), device, claim.snippet.get("timeout", kernel.DEFAULT_CELL_TIMEOUT))
    return run.cells[cell_number(claim)]


def observe(claim, device: str) -> list[dict]:
    """What the claim's cell showed in the notebook's kernel run: errors, timeouts and a lost kernel as such."""
    from torchclaims.checkers import NotRun

    cell = cell_run(claim, device)
    if cell.status == "not-run":
        raise NotRun(cell.reason)
    if cell.status in ("timeout", "dead"):
        raise RuntimeError(cell.reason)
    observed = cells.observation(cell.outputs, claim.snippet["random"])
    if (why := claim.snippet.get("environment")):
        shown = " ".join(cells.shown_text(cell.outputs).split()) or "(no text)"
        raise NotRun(f"records the environment ({why}): not compared; here it showed: {shown[:200]}")
    return observed


def cell_warnings(claim, device: str) -> list[dict]:
    """The warnings the claim's cell printed ({category, message, module}), from the run already made."""
    run = kernel._RUNS.get((str(Path(claim.source_path).resolve()), device, 0))
    cell = run.cells.get(cell_number(claim)) if run else None
    return list(cell.warnings) if cell else []


def cell_problems(claim, path: Path) -> list[Problem]:
    """A notebook claim whose cell is not in the notebook, or shows nothing this compares."""
    where = (claim.spec_path or claim.file, claim.line, claim.id, "snippet.block")
    reading = read(path)
    block = find_block(reading, claim.snippet["block"])
    if block is None:
        return [Problem(*where, f"no code cell {claim.snippet['block']!r} in {claim.source} (it has {len(reading.blocks)})")]
    _, saved = code_cells(path)[block.number - 1]
    if not claim.snippet.get("environment") and not cells.has_compared_output(list(saved)):
        return [Problem(*where, f"cell {block.number} of {claim.source} has no saved output to compare "
                                "(stdout, a displayed result, an image or an error)")]
    return []
