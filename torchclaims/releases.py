"""The torch releases torchclaims checks: data in releases.yaml, read here.

Each release has its PyPI upload date (so a document's date maps to the torch current then),
the torchvision that pairs with it (None: vision claims are not-run there), an extra numpy
requirement, and whether it is the newest patch of its minor line (checked by default) or only
used to pin a change between two line releases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.version import Version

RELEASES_FILE = Path(__file__).resolve().parent / "releases.yaml"


@dataclass(frozen=True)
class Release:
    torch: str
    uploaded: datetime.date
    torchvision: str | None = None
    numpy: str | None = None
    line: bool = True

    @property
    def version(self) -> Version:
        return Version(self.torch)

    def requirements(self) -> list[str]:
        """What to install beside the harness for this release."""
        return [f"torch=={self.torch}",
                *([f"torchvision=={self.torchvision}"] if self.torchvision else []),
                *([f"numpy{self.numpy}"] if self.numpy else [])]


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def load_releases(path: Path | None = None) -> list[Release]:
    """Every release in the list, oldest first."""
    data = yaml.safe_load(Path(path or RELEASES_FILE).read_text(encoding="utf-8"))
    releases = [Release(torch=str(r["torch"]), uploaded=_date(r["uploaded"]),
                        torchvision=None if r.get("torchvision") is None else str(r["torchvision"]),
                        numpy=r.get("numpy"), line=bool(r.get("line", True)))
                for r in data["releases"]]
    return sorted(releases, key=lambda r: r.version)


def line_releases(releases: list[Release] | None = None) -> list[Release]:
    return [r for r in (releases if releases is not None else load_releases()) if r.line]


def find_release(torch: str, releases: list[Release] | None = None) -> Release:
    for release in releases if releases is not None else load_releases():
        if release.version == Version(torch):
            return release
    raise KeyError(f"torch {torch} is not in the release list ({RELEASES_FILE.name})")


def between(older: str, newer: str, releases: list[Release] | None = None) -> list[Release]:
    """The releases strictly between two releases, oldest first (the candidates when bisecting)."""
    low, high = Version(older), Version(newer)
    return [r for r in (releases if releases is not None else load_releases()) if low < r.version < high]


def current_on(day: datetime.date, releases: list[Release] | None = None) -> Release | None:
    """The newest release uploaded on or before `day` (None: older than every release listed)."""
    uploaded = [r for r in (releases if releases is not None else load_releases()) if r.uploaded <= day]
    return max(uploaded, key=lambda r: (r.uploaded, r.version), default=None)


def asv_spread(releases: list[Release] | None = None, count: int = 5) -> list[Release]:
    """About `count` line releases spread evenly, the newest included, for asv's torch matrix.
    Only releases that need no numpy pin: asv's matrix installs one numpy for all."""
    lines = [r for r in line_releases(releases) if not r.numpy]
    if len(lines) <= count:
        return lines
    step = (len(lines) - 1) / (count - 1)
    return [lines[round(i * step)] for i in range(count)]


def github_matrix(releases: list[Release] | None = None) -> list[dict]:
    """The CI matrix: one entry per line release, with what to install beside the harness."""
    return [{"torch": r.torch, "requirements": " ".join(r.requirements())}
            for r in line_releases(releases)]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m torchclaims.releases", description="The torch release list.")
    parser.add_argument("--github-matrix", action="store_true", help="print the CI job matrix as one line of JSON")
    parser.add_argument("--asv", action="store_true", help="print asv.conf.json's torch matrix as JSON")
    args = parser.parse_args(argv)
    if args.github_matrix:
        print(json.dumps(github_matrix(), separators=(",", ":")))
    elif args.asv:
        print(json.dumps([r.torch for r in asv_spread()]))
    else:
        for release in load_releases():
            print(f"{release.torch:8} {release.uploaded}  torchvision {release.torchvision or '-':7} "
                  f"{'line' if release.line else 'bisection only'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
