"""Every quote must occur in its document as a reader sees it, ignoring whitespace.

Whitespace is ignored because the saved pages lost line breaks and indentation,
and the slide decks break lines mid-sentence; nothing else is normalised. The document is
read by its format (torchclaims.documents.reading): Markdown, reStructuredText, notebooks and
sphinx-gallery scripts as rendered text, anything else as plain text.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

from torchclaims.documents.reading import UnreadableDocument, read
from torchclaims.problems import SOURCES_FILE, Problem, shown_path

_WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


@cache
def _document_text(path: Path) -> str | None:
    return squeeze(read(path).text) if path.exists() else None


def _unreadable(path: Path) -> str | None:
    try:
        _document_text(path)
    except UnreadableDocument as exc:
        return str(exc)
    return None


def closest_passage(quote: str, path: Path) -> str:
    """The run of the document's lines (as a reader sees them) most like `quote`, by difflib."""
    lines = [line.strip() for line in read(path).text.splitlines() if line.strip()]
    size = max(1, len([line for line in quote.splitlines() if line.strip()]))
    best, best_ratio = "", -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(squeeze(quote))
    for start in range(max(1, len(lines) - size + 1)):
        passage = "\n".join(lines[start:start + size])
        matcher.set_seq1(squeeze(passage))
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        if (ratio := matcher.ratio()) > best_ratio:
            best, best_ratio = passage, ratio
    return best


def _not_found(quote: str, path: Path) -> str:
    return (f"quote not found in {path.name} (whitespace ignored):\n    {quote.strip()!r}\n"
            f"  closest passage:\n    {closest_passage(quote, path)!r}")


def quote_problems(claims, sources_dir: Path, documents=None, sources_yaml: Path | None = None) -> list:
    """Claims' quotes (and the documents' left-out quotes) that do not occur in their documents."""
    problems = []
    unreadable = {}
    for document in (documents or {}).values():
        path = Path(sources_dir) / document.file
        if (why := _unreadable(path)):
            unreadable[document.file] = why
            problems.append(Problem(shown_path(sources_yaml) if sources_yaml else SOURCES_FILE, None, None, "documents", why))
            continue
        text = _document_text(path)
        for index, left_out in enumerate(document.left_out):
            if text is not None and squeeze(left_out["quote"]) not in text:
                problems.append(Problem(shown_path(sources_yaml) if sources_yaml else SOURCES_FILE, getattr(left_out, "line", None), None,
                                        f"left_out.{index}.quote", _not_found(left_out["quote"], path)))
    for claim in claims:
        path = Path(sources_dir) / claim.source
        if claim.source in unreadable or (_unreadable(path) and claim.source not in (documents or {})):
            if claim.source not in unreadable:
                unreadable[claim.source] = _unreadable(path)
                problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, "source", unreadable[claim.source]))
            continue
        text = _document_text(path)
        if text is None:
            problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, "source",
                                    f"document {claim.source!r} not found in {sources_dir}"))
        elif squeeze(claim.quote) not in text:
            problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, "quote", _not_found(claim.quote, path)))
    return problems
