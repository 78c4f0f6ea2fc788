"""Does the harness distort what it measures? asv's timing of the LeNet CPU training step
against a plain hand-written timed loop of the same step.

    python benchmarks/fidelity.py [--rounds 7] [--optimizer SGD] [--batch 64]

Each round runs, in fresh interpreters and in alternating order,
  asv:  the exact command asv's "spawn" launcher runs for one benchmark case
        (asv/benchmark.py run benchmarks bench_training.TrainStep.time_step-<i> ...),
        whose value is the median of its samples, as asv records it;
  hand: this file's `hand_loop`: LeNet from the project's suites/_models.py, plain torch, a warm-up,
        then repeated time.perf_counter loops, median seconds per step.
It prints every round, the spread of each method (min..max across rounds and the IQR, in
percent of the median), the ratio of the medians and of the fastest rounds, and the verdict:
exit 1 if the median of the per-round (paired) ratios asv/hand is outside 1 +- 5 %.
On a machine shared with other work use --threads 1 (see benchmarks/README.md). asv imports this module while discovering benchmarks: it defines none.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARK = "bench_training.TrainStep.time_step"
TOLERANCE = 0.05


def hand_loop(optimizer: str, batch: int, threads: int, repeats: int = 10, min_time: float = 0.05) -> dict:
    """The plain loop: no asv, no benchmarks/common.py. Same model, data and settings."""
    sys.path.insert(0, str(HERE.parent))
    import torch

    from torchclaims.checkers import import_suite

    MODELS = import_suite(HERE.parent / "projects" / "ja-intros" / "suites" / "_models.py").MODELS

    torch.set_num_threads(threads)
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(0)
    case = MODELS["lenet"]
    model = case.build()
    model.train()
    x, y = case.inputs(batch, "cpu", generator=torch.Generator().manual_seed(0))
    loss_fn = case.loss()
    opt = (torch.optim.SGD(model.parameters(), lr=0.01) if optimizer == "SGD"
           else torch.optim.Adam(model.parameters(), lr=1e-3))

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(3):  # warm-up, untimed
        step()
    start = time.perf_counter()
    step()
    number = max(1, int(min_time / (time.perf_counter() - start)))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            step()
        samples.append((time.perf_counter() - start) / number)
    return {"median": statistics.median(samples), "samples": samples, "number": number}


def asv_case_index(optimizer: str, batch: int) -> int:
    sys.path.insert(0, str(HERE.parent))
    from benchmarks.bench_training import PARAMS

    for index, combo in enumerate(itertools.product(*PARAMS)):
        if combo == ("lenet", optimizer, batch, "cpu"):
            return index
    raise SystemExit(f"no case lenet/{optimizer}/{batch}/cpu in {BENCHMARK}")


def run_asv(index: int) -> dict:
    """What asv's spawn launcher runs for one case (asv.runner.Spawner.run), read back."""
    from asv.runner import BENCHMARK_RUN_SCRIPT

    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        subprocess.run([sys.executable, BENCHMARK_RUN_SCRIPT, "run", str(HERE), f"{BENCHMARK}-{index}",
                        "{}", "None", str(result_file)], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        data = json.loads(result_file.read_text())
    samples = [s / data["number"] for s in data["samples"]] if data.get("number", 1) != 1 else data["samples"]
    return {"median": statistics.median(data["samples"]), "samples": samples, "number": data["number"]}


def run_hand(optimizer: str, batch: int, threads: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--hand", "--optimizer", optimizer, "--batch", str(batch),
                          "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def spread(values: list[float]) -> str:
    mid = statistics.median(values)
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [mid, mid, mid]
    return (f"median {mid * 1e3:.4f} ms, min..max {(min(values) / mid - 1) * 100:+.1f}%..{(max(values) / mid - 1) * 100:+.1f}%, "
            f"IQR {(q[2] - q[0]) / mid * 100:.1f}%")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--optimizer", default="SGD", choices=["SGD", "Adam"])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="default: the suite's THREADS")
    parser.add_argument("--hand", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.hand:
        print(json.dumps(hand_loop(args.optimizer, args.batch, args.threads)))
        return 0

    sys.path.insert(0, str(HERE.parent))
    from benchmarks.common import THREADS

    threads = args.threads or THREADS
    os.environ["TORCHCLAIMS_BENCH_THREADS"] = str(threads)  # the asv case uses the same count
    index = asv_case_index(args.optimizer, args.batch)
    print(f"LeNet CPU training step, {args.optimizer}, batch {args.batch}, {threads} threads; "
          f"asv case {BENCHMARK}-{index}; {args.rounds} rounds")
    asv_runs, hand_runs = [], []
    for r in range(args.rounds):
        order = (run_asv, run_hand) if r % 2 == 0 else (run_hand, run_asv)
        for fn in order:
            if fn is run_asv:
                asv_runs.append(run_asv(index))
            else:
                hand_runs.append(run_hand(args.optimizer, args.batch, threads))
        a, h = asv_runs[-1], hand_runs[-1]
        print(f"round {r + 1}: asv {a['median'] * 1e3:.4f} ms ({len(a['samples'])} samples x {a['number']}), "
              f"hand {h['median'] * 1e3:.4f} ms ({len(h['samples'])} samples x {h['number']}), "
              f"ratio {a['median'] / h['median']:.4f}")
    asv_medians = [a["median"] for a in asv_runs]
    hand_medians = [h["median"] for h in hand_runs]
    per_round = [a / h for a, h in zip(asv_medians, hand_medians)]
    paired = statistics.median(per_round)
    of_medians = statistics.median(asv_medians) / statistics.median(hand_medians)
    of_minimums = min(asv_medians) / min(hand_medians)
    print(f"asv  over rounds: {spread(asv_medians)}")
    print(f"hand over rounds: {spread(hand_medians)}")
    within = [(max(a["samples"]) - min(a["samples"])) / statistics.median(a["samples"]) * 100 for a in asv_runs]
    print(f"asv within-run sample range: median {statistics.median(within):.1f}% of its median")
    print(f"per-round ratio asv/hand: min {min(per_round):.4f}, max {max(per_round):.4f}")
    print(f"ratio of medians over rounds: {of_medians:.4f}; ratio of the fastest rounds: {of_minimums:.4f}")
    # The verdict: the median of the paired (same-round, interleaved) ratios, which cancels
    # slow drifts in the machine's load that the two methods would otherwise see apart.
    ok = abs(paired - 1) <= TOLERANCE
    print(f"median paired ratio asv/hand = {paired:.4f}: {'within' if ok else 'OUTSIDE'} {TOLERANCE:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
