"""Every quote must occur in its document, ignoring whitespace.

Whitespace is ignored because the saved pages lost line breaks and indentation,
and the slide decks break lines mid-sentence; nothing else is normalised.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


@cache
def _document_text(path: Path) -> str | None:
    return squeeze(path.read_text(encoding="utf-8")) if path.exists() else None


def quote_problems(claims, sources_dir: Path, documents=None) -> list:
    """Claims' quotes (and the documents' left-out quotes) that do not occur in their documents."""
    from torchclaims.spec import Problem

    problems = []
    for document in (documents or {}).values():
        text = _document_text(Path(sources_dir) / document.file)
        for index, left_out in enumerate(document.left_out):
            if text is not None and squeeze(left_out["quote"]) not in text:
                problems.append(Problem("sources.yaml", None, None, f"left_out.{index}.quote",
                                        f"quote not found in {document.file}: {left_out['quote'][:80]!r}"))
    for claim in claims:
        text = _document_text(Path(sources_dir) / claim.source)
        if text is None:
            problems.append(Problem(claim.file, claim.line, claim.id, "source",
                                    f"document {claim.source!r} not found in {sources_dir}"))
        elif squeeze(claim.quote) not in text:
            problems.append(Problem(claim.file, claim.line, claim.id, "quote",
                                    f"quote not found in {claim.source} (whitespace ignored): {claim.quote[:80]!r}"))
    return problems
