"""Run every claim on every release: one uv environment per release, one results file each.

The per-release results files are also the cache: each record carries the fingerprint of what
decided it (fingerprint.py), and a record whose fingerprint still matches is reused. A release
whose records are all reused gets no environment at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from torchclaims.history.fingerprint import claim_fingerprints, judgement_fingerprints, record_fingerprint
from torchclaims.history.timeline import release_of, to_check
from torchclaims.releases import Release
from torchclaims.results import document_records, read_results, write_results
from torchclaims.spec import Catalogue


def results_name(torch: str) -> str:
    return f"results-torch-{torch}.json"


@dataclass
class Tally:
    reused: int = 0
    checked: int = 0
    envs_built: int = 0
    releases: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, reused: int, checked: int, built: bool, torch: str, failed: bool = False):
        with self.lock:
            self.reused += reused
            self.checked += checked
            self.envs_built += int(built and not failed)  # an environment that failed to build was not built
            (self.failed if failed else self.releases).append(torch)


FEW_CLAIMS = 12
BIG_PACKAGES = {"torch", "torchvision", "triton", "pytorch-triton", "cuda-bindings", "cuda-pathfinder"}

# A runner checks `claims` (ids) on `release` and writes a results file at `results`.
Runner = Callable[[Release, list[str], Path], None]


class CacheUse:
    """Builds read uv's cache, pruning removes from it: many builds at once, or one prune alone
    (a waiting prune goes first, so builds in a row cannot starve it)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._builds = 0
        self._pruning = False
        self._waiting = 0

    @contextmanager
    def building(self):
        with self._cond:
            self._cond.wait_for(lambda: not self._pruning and not self._waiting)
            self._builds += 1
        try:
            yield
        finally:
            with self._cond:
                self._builds -= 1
                self._cond.notify_all()

    @contextmanager
    def pruning(self):
        with self._cond:
            self._waiting += 1
            self._cond.wait_for(lambda: not self._pruning and not self._builds)
            self._waiting -= 1
            self._pruning = True
        try:
            yield
        finally:
            with self._cond:
                self._pruning = False
                self._cond.notify_all()


@dataclass
class UvRunner:
    """Builds a uv environment for the release, runs `torchclaims run` in it, removes it."""

    envs_dir: Path
    checkout: Path | None = None  # installed editable; default: the torchclaims running this (ownwheel.py)
    python: str = "3.11"
    keep_envs: bool = False
    uv_cache: Path | None = None
    find_links: tuple[str, ...] = ()
    local_builds: bool = False  # allow e.g. torch==2.13.0+cpu from --find-links
    claim_args: tuple[str, ...] = ("-n", "2")
    project: Path | None = None  # the project whose claims run (default: the checkout's own)
    prune_cache: bool = False
    log: Callable[[str], None] = print

    def _env(self) -> dict:
        env = dict(os.environ)
        env.pop("VIRTUAL_ENV", None)
        if self.uv_cache:
            env["UV_CACHE_DIR"] = str(self.uv_cache)
        return env

    def _uv(self, *args: str) -> None:
        subprocess.run(["uv", *args], check=True, env=self._env(), stdin=subprocess.DEVNULL)

    def prefetch(self, release: Release) -> None:
        """Build the next release's environment (downloads, unpacking: mostly I/O) while this one's
        claims run; still one claims run at a time."""
        if release.torch not in self._building:
            thread = threading.Thread(target=self._build_quietly, args=(release,), daemon=True)
            self._building[release.torch] = thread
            thread.start()

    def _build_quietly(self, release: Release) -> None:
        try:
            self._install(release)
        except Exception as exc:  # build() tries again, and reports
            self.log(f"torch {release.torch}: building ahead failed ({type(exc).__name__}); building again")
            shutil.rmtree(Path(self.envs_dir) / f"torch-{release.torch}", ignore_errors=True)

    def _wait_for_builds(self) -> None:
        for torch, thread in list(self._building.items()):
            thread.join()

    def build(self, release: Release) -> Path:
        thread = self._building.pop(release.torch, None)
        if thread is not None:
            thread.join()
        return self._install(release)

    def torchclaims_install(self) -> list[str]:
        """The torchclaims every environment gets: the checkout given, else the one running this."""
        with self._lock:
            if self._own is None:
                from torchclaims.history.ownwheel import install_args

                self._own = (["-e", str(self.checkout)] if self.checkout is not None
                             else install_args(Path(self.envs_dir) / ".torchclaims-wheel"))
            return self._own

    def _install(self, release: Release) -> Path:
        env_dir = Path(self.envs_dir) / f"torch-{release.torch}"
        if not (env_dir / ".complete").exists():
            own = self.torchclaims_install()
            shutil.rmtree(env_dir, ignore_errors=True)
            self._uv("venv", "-q", "-p", self.python, str(env_dir))
            links = [a for link in self.find_links for a in ("--find-links", link)]
            requirements = release.requirements()
            if self.local_builds:  # a local build (2.13.0+cpu) satisfies ==2.13.0 only as ==2.13.0.*
                requirements = [f"torch=={release.torch}.*", *requirements[1:]]
            try:
                with self._cache_use.building():
                    self._uv("pip", "install", "-q", "--python", str(env_dir / "bin" / "python"), *links,
                             *requirements, *own)
            except BaseException:
                shutil.rmtree(env_dir, ignore_errors=True)  # never leave half an environment to be reused
                raise
            (env_dir / ".complete").touch()
        return env_dir

    def __call__(self, release: Release, claims: list[str], results: Path) -> None:
        started = time.monotonic()
        env_dir = self.build(release)
        built = time.monotonic()
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(claims) + "\n")
        try:
            project = ["--project", str(Path(self.project).resolve())] if self.project else []
            command = [str(env_dir / "bin" / "python"), "-m", "torchclaims", "run", *project, *self._args_for(len(claims)),
                       "--no-report", "--results", str(results), "--only-claims", listing.name, "-q", "-p", "no:cacheprovider"]
            done = subprocess.run(command, cwd=self.project or self.checkout or Path.cwd(), env=self._env(),
                                  stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True)
            if not Path(results).exists():
                raise RuntimeError(f"torch {release.torch}: the run wrote no results (exit {done.returncode}):\n"
                                   f"{(done.stdout + done.stderr)[-3000:]}")
            self.log(f"torch {release.torch}: environment {built - started:.0f} s, claims {time.monotonic() - built:.0f} s "
                     f"(exit {done.returncode}): {(done.stdout.strip().splitlines() or [''])[-2:][0]}")
        finally:
            os.unlink(listing.name)
            if not self.keep_envs:
                self.remove(release, env_dir)

    def _args_for(self, count: int) -> list[str]:
        """A few claims (bisection) run in one process: xdist's workers would each import torch first."""
        if count > FEW_CLAIMS:
            return list(self.claim_args)
        args, skip = [], False
        for arg in self.claim_args:
            if skip:
                skip = False
            elif arg in ("-n", "--numprocesses"):
                skip = True
            elif not arg.startswith(("-n", "--numprocesses=")):
                args.append(arg)
        return args

    def remove(self, release: Release, env_dir: Path) -> None:
        if not self.prune_cache:
            shutil.rmtree(env_dir, ignore_errors=True)
            return
        names = self._big_packages(env_dir)  # asked of the environment before it goes
        shutil.rmtree(env_dir, ignore_errors=True)
        # in the background: the prune waits for the builds ahead to finish reading the cache, the next
        # release's claims need not wait for it
        thread = threading.Thread(target=self._prune_quietly, args=(names,), daemon=True)
        self._pruners.append(thread)
        thread.start()

    def _big_packages(self, env_dir: Path) -> set[str]:
        frozen = subprocess.run(["uv", "pip", "freeze", "--python", str(env_dir / "bin" / "python")],
                                capture_output=True, text=True, env=self._env()).stdout.splitlines()
        names = {line.split("==")[0].lower() for line in frozen if "==" in line}
        return {n for n in names if n in BIG_PACKAGES or n.startswith("nvidia-")}

    def _prune_quietly(self, names: set[str]) -> None:
        try:
            self.prune(names)
        except Exception as exc:  # a cache left fuller than it need be is not the run's failure
            self.log(f"pruning uv's cache failed ({type(exc).__name__}: {exc}); it keeps {', '.join(sorted(names))}")

    def prune(self, names: set[str]) -> None:
        """Drop a finished release's big wheels (torch, torchvision, triton, CUDA's nvidia-*) from uv's cache.

        `uv cache clean NAME` drops every version of NAME, also one an environment built ahead uses: that
        environment keeps its files (hardlinks), and a later release that shares them downloads them again.
        Keeping a name while any environment on disk used it kept every version of the nvidia wheels (the
        same names across releases): 48.5 GB at the peak of a 17-release run instead of ~16."""
        with self._cache_use.pruning():  # no build is reading the cache meanwhile
            if names:
                self._uv("cache", "clean", "-q", *sorted(names))

    def close(self) -> None:
        self._wait_for_builds()
        for thread in self._pruners:
            thread.join()
        if not self.keep_envs:
            for torch in list(self._building):  # built ahead but never used (their claims were all reused)
                env_dir = Path(self.envs_dir) / f"torch-{torch}"
                names = self._big_packages(env_dir) if self.prune_cache and (env_dir / ".complete").exists() else set()
                shutil.rmtree(env_dir, ignore_errors=True)
                if names:
                    self.prune(names)

    def __post_init__(self):
        self.envs_dir = Path(self.envs_dir).resolve()  # the claims run with the project as their cwd
        self._building: dict[str, threading.Thread] = {}
        self._pruners: list[threading.Thread] = []
        self._cache_use = CacheUse()
        self._lock = threading.Lock()
        self._own: list[str] | None = None


class DiskMeter:
    """The largest size seen of some directories (sampled; `du` counts a hardlinked file once)."""

    def __init__(self, paths: list[Path], every_s: float = 15.0):
        self.paths = [Path(p) for p in paths]
        self.every_s = every_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> int:
        existing = [str(p) for p in self.paths if p.exists()]
        if not existing:
            return 0
        out = subprocess.run(["du", "-scb", *existing], capture_output=True, text=True).stdout.splitlines()
        size = int(out[-1].split()[0]) if out else 0
        self.peak = max(self.peak, size)
        return size

    def _loop(self):
        while not self._stop.wait(self.every_s):
            self.sample()

    def __enter__(self):
        self.start = self.sample()  # what was there before (a shared uv cache): peak - start is this run's
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


JUDGED = ("holds", "contradicted", "fails")


def rejudge(record: dict, claim, torch: str) -> dict:
    """The stored observation judged again against the claim as it reads now (no torch needed)."""
    from torchclaims.judge import judge

    record = {**record, "source": claim.source, "quote": claim.quote, "says": claim.says, "topic": claim.topic}
    if record.get("verdict") not in JUDGED:
        return record  # not-run and error do not depend on what the claim expects
    parity = str(record.get("device", "")).endswith("-vs-cpu")
    judgement = judge(claim, record.get("observed"), torch, expected=record.get("expected") if parity else None)
    return {**record, "verdict": judgement.verdict.value, "message": judgement.message,
            "expected": record.get("expected") if parity else claim.expect}


@dataclass
class Stored:
    """What an earlier results file of a release still offers."""

    run: dict | None
    documents: dict | None
    valid: dict[str, list[dict]]      # claim -> records reusable as they are
    rejudged: dict[str, list[dict]]   # claim -> records whose observation is reusable, judged again
    original: list[dict] = field(default_factory=list)  # the file's records as they are


def refreshed(record: dict, claims: dict, torch: str) -> dict:
    """A kept record with the errata's facts (chain, cited change) as the claim (id -> Claim) reads now."""
    from torchclaims.errata import record_facts

    claim = claims.get(record.get("claim"))
    if claim is None:
        return record
    kept = {k: v for k, v in record.items() if k not in ("quoted_from", "quoted_via", "changed_in", "evidence")}
    return {**kept, **record_facts(claim, record, torch)}


def applies(claim, torch: str) -> bool:
    """Whether the claim's own `torch` range includes this release (else it is not-run there)."""
    return not claim.torch or Version(torch) in SpecifierSet(claim.torch)


def out_of_range(record: dict, claim, torch: str) -> dict:
    """The not-run record evaluate() gives a claim whose range excludes this release, made without torch."""
    return {**record, "verdict": "not-run", "expected": claim.expect, "observed": None, "details": "",
            "message": f"applies to torch {claim.torch}; this is {torch}", "duration_s": 0.0,
            "source": claim.source, "quote": claim.quote, "says": claim.says, "topic": claim.topic}


def reusable(path: Path, catalogue: Catalogue, fingerprints: dict[str, str], judgements: dict[str, str],
             torch: str) -> Stored:
    if not path.exists():
        return Stored(None, None, {}, {})
    document = read_results(path)
    claims = catalogue.by_id()
    by_claim: dict[str, list[dict]] = {}
    stale: set[str] = set()
    for record in document.get("results") or []:
        claim = claims.get(record["claim"])
        if claim is None:
            continue
        current = record_fingerprint(fingerprints[claim.id], torch, record["device"])
        if not applies(claim, torch):  # decided without torch, whatever was stored
            by_claim.setdefault(claim.id, []).append(
                {**out_of_range(record, claim, torch), "fingerprint": current, "judged": judgements[claim.id]})
            continue
        was_out_of_range = record.get("verdict") == "not-run" and str(record.get("message", "")).startswith("applies to torch")
        if record.get("fingerprint") != current or was_out_of_range:
            stale.add(claim.id)
        else:
            by_claim.setdefault(claim.id, []).append(record)
    valid, rejudged = {}, {}
    for claim_id, records in by_claim.items():
        if claim_id in stale:
            continue
        if all(r.get("judged") == judgements[claim_id] for r in records):
            valid[claim_id] = records
        else:
            rejudged[claim_id] = [r if r.get("judged") == judgements[claim_id] else
                                  {**rejudge(r, claims[claim_id], torch), "judged": judgements[claim_id]}
                                  for r in records]
    return Stored(document.get("run"), document.get("documents"), valid, rejudged, document.get("results") or [])


def pending(release: Release, claims: list[str], out_dir: Path, catalogue: Catalogue) -> list[str]:
    """The claims that must run on this release: those without a reusable record."""
    stored = reusable(Path(out_dir) / results_name(release.torch), catalogue, claim_fingerprints(catalogue),
                      judgement_fingerprints(catalogue), release.torch)
    return [c for c in claims if c not in stored.valid and c not in stored.rejudged]


def check_release(release: Release, claims: list[str], out_dir: Path, catalogue: Catalogue,
                  runner: Runner, tally: Tally, log=print) -> Path:
    """Bring results-torch-V.json up to date for `claims`; other still-valid records stay."""
    fingerprints, judgements = claim_fingerprints(catalogue), judgement_fingerprints(catalogue)
    path = Path(out_dir) / results_name(release.torch)
    stored = reusable(path, catalogue, fingerprints, judgements, release.torch)
    kept = {**stored.valid, **stored.rejudged}
    wanted = [c for c in claims if c not in kept]
    reused = sum(len(kept[c]) for c in claims if c in kept)
    rejudged = sum(len(stored.rejudged[c]) for c in claims if c in stored.rejudged)
    records = [r for records in kept.values() for r in records]
    run, documents = stored.run, stored.documents
    checked = 0
    if wanted and runner is None:  # reuse only: what has no reusable record stays unchecked
        log(f"torch {release.torch}: {len(wanted)} claims have no reusable record; not checked (reuse only)")
        wanted = []
    if wanted:
        try:
            with tempfile.TemporaryDirectory(prefix="torchclaims-history-") as scratch:
                fresh_path = Path(scratch) / results_name(release.torch)
                runner(release, wanted, fresh_path)
                fresh = read_results(fresh_path)
        except Exception as exc:  # one release that cannot be built or run must not stop the others
            log(f"torch {release.torch}: FAILED, no new results: {type(exc).__name__}: {exc}")
            tally.add(0, 0, True, release.torch, failed=True)
            return path
        run, documents = fresh.get("run") or {}, fresh.get("documents", documents)
        fresh_records = [r for r in fresh.get("results") or [] if r["claim"] in set(wanted)]
        for record in fresh_records:
            record["fingerprint"] = record_fingerprint(fingerprints[record["claim"]], release.torch, record["device"])
            record["judged"] = judgements[record["claim"]]
        records = [r for r in records if r["claim"] not in set(wanted)] + fresh_records
        checked = len(fresh_records)
    if not records and not path.exists():
        return path  # nothing checked, nothing stored: no results file
    claims_now = catalogue.by_id()
    records = [refreshed(r, claims_now, release.torch) for r in records]
    documents = document_records(catalogue.documents)
    key = lambda r: (r["claim"], r["device"])  # noqa: E731
    if (checked or rejudged or documents != stored.documents
            or sorted(records, key=key) != sorted(stored.original, key=key)):
        run = dict(run or {})
        run["reused"] = reused
        write_results(path, run, records, documents)
    # else: every record reused as it was: the file (a committed history) stays byte for byte
    tally.add(reused, checked, bool(wanted), release.torch)
    records = [r for r in records if r["claim"] in catalogue.by_id()]  # a claim removed from the specs
    log(f"torch {release.torch}: {checked} claim checks run, {reused} reused ({rejudged} of them judged again)"
        + ("" if wanted else "; no environment built"))
    return path


def run_history(catalogue: Catalogue, releases: list[Release], out_dir: Path, runner: Runner, *,
                candidates: list[Release] | None = None, jobs: int = 1, bisect: bool = True,
                ahead: int = 1, log=print) -> Tally:
    """Check every claim on `releases`, then pin each change by checking the `candidates`
    (releases between two checked ones) for just the claims that changed there. With jobs 1, the
    environments of the next `ahead` releases that need one are built meanwhile."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    every_claim = [c.id for c in catalogue.claims]
    tally = Tally()

    def phase(work: list[tuple[Release, list[str]]]):
        if jobs > 1:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(lambda item: check_release(item[0], item[1], out_dir, catalogue, runner, tally, log), work))
            return
        for index, (release, claims) in enumerate(work):
            # the next releases' environments are built (downloads: network-bound) while this one's claims run
            for following, following_claims in work[index + 1:index + 1 + ahead]:
                if runner is not None and hasattr(runner, "prefetch") and pending(
                        following, following_claims, out_dir, catalogue):
                    runner.prefetch(following)
            check_release(release, claims, out_dir, catalogue, runner, tally, log)

    try:
        phase([(release, every_claim) for release in releases])
        if bisect:
            _bisect(catalogue, releases, candidates or [], out_dir, log, phase)
    finally:
        if runner is not None and hasattr(runner, "close"):
            runner.close()
    return tally


def _bisect(catalogue, releases, candidates, out_dir, log, phase):
    """Check the releases between two checked ones where a claim changed, for just those claims."""
    tolerances = {c.id: c.tolerance for c in catalogue.claims}
    asked: dict[str, set[str]] = {}
    by_torch = {r.torch: r for r in candidates}
    while candidates:
        # only this run's releases: files of releases not asked for stay out of the bisection
        paths = [out_dir / results_name(r.torch) for r in [*releases, *candidates]
                 if (out_dir / results_name(r.torch)).exists() and (r in releases or r.torch in asked)]
        wanted = {torch: claims - asked.get(torch, set())
                  for torch, claims in to_check(paths, candidates, tolerances).items() if torch in by_torch}
        wanted = {torch: claims for torch, claims in wanted.items() if claims}
        if not wanted:
            break
        for torch, claims in wanted.items():
            asked.setdefault(torch, set()).update(claims)
        log(f"bisecting: {', '.join(f'{t} ({len(c)} claims)' for t, c in sorted(wanted.items()))}")
        phase([(by_torch[torch], sorted(asked[torch])) for torch in sorted(wanted)])


def history_paths(out_dir: Path, releases: list[Release]) -> list[Path]:
    return [Path(out_dir) / results_name(r.torch) for r in releases if (Path(out_dir) / results_name(r.torch)).exists()]


def python_executable() -> str:
    return sys.executable
