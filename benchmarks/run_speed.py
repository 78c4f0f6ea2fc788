"""How fast is a full CPU run? Wall time of `torchclaims run -n 2` against the floor of
a bare `python -c "import torch, torchvision"`, measured in the same session.

    python benchmarks/run_speed.py [--repeats 3]

The target (issue 9) is a ratio of at most 2.5. Prints the medians, their ratio and, since a
shared machine's load drifts, the median of each alternating pair's own ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):  # 1: some claim failed; still a full run
        raise SystemExit(f"{' '.join(command)} exited {completed.returncode}:\n{completed.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    floor_command = [sys.executable, "-c", "import torch, torchvision"]
    with tempfile.TemporaryDirectory() as folder:
        run_command = [sys.executable, "-m", "torchclaims", "run", "-n", "2", "-q", "-p", "no:cacheprovider",
                       "--no-report", "--results", str(Path(folder) / "results.json")]
        floors, runs = [], []
        for _ in range(args.repeats):  # interleaved, so drift in machine load hits both alike
            floors.append(wall_time(floor_command))
            runs.append(wall_time(run_command))
    floor, run = statistics.median(floors), statistics.median(runs)
    print(f"import torch, torchvision : median {floor:6.2f} s  (all: {', '.join(f'{t:.2f}' for t in floors)})")
    print(f"torchclaims run -n 2      : median {run:6.2f} s  (all: {', '.join(f'{t:.2f}' for t in runs)})")
    pair_ratios = [r / f for f, r in zip(floors, runs)]
    print(f"ratio of the medians      : {run / floor:.2f} (target: <= 2.5)")
    print(f"median ratio of the pairs : {statistics.median(pair_ratios):.2f} "
          f"(all: {', '.join(f'{q:.2f}' for q in pair_ratios)})")


if __name__ == "__main__":
    main()
