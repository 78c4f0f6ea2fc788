"""Snippet claims: run a code block of the document itself and parse what it prints.

The runner is an observer like a checker: it returns the parsed structure of the block's
printed output; what the document printed after the block, parsed the same way, is what
the claim expects. The judge compares the two. Only code read from the document runs.

A notebook's cells run in one Jupyter kernel per notebook and device (documents/kernel.py), and
each claim compares its own cell's outputs (documents/cells.py); other documents' blocks run in a
seeded subprocess (snippet_runner.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from torchclaims.documents import notebooks, sessions
from torchclaims.documents.reading import Block, UnreadableDocument, find_block, read
from torchclaims.documents.printed import parse
from torchclaims.problems import Problem


def blocks_of(claim) -> tuple[Block | None, list[Block | None]]:
    reading = read(Path(claim.source_path))
    return find_block(reading, claim.snippet["block"]), [find_block(reading, b) for b in claim.snippet["after"]]


def expected_output(claim) -> list[dict]:
    if sessions.is_session_claim(claim):
        return sessions.expected(claim)
    if runs_in_kernel(claim):
        return notebooks.expected(claim)
    block, _ = blocks_of(claim)
    return parse(block.output or "", claim.snippet["random"])


def runs_in_kernel(claim) -> bool:
    """A notebook's cells and a document's `>>>` examples run in a Jupyter kernel; other blocks in a subprocess."""
    return notebooks.is_notebook(claim.source) or sessions.is_session_claim(claim)


def run_snippet(claim, device: str = "cpu") -> list[dict]:
    """Run the claim's blocks in a subprocess (seeded, in a scratch directory) and parse what the last prints;
    a notebook's cell is read from the notebook's one kernel run on `device`."""
    if sessions.is_session_claim(claim):
        return sessions.observe(claim, device)
    if runs_in_kernel(claim):
        return notebooks.observe(claim, device)
    block, after = blocks_of(claim)
    payload = [[f"{claim.source} block {b.number}", b.code] for b in [*after, block]]
    with tempfile.TemporaryDirectory(prefix="torchclaims-snippet-") as scratch:
        done = subprocess.run([sys.executable, "-m", "torchclaims.documents.snippet_runner"], input=json.dumps(payload),
                              capture_output=True, text=True, cwd=scratch, timeout=claim.snippet["timeout"])
    if done.returncode != 0:
        raise RuntimeError(f"the document's block {block.number} raised:\n{done.stderr.strip()[-2000:]}")
    from torchclaims.documents.snippet_runner import WARNINGS_MARK
    from torchclaims.warned import add

    marked = [line for line in done.stderr.splitlines() if line.startswith(WARNINGS_MARK)]
    if marked:
        add(json.loads(marked[-1][len(WARNINGS_MARK):]))
    return parse(done.stdout, claim.snippet["random"])


def snippet_warnings(claim, device: str) -> list[dict]:
    """The warnings ({category, message, module}) a kernel claim's cell printed on `device`, once observed;
    [] for other claims (their subprocess's stderr is not kept)."""
    if sessions.is_session_claim(claim):
        return sessions.cell_warnings(claim, device)
    if runs_in_kernel(claim):
        return notebooks.cell_warnings(claim, device)
    return []


def snippet_problems(claims, sources_dir: Path) -> list:
    """Snippet claims whose blocks are not in the document, or whose block prints nothing there."""
    problems = []
    for claim in claims:
        path = Path(sources_dir) / claim.source
        if not claim.is_snippet or not path.exists():
            continue
        try:
            reading = read(path)
        except UnreadableDocument:
            continue  # quote_problems names the file
        if sessions.is_session_claim(claim):
            problems.extend(sessions.session_problems(claim, path))
            continue
        if notebooks.is_notebook(claim.source):
            problems.extend(notebooks.cell_problems(claim, path))
            continue
        for field, which in [("snippet.block", claim.snippet["block"]),
                             *((f"snippet.after.{i}", w) for i, w in enumerate(claim.snippet["after"]))]:
            found = find_block(reading, which)
            if found is None:
                problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, field,
                                        f"no code block {which!r} in {claim.source} (it has {len(reading.blocks)})"))
            elif field == "snippet.block" and found.output is None:
                problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, field,
                                        f"block {found.number} of {claim.source} has no printed output after it "
                                        f"(a block marked one of: output, text, console)"))
    return problems
