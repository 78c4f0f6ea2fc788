"""A source document as its reader sees it: its text, and its code blocks with their printed output.

Each format is read with its ecosystem's parser: Markdown with markdown-it-py, reStructuredText
with docutils, notebooks with nbformat, sphinx-gallery `.py` files with Python's tokenize (comment
text without its `#` markers, and the code). Any other file is plain text.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# A fenced block with one of these info strings holds printed output, not code to run.
OUTPUT_INFOS = frozenset({"output", "out", "text", "console", "none"})


@dataclass(frozen=True)
class Block:
    """A code block (1-based `number` among the document's code blocks) and the output printed after it."""

    number: int
    code: str
    output: str | None
    line: int  # 1-based line of the block in its file (0 where the format has no lines)


@dataclass(frozen=True)
class Reading:
    text: str  # what a reader reads, in document order
    blocks: tuple[Block, ...]


def _markdown(source: str) -> Reading:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    pieces, raw = [], []  # raw: (info, content, line) of every code block
    for token in tokens:
        if token.type == "inline":
            pieces.append("".join(child.content for child in token.children or () if child.type != "softbreak")
                          if token.children else token.content)
        elif token.type in ("fence", "code_block"):
            pieces.append(token.content)
            info = token.info.strip().split()[0].lower() if token.info.strip() else ""
            raw.append((info, token.content, (token.map or [0])[0] + 1))
    return Reading("\n".join(pieces), _pair(raw))


def _pair(raw: list[tuple[str, str, int]]) -> tuple[Block, ...]:
    """Number the code blocks; an output-marked block right after one is its printed output."""
    blocks: list[Block] = []
    for index, (info, content, line) in enumerate(raw):
        if info in OUTPUT_INFOS:
            continue
        following = raw[index + 1] if index + 1 < len(raw) else None
        output = following[1] if following and following[0] in OUTPUT_INFOS else None
        blocks.append(Block(len(blocks) + 1, content, output, line))
    return tuple(blocks)


def _rst(source: str) -> Reading:
    from docutils import nodes
    from docutils.core import publish_doctree

    tree = publish_doctree(source, settings_overrides={"report_level": 5, "halt_level": 5})
    raw = []
    for node in tree.findall(nodes.literal_block):
        classes = [c for c in node.get("classes", []) if c != "code"]
        info = (node.get("language") or (classes[0] if classes else "")).lower()
        raw.append((info, node.astext() + "\n", node.line or 0))
    return Reading(tree.astext(), _pair(raw))


def _notebook(source: str) -> Reading:
    import nbformat

    notebook = nbformat.reads(source, as_version=4)
    pieces, blocks = [], []
    for cell in notebook.cells:
        pieces.append(cell.source)
        if cell.cell_type != "code":
            continue
        printed = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                printed.append(output.get("text", ""))
            elif output.get("output_type") in ("execute_result", "display_data"):
                printed.append(output.get("data", {}).get("text/plain", "") + "\n")
        pieces.extend(printed)
        blocks.append(Block(len(blocks) + 1, cell.source + "\n", "".join(printed) or None, 0))
    return Reading("\n".join(pieces), tuple(blocks))


def _gallery(source: str) -> Reading:
    """A sphinx-gallery script: its docstring and its text blocks (comment lines after a line of 20 or
    more `#`, or `# %%`) are text, without `#`; the code between them forms the blocks (its own
    comments stay code, as sphinx-gallery renders them)."""
    lines = source.splitlines(keepends=True)
    text_lines: dict[int, str] = {}
    docstring_done = False
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and token.line.lstrip().startswith("#"):
            comments[token.start[0]] = token.string
        elif token.type == tokenize.STRING and not docstring_done:
            for number in range(token.start[0], token.end[0] + 1):
                text_lines[number] = lines[number - 1].strip().strip('"').strip("'")
            docstring_done = True
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.COMMENT):
            docstring_done = True
    in_text = False
    for number in range(1, len(lines) + 1):
        comment = comments.get(number)
        if comment is not None and (re.fullmatch(r"#{20,}\s*", comment) or comment.startswith("# %%")):
            in_text, text_lines[number] = True, ""
        elif in_text and comment is not None:
            text_lines[number] = comment[1:].strip()
        else:
            in_text = False

    pieces, blocks, code, start = [], [], [], 0

    def close_block():
        text = "".join(code).strip("\n")
        if text.strip():
            pieces.append(text)
            blocks.append(Block(len(blocks) + 1, text + "\n", None, start))
        code.clear()

    for number, line in enumerate(lines, start=1):
        if number in text_lines:
            close_block()
            pieces.append(text_lines[number])
        elif not (number == 1 and line.startswith("#") and "coding" in line):
            if not code:
                start = number
            code.append(line)
    close_block()
    return Reading("\n".join(pieces), tuple(blocks))


READERS = {".md": _markdown, ".markdown": _markdown, ".rst": _rst, ".ipynb": _notebook}


def is_gallery_script(path: Path) -> bool:
    return path.suffix == ".py"


class UnreadableDocument(ValueError):
    """A document its format's parser refuses (a notebook that is not valid JSON or nbformat)."""


@cache
def read(path: Path) -> Reading:
    """The document at `path` as its reader sees it. Raises UnreadableDocument naming the file."""
    path = Path(path)
    source = path.read_text(encoding="utf-8")
    if is_gallery_script(path):
        return _gallery(source)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return Reading(source, ())
    try:
        return reader(source)
    except Exception as exc:  # nbformat's NotJSONError, ValidationError, a missing key...
        raise UnreadableDocument(f"{path}: not a readable {path.suffix} document: "
                                 f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}") from exc


def find_block(reading: Reading, which: int | str) -> Block | None:
    """The code block numbered `which`, or the first whose first non-blank line is `which`."""
    for block in reading.blocks:
        if isinstance(which, int) and block.number == which:
            return block
        if isinstance(which, str) and block.code.strip().splitlines()[:1] == [which.strip()]:
            return block
    return None
