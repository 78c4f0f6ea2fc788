"""Where does a full CPU run's time go? One `torchclaims run -n 2`, each process's events on a shared
clock: when each worker is configured, has collected (torch imported), starts its first claim and
ends its last, and when the controller sees each worker go down and finishes. Claims over
`--slow` seconds are listed with their worker. Then, with `--exit-cost`, how long a process that
imported torch and torchvision takes to exit, as is and after gc.freeze().

    python benchmarks/run_timeline.py [--slow 0.2] [--exit-cost]

This file is also the pytest plugin that logs the events (loaded in every process with -p).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LOG_VARIABLE = "RUN_TIMELINE_LOG"


# --- the plugin: appends one JSON line an event to $RUN_TIMELINE_LOG -----------------------------

def _log(config, event: str, **fields) -> None:
    worker = getattr(config, "workerinput", {}).get("workerid", "controller")
    with open(os.environ[LOG_VARIABLE], "a", encoding="utf-8") as log:
        log.write(json.dumps({"process": worker, "event": event, "t": time.time(), **fields}) + "\n")


def pytest_configure(config):
    _log(config, "configured")


def pytest_collection_finish(session):
    _log(session.config, "collected")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = time.time()
    yield
    _log(item.config, "claim", id=item.nodeid.rsplit("::", 1)[-1], start=start, seconds=time.time() - start)


def pytest_testnodedown(node, error):
    _log(node.config, f"{node.gateway.id} down")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_sessionfinish(session):
    _log(session.config, "session finishing")
    yield
    _log(session.config, "session finished")


# --- the script ------------------------------------------------------------------------------------

def timeline(slow: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "events.jsonl"
        env = {**os.environ, LOG_VARIABLE: str(log),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))}
        command = [sys.executable, "-m", "torchclaims", "run", "-n", "2", "-q", "-p", "no:cacheprovider",
                   "-p", Path(__file__).stem, "--no-report", "--results", str(Path(folder) / "results.json")]
        start = time.time()
        subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, check=False)
        end = time.time()
        events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    claims = [e for e in events if e["event"] == "claim"]
    for event in events:
        if event["event"] != "claim":
            print(f"{event['t'] - start:7.2f} s  {event['process']:<10} {event['event']}")
    for worker in sorted({e["process"] for e in claims}):
        own = [e for e in claims if e["process"] == worker]
        first, last = min(e["start"] for e in own), max(e["start"] + e["seconds"] for e in own)
        print(f"{worker}: {len(own)} claims from {first - start:.2f} s to {last - start:.2f} s, "
              f"{sum(e['seconds'] for e in own):.2f} s in them")
    for event in sorted(claims, key=lambda e: e["start"]):
        if event["seconds"] > slow:
            print(f"  {event['start'] - start:6.2f} s  {event['process']}  {event['seconds']:.2f} s  {event['id']}")
    print(f"{end - start:7.2f} s  the command exited")


def exit_cost() -> None:
    for label, freeze in (("as is", ""), ("after gc.freeze()", "import gc; gc.freeze();")):
        code = f"import time, torch, torchvision; {freeze} print(time.time(), flush=True)"
        process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        imported = float(process.stdout.readline())
        process.wait()
        print(f"exit of a process with torch and torchvision imported, {label}: {time.time() - imported:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", type=float, default=0.2, help="list claims slower than this (seconds)")
    parser.add_argument("--exit-cost", action="store_true")
    args = parser.parse_args()
    timeline(args.slow)
    if args.exit_cost:
        exit_cost()


if __name__ == "__main__":
    main()
