"""One training step (forward, loss, backward, optimizer step) of each of the documents' models."""

from .common import (BATCHES, DEVICES, MODEL_NAMES, NO_CUDA, OPTIMIZERS, Workload, ready_workload,
                     measure_all, peak_matmul_flops, present_devices)

PARAMS = [MODEL_NAMES, OPTIMIZERS, BATCHES, DEVICES]
PARAM_NAMES = ["model", "optimizer", "batch", "device"]


class TrainStep:
    """Time per step (lower is better, as asv compares) and the process's peak host memory."""

    params = PARAMS
    param_names = PARAM_NAMES
    # Short but repeated: a full `asv run` over the grid must fit in minutes on 2 cores.
    # asv_runner times one call per sample when a setup exists: take many samples of the fast
    # steps (up to 50 within 1 s), at least 5 of the slow ones.
    rounds = 1
    repeat = (5, 50, 1.0)
    warmup_time = 0.1
    timeout = 120

    def setup(self, model, optimizer, batch, device):
        self.work = ready_workload(model, batch, device, optimizer)

    def time_step(self, model, optimizer, batch, device):
        self.work.step()
        self.work.sync()

    def peakmem_step(self, model, optimizer, batch, device):
        self.work.step()
        self.work.sync()


def _train_case(case):
    model, optimizer, batch, device = case
    work = Workload(model, batch, device, optimizer)
    work.train_mode()

    def step():
        work.step()
        work.sync()

    return work, step


class TrainThroughput:
    """Samples/s, achieved FLOP/s and fraction of the device's peak, of the training step.

    `setup_cache` measures every case on the devices present, in one process, once per run:
    after a warm-up, the median of 3 loops of at least 0.2 s each; the FLOPs of a step are
    counted by torch's FlopCounterMode (matmuls and convolutions, forward and backward);
    the peak is the best FLOP/s of a large float32 matmul on the same device in the same
    process. The track_* functions report those measurements, so they cost no torch import.
    """

    params = PARAMS
    param_names = PARAM_NAMES
    rounds = 1
    repeat = 1
    timeout = 900

    def setup_cache(self):
        cases = [(m, o, b, d) for m in MODEL_NAMES for o in OPTIMIZERS for b in BATCHES for d in DEVICES]
        peaks = {device: peak_matmul_flops(device) for device in present_devices()}
        return {"peaks": peaks, "cases": measure_all(cases, lambda case: case[3], _train_case)}

    def setup(self, cache, model, optimizer, batch, device):
        self.measured = cache["cases"].get((model, optimizer, batch, device))
        if self.measured is None:
            raise NotImplementedError(NO_CUDA if device == "cuda" else f"not measured on {device}")
        self.peak = cache["peaks"][device]

    def track_samples_per_second(self, cache, model, optimizer, batch, device):
        return batch / self.measured["seconds"]

    track_samples_per_second.unit = "samples/s"

    def track_flops_per_second(self, cache, model, optimizer, batch, device):
        return self.measured["flops"] / self.measured["seconds"]

    track_flops_per_second.unit = "FLOP/s"

    def track_peak_fraction(self, cache, model, optimizer, batch, device):
        return self.measured["flops"] / self.measured["seconds"] / self.peak

    track_peak_fraction.unit = "fraction of peak"


class TrainCudaMemory:
    """Peak CUDA memory allocated by one step (cuda only: skipped without a CUDA device)."""

    params = [MODEL_NAMES, OPTIMIZERS, BATCHES]
    param_names = ["model", "optimizer", "batch"]
    rounds = 1
    repeat = 1
    timeout = 120

    def setup(self, model, optimizer, batch):
        self.work = ready_workload(model, batch, "cuda", optimizer)

    def track_peak_cuda_memory(self, model, optimizer, batch):
        import torch

        torch.cuda.reset_peak_memory_stats()
        self.work.step()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated()

    track_peak_cuda_memory.unit = "bytes"
