"""`>>>` sessions in Markdown and reStructuredText: each example runs as the interpreter ran it.

A claim names its example as `snippet: {session: N}` (the N-th `>>>` example of the document, in
order, or its first line without `>>> `). All of a document's examples run in order in one Jupyter
kernel (documents/kernel.py), one example a cell: an expression's repr is shown as the REPL (and
doctest) shows it, and an example that raises is compared with the traceback's last line.
"""

from __future__ import annotations

import doctest
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from torchclaims.documents import cells, kernel
from torchclaims.problems import Problem

SESSION_SUFFIXES = frozenset({".md", ".markdown", ".rst"})


@dataclass(frozen=True)
class Example:
    number: int  # 1-based among the document's `>>>` examples
    source: str
    want: str
    exc_msg: str | None


def _texts(path: Path) -> list[str]:
    """The document's code and doctest blocks, in order, as its format's parser reads them."""
    source = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".rst":
        from docutils import nodes
        from docutils.core import publish_doctree

        tree = publish_doctree(source, settings_overrides={"report_level": 5, "halt_level": 5})
        return [node.astext() + "\n" for node in tree.findall(
            lambda n: isinstance(n, (nodes.literal_block, nodes.doctest_block)))]
    from markdown_it import MarkdownIt

    return [t.content for t in MarkdownIt("commonmark").parse(source) if t.type in ("fence", "code_block")]


@cache
def examples(path: Path) -> tuple[Example, ...]:
    parser = doctest.DocTestParser()
    found: list[Example] = []
    if Path(path).suffix.lower() not in SESSION_SUFFIXES:
        return ()
    for text in _texts(Path(path)):
        if ">>>" not in text:
            continue
        for example in parser.get_examples(text):
            found.append(Example(len(found) + 1, example.source, example.want, example.exc_msg))
    return tuple(found)


def find_example(path: Path, which: int | str) -> Example | None:
    for example in examples(Path(path)):
        if isinstance(which, int) and example.number == which:
            return example
        if isinstance(which, str) and example.source.strip().splitlines()[:1] == [which.strip()]:
            return example
    return None


def is_session_claim(claim) -> bool:
    return claim.snippet is not None and claim.snippet.get("session") is not None


def saved_outputs(example: Example) -> list[dict]:
    """What the document shows after the example, as the outputs a kernel would give."""
    if example.exc_msg is not None:
        name, _, message = example.exc_msg.strip().partition(":")
        return [{"output_type": "error", "ename": name.rsplit(".", 1)[-1].strip(), "evalue": message.strip()}]
    return [{"output_type": "stream", "name": "stdout", "text": example.want}] if example.want else []


def _example(claim) -> Example:
    found = find_example(Path(claim.source_path), claim.snippet["session"])
    if found is None:
        raise LookupError(f"no >>> example {claim.snippet['session']!r} in {claim.source}")
    return found


def expected(claim) -> list[dict]:
    return cells.observation(saved_outputs(_example(claim)), claim.snippet["random"])


def observe(claim, device: str) -> list[dict]:
    from torchclaims.checkers import NotRun

    path = Path(claim.source_path).resolve()
    run = kernel.run_cells((str(path), "sessions"), [e.source for e in examples(path)], device=device,
                           timeout=claim.snippet.get("timeout", kernel.DEFAULT_CELL_TIMEOUT))
    cell = run.cells[_example(claim).number]
    if cell.status == "not-run":
        raise NotRun(cell.reason)
    if cell.status in ("timeout", "dead"):
        raise RuntimeError(cell.reason)
    return cells.observation(cell.outputs, claim.snippet["random"])


def session_problems(claim, path: Path) -> list[Problem]:
    where = (claim.spec_path or claim.file, claim.line, claim.id, "snippet.session")
    found = find_example(path, claim.snippet["session"])
    if found is None:
        return [Problem(*where, f"no >>> example {claim.snippet['session']!r} in {claim.source} "
                                f"(it has {len(examples(path))})")]
    if not found.want and found.exc_msg is None:
        return [Problem(*where, f"example {found.number} of {claim.source} shows no output")]
    return []


def cell_warnings(claim, device: str) -> list[dict]:
    """The warnings the claim's example printed, from the run already made."""
    run = kernel._RUNS.get((str(Path(claim.source_path).resolve()), "sessions", device, 0))
    cell = run.cells.get(_example(claim).number) if run else None
    return list(cell.warnings) if cell else []
