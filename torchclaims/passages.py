"""Whose words: a quote's chain of sources, the passages a document takes from elsewhere, and how much.

A claim's `quoted_from` is one source ({name, url, how}) or a chain from the immediate source to
the earliest; the earliest wrote the words and is charged with their errors. A document's
`passages` (specs/sources.yaml) mark spans that come from elsewhere, located like quotes
(whitespace ignored): a claim quoting inside one, with no quoted_from of its own, inherits its chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HOWS = ("quoted", "translated", "adapted")


def chain_of(value) -> list[dict]:
    """A `quoted_from` (a mapping, a list of them, or nothing) as a chain: [{name, url, how}, ...], immediate first."""
    if not value:
        return []
    entries = [value] if isinstance(value, dict) else list(value)
    return [{"name": str(e.get("name") or ""), "url": str(e.get("url") or ""), "how": str(e.get("how") or "quoted")}
            for e in entries if isinstance(e, dict) and e.get("name")]


def earliest(chain: list[dict]) -> dict | None:
    """The source charged: the chain's last entry, who first wrote the words."""
    return chain[-1] if chain else None


def chain_text(chain: list[dict]) -> str:
    """'translated from A, which translates B' in words, for messages and the command line."""
    parts = []
    for index, entry in enumerate(chain):
        verb = entry["how"] if index == 0 else {"quoted": "quotes", "translated": "translates", "adapted": "adapts"}[entry["how"]]
        parts.append(f"{verb} {'from ' if index == 0 else ''}{entry['name']}")
    return ", which ".join(parts)


@dataclass(frozen=True)
class Span:
    start: int          # in the document's text with whitespace removed (quotes.squeeze)
    end: int
    chain: tuple        # of {name, url, how}
    index: int          # the passage's position in sources.yaml


def locate(passages, text: str) -> tuple[list[Span], list[tuple[int, str, str]]]:
    """The passages' spans in a squeezed document text, and (index, field, message) for those not found."""
    from torchclaims.documents.quotes import squeeze

    spans, missing = [], []
    for index, passage in enumerate(passages):
        start = text.find(squeeze(passage["from"]))
        if start < 0:
            missing.append((index, "from", "passage start not found in the document (whitespace ignored)"))
            continue
        end_text = squeeze(passage["to"])
        end = text.find(end_text, start)
        if end < 0:
            missing.append((index, "to", "passage end not found after its start (whitespace ignored)"))
            continue
        spans.append(Span(start, end + len(end_text), tuple(chain_of(passage["quoted_from"])), index))
    return spans, missing


def inherited(quote: str, text: str, spans: list[Span]) -> tuple | None:
    """The chain of the passage that holds the quote's first occurrence (None: the document's own words)."""
    from torchclaims.documents.quotes import squeeze

    at = text.find(squeeze(quote))
    if at < 0:
        return None
    end = at + len(squeeze(quote))
    for span in spans:
        if span.start <= at and end <= span.end:
            return span.chain
    return None


def shares(spans: list[Span], text: str) -> dict:
    """How much of the document comes from elsewhere: per earliest author, characters and share (whitespace not counted)."""
    total = len(text)
    by_origin: dict[str, dict] = {}
    for span in spans:
        origin = earliest(list(span.chain))
        found = by_origin.setdefault(origin["name"], {"origin": origin["name"], "url": origin.get("url", ""),
                                                      "how": span.chain[0]["how"], "spans": [], "passages": 0})
        found["spans"].append((span.start, span.end))
        found["passages"] += 1
    rows = []
    for found in by_origin.values():
        chars = _covered(found.pop("spans"))
        rows.append({**found, "chars": chars, "share": round(chars / total, 4) if total else 0.0})
    every = _covered([(s.start, s.end) for s in spans])
    return {"located": True, "chars": total, "borrowed_chars": every,
            "share": round(every / total, 4) if total else 0.0,
            "by_origin": sorted(rows, key=lambda r: (-r["chars"], r["origin"]))}


def not_located(passages, reason: str) -> dict:
    """A document's borrowed share where its text is not here: the passages are listed, not measured."""
    return {"located": False, "reason": reason, "passages": len(passages),
            "origins": sorted({earliest(chain_of(p["quoted_from"]))["name"] for p in passages})}


def _covered(ranges: list[tuple[int, int]]) -> int:
    """Characters covered by the union of half-open ranges."""
    covered, reach = 0, -1
    for start, end in sorted(ranges):
        if end <= reach:
            continue
        covered += end - max(start, reach)
        reach = end
    return covered


def document_share(document, sources_dir: Path | None) -> dict | None:
    """A document's borrowed share from its passages, measured where its text is present (None: no passages)."""
    passages = getattr(document, "passages", ())
    if not passages:
        return None
    from torchclaims.documents.quotes import _document_text

    path = Path(sources_dir) / document.file if sources_dir is not None else None
    text = _document_text(path) if path is not None else None
    if text is None:
        return not_located(passages, "the document's text is not here: its passages are not measured")
    spans, _ = locate(passages, text)
    return shares(spans, text)
