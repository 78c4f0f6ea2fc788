"""The device's measured float32 peak, and the fixed settings every benchmark ran with."""

from .common import ALLOW_TF32, CUDNN_BENCHMARK, DEVICES, THREADS, configure, peak_matmul_flops, require


class PeakMatmul:
    """Best FLOP/s of a large float32 matmul (2048^2 on CPU, 8192^2 on CUDA)."""

    params = [DEVICES]
    param_names = ["device"]
    rounds = 1
    repeat = 1
    timeout = 120

    def setup(self, device):
        require(device)

    def track_matmul_flops(self, device):
        return peak_matmul_flops(device)

    track_matmul_flops.unit = "FLOP/s"


class Settings:
    """Recorded with every run: the CPU thread count, cuDNN autotuning and TF32 (1 on, 0 off)."""

    rounds = 1
    repeat = 1

    def setup(self):
        configure("cpu")

    def track_cpu_threads(self):
        import torch

        assert torch.get_num_threads() == THREADS
        return THREADS

    track_cpu_threads.unit = "threads"

    def track_cudnn_benchmark(self):
        return int(CUDNN_BENCHMARK)

    def track_allow_tf32(self):
        return int(ALLOW_TF32)
