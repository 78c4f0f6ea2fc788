"""The README's and docs' `torchclaims` commands are ones the CLI accepts as written (options, arguments),
and their links to files in the checkout point at files that exist."""

import re
import shlex
from pathlib import Path

import pytest

from torchclaims.cli import build_parser
from torchclaims.paths import REPO_ROOT

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# pages other branches write (the notebook flow, the errata policy): linked before they land
WRITTEN_ELSEWHERE = {"docs/notebooks.md", "docs/errata.md"}


def _commands(page: Path):
    in_block = False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not (in_block or line.startswith("    ")):
            continue
        for text in line.split(" #")[0].split("&&"):
            text = re.sub(r"^/usr/bin/time( -\S+ \S+)? ", "", text.strip())
            if text.startswith("torchclaims ") and not text.endswith("\\"):
                if not re.search(r"\[--|\.\.\.|<|\$\(", text):  # [optional], A.json ..., placeholders
                    yield f"{page.name}:{number}", shlex.split(text)[1:]


COMMANDS = [pytest.param(argv, id=where) for page in PAGES for where, argv in _commands(page)]


def test_the_pages_have_commands():
    assert len(COMMANDS) > 20


@pytest.mark.parametrize("argv", COMMANDS)
def test_the_cli_accepts_the_command_as_written(argv):
    args, extra = build_parser().parse_known_args(argv)  # exits (a failure here) on a wrong option or argument
    assert args.command == "run" or not extra, f"not options of `torchclaims {args.command}`: {extra}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_local_links_point_at_files_that_exist(page):
    missing = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        path = (page.parent / target).resolve()
        if not path.exists() and path.relative_to(REPO_ROOT).as_posix() not in WRITTEN_ELSEWHERE:
            missing.append(target)
    assert not missing, f"{page.name} links to files that do not exist: {missing}"
