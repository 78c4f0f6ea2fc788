"""The history's disk, before it starts: an estimate of its peak from the releases it must build.

Basis (measured with uv 0.x on this machine, docs/history.md "Disk"): one release's environment,
hardlinked from uv's cache, is 5.2-5.5 GB with its cache share (torch 2.4.1: 5.20 GB, 2.5.1: 5.36,
2.6.0: 5.50, 2.14.1: 5.5): torch ~1.1 GB, CUDA's nvidia-* wheels ~3.2 GB, triton ~0.9 GB.
An environment and its cache entries are the same files (hardlinks) on one filesystem.

- Pruned (the default): each release's wheels leave the cache after its run, so at most the
  environments in flight are on disk: the jobs running and, with --jobs 1, the next ones built
  ahead (--build-ahead, 2 by default), and the finished one still being deleted: 4 x 6 = 24 GB
  (measured peaks: 17.3 GB and 21.0 GB over 17 releases).
- --keep-cache: every release not yet in uv's cache adds its wheels there and they stay
  (neighbouring releases share some nvidia wheels, so this is an upper bound).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# 5.5 GB measured a release, +10%: a 17-release pruned run peaked at 17.3 GB against 3 x 5.5 = 16.5
# (the finished release's files are still being deleted while the next ones are built)
RELEASE_GB = 6.0


def history_cache_dir() -> Path:
    """uv's cache for the release environments: one of the history's own (~/.cache/torchclaims/uv), shared by
    every project here, so pruning it never removes wheels from the cache the user's own environments use."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "torchclaims" / "uv"


def uv_cache_dir(given: Path | None) -> Path:
    """The cache the release environments use: --uv-cache, else the history's own."""
    return Path(given).absolute() if given else history_cache_dir()


def in_cache(cache: Path | None, torch: str) -> bool:
    """Whether uv's cache already holds this torch's wheel (wheels-v*/pypi/torch/V-...)."""
    return bool(cache) and any(Path(cache).glob(f"wheels-v*/pypi/torch/{torch}-*"))


def free_bytes(path: Path) -> int:
    path = Path(path).resolve()
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free


@dataclass
class Estimate:
    peak_bytes: int
    basis: str


def estimate_peak(to_build: list[str], jobs: int, keep_cache: bool, cache: Path | None,
                  release_bytes: float = RELEASE_GB * 1e9, ahead: int = 1) -> Estimate:
    """Peak new disk for building environments for the torch releases `to_build`."""
    if not to_build:
        return Estimate(0, "no environment to build")
    # the environments in flight, and the finished one whose files are still being deleted
    in_flight = min(len(to_build), (1 + max(ahead, 0) if jobs == 1 else jobs) + 1)
    if not keep_cache:
        return Estimate(int(in_flight * release_bytes),
                        f"{in_flight} environment(s) at once, one of them being deleted, x {release_bytes / 1e9:.1f} GB, "
                        f"the cache pruned after each release")
    new = [t for t in to_build if not in_cache(cache, t)]
    return Estimate(int(len(new) * release_bytes),
                    f"{len(new)} release(s) not yet in uv's cache x {release_bytes / 1e9:.1f} GB, kept (--keep-cache)"
                    + (f"; {len(to_build) - len(new)} already cached" if len(new) < len(to_build) else ""))


def refusal(estimate: Estimate, free: int, where: Path, count: int) -> str | None:
    """The message that stops a run which would not fit, or None."""
    if estimate.peak_bytes <= free:
        return None
    return (f"history: not started: {count} release environment(s) to build need about "
            f"{estimate.peak_bytes / 1e9:.1f} GB at the peak ({estimate.basis}), and {where} has "
            f"{free / 1e9:.1f} GB free. Cut it with: --prune-cache (the default; drop --keep-cache), "
            f"--jobs 1, or fewer releases (--torch V,...); or point --envs/--uv-cache at a larger disk.")
