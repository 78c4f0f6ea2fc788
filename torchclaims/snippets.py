"""Snippet claims: run a code block of the document itself and parse what it prints.

The runner is an observer like a checker: it returns the parsed structure of the block's
printed output; what the document printed after the block, parsed the same way, is what
the claim expects. The judge compares the two. Only code read from the document runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from torchclaims.documents import Block, find_block, read
from torchclaims.printed import parse


def blocks_of(claim) -> tuple[Block | None, list[Block | None]]:
    reading = read(Path(claim.source_path))
    return find_block(reading, claim.snippet["block"]), [find_block(reading, b) for b in claim.snippet["after"]]


def expected_output(claim) -> list[dict]:
    block, _ = blocks_of(claim)
    return parse(block.output or "", claim.snippet["random"])


def run_snippet(claim) -> list[dict]:
    """Run the claim's blocks in a subprocess (seeded, in a scratch directory) and parse what the last prints."""
    block, after = blocks_of(claim)
    payload = [[f"{claim.source} block {b.number}", b.code] for b in [*after, block]]
    with tempfile.TemporaryDirectory(prefix="torchclaims-snippet-") as scratch:
        done = subprocess.run([sys.executable, "-m", "torchclaims.snippet_runner"], input=json.dumps(payload),
                              capture_output=True, text=True, cwd=scratch, timeout=claim.snippet["timeout"])
    if done.returncode != 0:
        raise RuntimeError(f"the document's block {block.number} raised:\n{done.stderr.strip()[-2000:]}")
    from torchclaims.snippet_runner import WARNINGS_MARK
    from torchclaims.warned import add

    marked = [line for line in done.stderr.splitlines() if line.startswith(WARNINGS_MARK)]
    if marked:
        add(json.loads(marked[-1][len(WARNINGS_MARK):]))
    return parse(done.stdout, claim.snippet["random"])


def snippet_problems(claims, sources_dir: Path) -> list:
    """Snippet claims whose blocks are not in the document, or whose block prints nothing there."""
    from torchclaims.spec import Problem

    problems = []
    for claim in claims:
        path = Path(sources_dir) / claim.source
        if not claim.is_snippet or not path.exists():
            continue
        reading = read(path)
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
