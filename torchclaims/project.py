"""A torchclaims project: a folder holding specs/, suites/, sources/ and tests/.

    my-tutorial/
      specs/sources.yaml      the documents (and the project's name)
      specs/<topic>.yaml      the claims, data only
      suites/<topic>.py       the checkers the claims name
      sources/                the documents themselves
      tests/                  break-it tests (torchclaims.testing)

The engine finds a project by its `specs/sources.yaml`, walking up from where it is asked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from torchclaims.paths import DEFAULT_PROJECT, REPO_ROOT

MARKER = Path("specs") / "sources.yaml"
# where a checkout keeps its bodies of material: each folder in them is one project
PROJECT_HOMES = ("projects", "examples")


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def specs_dir(self) -> Path:
        return self.root / "specs"

    @property
    def suites_dir(self) -> Path:
        return self.root / "suites"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests"

    def specs_sha256(self) -> str:
        """A content hash of the spec files, so a results file names the specs it checked."""
        digest = hashlib.sha256()
        for path in sorted(self.specs_dir.glob("*.yaml")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def info(self) -> dict:
        return {"name": self.name, "specs_sha256": self.specs_sha256()}


def is_project(folder: Path) -> bool:
    return (Path(folder) / MARKER).is_file()


def find_project(start: Path) -> Project | None:
    """The nearest project at or above `start` (a folder, or a file inside a project)."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return Project(folder)
    return None


def project_of_specs(specs_dir: Path) -> Project:
    """The project whose specs folder is `specs_dir` (any folder name works: its parent is the root)."""
    return Project(Path(specs_dir).resolve().parent)


def resolve_project(given: str | Path | None = None, cwd: Path | None = None) -> Project:
    """--project DIR, else the project around the working directory, else the checkout's own."""
    if given:
        found = find_project(Path(given))
        if found is None:
            raise FileNotFoundError(f"{given}: not a torchclaims project (no {MARKER} in it or above it)")
        return found
    return find_project(cwd or Path.cwd()) or Project(DEFAULT_PROJECT)


def project_from_args(args) -> Project:
    """The project a command's --specs / --project name (the CLI and `history` share this)."""
    return project_of_specs(Path(args.specs)) if args.specs else resolve_project(args.project)


def sources_from_args(args) -> Path | None:
    """--sources, else the project's own sources/ where it has one."""
    if args.sources:
        return Path(args.sources)
    own = project_from_args(args).sources_dir
    return own if own.is_dir() else None


def checkout_projects(root: Path = REPO_ROOT) -> list[Project]:
    """Every project of the checkout (projects/*, examples/*), by path; CI runs each."""
    return [Project(folder) for home in PROJECT_HOMES for folder in sorted((Path(root) / home).glob("*"))
            if is_project(folder)]


def github_matrix(root: Path = REPO_ROOT) -> list[dict]:
    """The CI matrix's project axis: name (unique: artifacts are named by it) and path from the checkout's root."""
    return [{"name": p.name, "path": p.root.relative_to(root).as_posix()} for p in checkout_projects(root)]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m torchclaims.project", description="The checkout's projects.")
    parser.add_argument("--github-matrix", action="store_true",
                        help="print the CI job matrix's projects as one line of JSON (default: one path a line)")
    args = parser.parse_args(argv)
    found = github_matrix(Path.cwd())  # the checkout it is run in
    if args.github_matrix:
        print(json.dumps(found))
    else:
        for entry in found:
            print(entry["path"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
