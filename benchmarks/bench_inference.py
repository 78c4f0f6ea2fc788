"""One inference forward (eval mode, torch.inference_mode) of each of the documents' models."""

from .common import BATCHES, DEVICES, MODEL_NAMES, NO_CUDA, Workload, measure_all, ready_workload

PARAMS = [MODEL_NAMES, BATCHES, DEVICES]
PARAM_NAMES = ["model", "batch", "device"]


class Forward:
    """Time per forward (lower is better)."""

    params = PARAMS
    param_names = PARAM_NAMES
    rounds = 1
    repeat = (5, 50, 1.0)  # one call per sample (see bench_training.TrainStep)
    warmup_time = 0.1
    timeout = 120

    def setup(self, model, batch, device):
        self.work = ready_workload(model, batch, device)

    def time_forward(self, model, batch, device):
        self.work.forward()
        self.work.sync()


def _forward_case(case):
    model, batch, device = case
    work = Workload(model, batch, device)
    work.eval_mode()

    def forward():
        work.forward()
        work.sync()

    return work, forward


class ForwardThroughput:
    """Samples/s of the forward, measured once per run in setup_cache (see TrainThroughput)."""

    params = PARAMS
    param_names = PARAM_NAMES
    rounds = 1
    repeat = 1
    timeout = 600

    def setup_cache(self):
        cases = [(m, b, d) for m in MODEL_NAMES for b in BATCHES for d in DEVICES]
        return measure_all(cases, lambda case: case[2], _forward_case)

    def setup(self, cache, model, batch, device):
        self.measured = cache.get((model, batch, device))
        if self.measured is None:
            raise NotImplementedError(NO_CUDA if device == "cuda" else f"not measured on {device}")

    def track_samples_per_second(self, cache, model, batch, device):
        return batch / self.measured["seconds"]

    track_samples_per_second.unit = "samples/s"
