"""`torchclaims history`: the options, and the run from the release list to history.json."""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

from torchclaims.project import project_from_args, sources_from_args
from torchclaims.releases import RELEASES_FILE, load_releases

DEFAULT_PROJECT = "ja-intros"
MERGE_FIRST = ("check the claims on each release first: `torchclaims run --results results-torch-V.json` in that "
               "release's environment (CI's jobs upload them), or `torchclaims history` without --merge")
HISTORY_DIR = "history"  # a project's committed history: its results files are the cache


def add_history_parser(parser, handler):
    parser.add_argument("--torch", default=None, metavar="V,...",
                        help="these releases (default: every line release of the release list)")
    parser.add_argument("--releases", default=str(RELEASES_FILE), metavar="YAML", help="the release list (default: the packaged one)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="results-torch-V.json per release (also the cache) and history.json "
                             "(default: the project's own history/, the committed history)")
    parser.add_argument("--envs", default=None, metavar="DIR", help="where the environments go (default: OUT/.envs)")
    parser.add_argument("--keep-envs", action="store_true", help="keep each release's environment after its run")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="releases checked at once (default: 1)")
    parser.add_argument("--build-ahead", type=int, default=2, metavar="N",
                        help="with --jobs 1, the environments of the next N releases are built (downloaded) "
                             "while a release's claims run (default: %(default)s; each is ~6 GB on disk while it exists)")
    parser.add_argument("--uv-cache", default=None, metavar="DIR",
                        help="uv's cache for the environments (default: ~/.cache/torchclaims/uv, the history's own, "
                             "so that pruning it leaves your own uv cache alone)")
    pruning = parser.add_mutually_exclusive_group()
    pruning.add_argument("--prune-cache", dest="keep_cache", action="store_false",
                         help="drop each release's torch, torchvision, triton and nvidia wheels from uv's cache "
                              "after its run, but those another environment on disk uses (the default)")
    pruning.add_argument("--keep-cache", dest="keep_cache", action="store_true",
                         help="keep them: the next run builds those releases in about a second each, "
                              "at about 5.5-6 GB of disk a release")
    parser.add_argument("--find-links", action="append", default=[], metavar="DIR", help="extra wheels (uv --find-links)")
    parser.add_argument("--local-builds", action="store_true", help="accept local torch builds (2.13.0+cpu) from --find-links")
    parser.add_argument("--no-bisect", dest="bisect", action="store_false",
                        help="do not check the releases between two line releases where a claim changed")
    parser.add_argument("--claim-args", default="-n 2", metavar="ARGS", help="arguments for `torchclaims run` (default: %(default)r)")
    parser.add_argument("--reuse-only", action="store_true",
                        help="build no environment: reuse the results files (judging stored observations again "
                             "where only expect/known changed) and leave the rest unchecked")
    parser.add_argument("--merge", nargs="*", default=None, metavar="RESULTS.json",
                        help="run nothing: build OUT/history.json from these results files (e.g. CI artifacts)")
    parser.add_argument("-o", "--output", default=None, metavar="JSON", help="history file (default: OUT/history.json)")
    parser.set_defaults(handler=handler, keep_cache=False)  # pruned unless --keep-cache


def specs_sha256(specs_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(specs_dir).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def history(args) -> int:
    from torchclaims.catalogue import load_checked_catalogue
    from torchclaims.history.disk import estimate_peak, free_bytes, refusal, uv_cache_dir
    from torchclaims.history.runner import DiskMeter, UvRunner, pending, results_name, run_history
    from torchclaims.history.timeline import build_history, write_history
    from torchclaims.releases import find_release

    releases = load_releases(Path(args.releases))
    project_dir = project_from_args(args)
    out_dir = Path(args.out) if args.out else project_dir.root / HISTORY_DIR
    output = Path(args.output) if args.output else out_dir / "history.json"
    catalogue = load_checked_catalogue(project_dir.specs_dir, sources_from_args(args))
    tolerances = {c.id: c.tolerance for c in catalogue.claims}
    project = {"name": getattr(project_dir, "name", DEFAULT_PROJECT), "specs_sha256": specs_sha256(catalogue.specs_dir)}
    if args.merge is not None:
        from torchclaims.prerequisites import check_results

        if refused := check_results("history --merge", args.merge, MERGE_FIRST):
            return refused
        document = build_history(args.merge, releases, tolerances, project)
        write_history(document, output)
        print(f"history: {output} ({len(document['releases'])} releases, {len(document['changes'])} changes)")
        return 0

    chosen = ([find_release(v.strip(), releases) for v in args.torch.split(",") if v.strip()]
              if args.torch else [r for r in releases if r.line])
    candidates = [r for r in releases if not r.line and r not in chosen]
    envs = Path(args.envs) if args.envs else out_dir / ".envs"
    cache = uv_cache_dir(Path(args.uv_cache) if args.uv_cache else None)
    if not args.reuse_only:
        every_claim = [c.id for c in catalogue.claims]
        to_build = [r.torch for r in chosen if pending(r, every_claim, out_dir, catalogue)]
        estimate = estimate_peak(to_build, args.jobs, args.keep_cache, cache, ahead=args.build_ahead)
        refused = refusal(estimate, free_bytes(envs), envs, len(to_build))
        if refused:
            print(refused, file=sys.stderr)
            return 2
        if to_build:
            print(f"history: {len(to_build)} of {len(chosen)} releases need an environment; "
                  f"peak disk estimated at {estimate.peak_bytes / 1e9:.1f} GB ({estimate.basis}); "
                  f"{free_bytes(envs) / 1e9:.1f} GB free", flush=True)
    runner = UvRunner(envs_dir=envs, keep_envs=args.keep_envs, uv_cache=cache,
                      find_links=tuple(args.find_links), local_builds=args.local_builds,
                      claim_args=tuple(args.claim_args.split()), prune_cache=not args.keep_cache,
                      project=project_dir.root)
    started = time.monotonic()
    watched = [envs, cache]
    with DiskMeter(watched) as disk:
        tally = run_history(catalogue, chosen, out_dir, None if args.reuse_only else runner,
                            candidates=candidates, jobs=args.jobs, ahead=max(args.build_ahead, 0),
                            bisect=args.bisect, log=lambda line: print(line, flush=True))
    paths = sorted({out_dir / results_name(t) for t in tally.releases})
    document = build_history(paths, releases, tolerances, project)
    write_history(document, output)
    pinned = sum(1 for c in document["changes"] if c["pinned"])
    print(f"history: {output}: {len(document['releases'])} releases, {len(document['changes'])} changes "
          f"({pinned} pinned to their first release)")
    failed = f", {len(tally.failed)} failed" if tally.failed else ""
    print(f"claim checks: {tally.checked} run, {tally.reused} reused; {tally.envs_built} environments built{failed}; "
          f"{time.monotonic() - started:.0f} s; peak disk of {', '.join(map(str, watched))}: {disk.peak / 1e9:.1f} GB "
          f"({(disk.peak - disk.start) / 1e9:.1f} GB over its start)")
    if tally.failed:
        print(f"FAILED (no new results): torch {', '.join(tally.failed)}")
        return 1
    return 0
