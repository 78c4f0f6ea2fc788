"""Shared setup of the benchmarks: devices, fixed settings, the workloads, timing helpers.

Everything here runs in asv's `setup` (or `setup_cache`), never inside a timed function,
except `Workload.step` / `Workload.forward` and `synchronize`, which ARE the timed work.

torch is imported lazily: asv spawns a fresh interpreter for every benchmark x parameter
combination, and importing torch costs 1.5 s here. A cuda case on a machine with no GPU
device node is skipped before torch is imported, and the track_* lookups of a cached
measurement never import it.

Fixed settings (the same for every benchmark, set again in every setup):
- CPU threads: `TORCHCLAIMS_BENCH_THREADS`, default min(8, CPUs this process may use).
  `bench_flops.Settings.track_cpu_threads` records the value in each run's results.
- cuDNN autotuning on (`torch.backends.cudnn.benchmark = True`); warm-up absorbs it.
- TF32 off for matmul and cuDNN: every device computes in full float32, and the peak
  it is compared with is a float32 matmul.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import importlib.util

if importlib.util.find_spec("torchclaims") is None:
    # `asv run --python=same` from a checkout that is not installed: use this checkout.
    # (A tox env or an asv virtualenv has torchclaims installed and uses that.)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The documents' models belong to the project that checks them; the benchmarks import that module
# by path, as the engine imports a suite (one module object, whichever imports it first).
MODELS_FILE = Path(__file__).resolve().parent.parent / "projects" / "ja-intros" / "suites" / "_models.py"


def shared_models() -> dict:
    """The project's MODELS (name -> ModelCase): imports torch, so only in setup."""
    from torchclaims.checkers import import_suite

    return import_suite(MODELS_FILE).MODELS


# The keys of MODELS (asv needs the parameters without importing torch;
# tests/test_bench_suite.py checks that the two agree). The models themselves come from MODELS.
MODEL_NAMES = ["lenet", "one_conv_net", "mlp", "sequential_cnn", "linear_regression"]
OPTIMIZERS = ["SGD", "Adam"]
BATCHES = [1, 64, 512]
DEVICES = ["cpu", "cuda"]

THREADS = int(os.environ.get("TORCHCLAIMS_BENCH_THREADS", "0")) or min(8, len(os.sched_getaffinity(0)))
CUDNN_BENCHMARK = True
ALLOW_TF32 = False
WARMUP_STEPS = 3
SEED = 0
NO_CUDA = "not run: no CUDA device"


GPU_NODES = ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def require(device: str) -> None:
    """asv skips a case whose setup raises NotImplementedError: do so without the device."""
    if device not in DEVICES:
        raise NotImplementedError(f"unknown device {device!r}")
    if device == "cuda":
        if not any(os.path.exists(node) for node in GPU_NODES):
            raise NotImplementedError(NO_CUDA)  # cheap: no GPU driver node, no torch import
        import torch

        if not torch.cuda.is_available():
            raise NotImplementedError(NO_CUDA)


def configure(device: str) -> None:
    """Fix every setting that changes a timing; skip (NotImplementedError) without the device."""
    require(device)
    import torch

    torch.set_num_threads(THREADS)
    torch.backends.cudnn.benchmark = CUDNN_BENCHMARK
    torch.backends.cudnn.allow_tf32 = ALLOW_TF32
    torch.backends.cuda.matmul.allow_tf32 = ALLOW_TF32
    torch.manual_seed(SEED)


def synchronize(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def _nothing() -> None:
    pass


def make_optimizer(name: str, parameters):
    import torch

    if name == "SGD":
        return torch.optim.SGD(parameters, lr=0.01)
    if name == "Adam":
        return torch.optim.Adam(parameters, lr=1e-3)
    raise ValueError(f"unknown optimizer {name!r}")


class Workload:
    """One of the documents' models with its batch already on the device.

    `step()` is one training step: forward, loss, backward, optimizer step.
    `forward()` is one inference forward (eval mode, torch.inference_mode).
    Neither synchronises: the benchmark does, so the clock includes the kernels.
    """

    def __init__(self, model: str, batch: int, device: str, optimizer: str | None = None):
        configure(device)
        import torch

        case = shared_models()[model]
        self.device = device
        self.batch = batch
        self.model = case.build().to(device)
        self.loss_fn = case.loss()
        generator = torch.Generator().manual_seed(SEED)
        self.x, self.y = case.inputs(batch, device, generator=generator)
        self.optimizer = make_optimizer(optimizer, self.model.parameters()) if optimizer else None
        self._inference_mode = torch.inference_mode
        # Called at the end of every timed call: on CUDA the clock then includes the kernels.
        self.sync = torch.cuda.synchronize if device == "cuda" else _nothing

    def step(self) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.optimizer.step()

    def forward(self) -> None:
        with self._inference_mode():
            self.model(self.x)

    def warm_up(self, fn, steps: int = WARMUP_STEPS) -> None:
        """Outside the timed region: first calls allocate optimizer state, autotune cuDNN."""
        for _ in range(steps):
            fn()
        synchronize(self.device)

    def train_mode(self) -> None:
        self.model.train()

    def eval_mode(self) -> None:
        self.model.eval()


_READY: dict[tuple, Workload] = {}


def ready_workload(model: str, batch: int, device: str, optimizer: str | None = None) -> Workload:
    """A warmed-up workload, built once per process and reused.

    asv_runner (0.3) re-runs `setup` before every timed sample (and then times one call per
    sample). Rebuilding the model each time would time a cold step after a fresh warm-up;
    reusing it times the steady state, like a plain training loop, and keeps setup cheap.
    """
    key = (model, batch, device, optimizer)
    work = _READY.get(key)
    if work is None:
        work = Workload(model, batch, device, optimizer)
        if optimizer is None:
            work.eval_mode()
            work.warm_up(work.forward)
        else:
            work.train_mode()
            work.warm_up(work.step)
        _READY[key] = work
    return work


def count_flops(fn) -> int:
    """FLOPs of one call, counted by torch's FlopCounterMode.

    It counts matmuls and convolutions (forward and backward); elementwise work, pooling
    and the optimizer's update are not counted, as is usual for achieved-FLOP/s figures.
    """
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def seconds_per_call(fn, device: str, min_time: float = 0.2, repeats: int = 3) -> float:
    """Median over `repeats` of the mean time of a loop lasting at least `min_time`."""
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(min_time / once))
    samples = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(number):
            fn()
        synchronize(device)
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


MATMUL_SIZE = {"cpu": 2048, "cuda": 8192}


def peak_matmul_flops(device: str, repeats: int = 5) -> float:
    """The device's float32 peak as this run sees it: best FLOP/s of a large square matmul."""
    configure(device)
    import torch

    n = MATMUL_SIZE[device]
    generator = torch.Generator().manual_seed(SEED)
    a = torch.randn(n, n, generator=generator).to(device)
    b = torch.randn(n, n, generator=generator).to(device)
    torch.mm(a, b)  # warm-up
    synchronize(device)
    best = float("inf")
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        torch.mm(a, b)
        synchronize(device)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best


def measure_all(cases, device_of, build) -> dict:
    """For a setup_cache: measure every case whose device is present, in this one process.

    `build(case)` returns (workload, fn); the result maps each case to its seconds per call
    and its FLOPs per call. Absent devices are left out: setup then skips those cases.
    """
    measured = {}
    for case in cases:
        try:
            require(device_of(case))
        except NotImplementedError:
            continue
        work, fn = build(case)
        work.warm_up(fn)
        flops = count_flops(fn)
        measured[case] = {"seconds": seconds_per_call(fn, work.device), "flops": flops}
        del work, fn
    return measured


def present_devices() -> list[str]:
    found = []
    for device in DEVICES:
        try:
            require(device)
        except NotImplementedError:
            continue
        found.append(device)
    return found
