"""Break-it tests for the device checkers. They run on the CPU (also on a machine with a GPU):
accelerator claims are evaluated on 'cpu', where their relative observations still hold, and
parity claims compare 'cpu' with 'cpu', so a break perturbs only the first of the two runs."""

import time

import torch

from torchclaims.testing import breaks


def _perturb_first_transfer(monkeypatch):
    """The first Tensor.to of a run corrupts the data it moves (as a broken device copy would)."""
    real = torch.Tensor.to
    calls = []

    def to(self, *args, **kwargs):
        moved = real(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 1 and moved.is_floating_point():
            return moved + 0.5
        return moved

    monkeypatch.setattr(torch.Tensor, "to", to)


@breaks("cuda.is-available-guard")
def test_is_available_lies(monkeypatch):
    real = torch.cuda.is_available
    monkeypatch.setattr(torch.cuda, "is_available", lambda: not real())


@breaks("cuda.is-available-guard-001")
def test_cuda_use_always_fails(monkeypatch):
    real = torch.ones

    def ones(*args, device=None, **kwargs):
        if device is not None and torch.device(device).type == "cuda":
            raise RuntimeError("no CUDA here")
        return real(*args, device=device, **kwargs)

    monkeypatch.setattr(torch, "ones", ones)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)


@breaks("cuda.ones-like-creates-on-device")
def test_ones_like_ignores_device(monkeypatch):
    real = torch.ones_like
    monkeypatch.setattr(torch, "ones_like",
                        lambda x, *args, device=None, **kwargs: real(x, *args, device="meta", **kwargs))


@breaks("cuda.ones-like-creates-on-device")
def test_ones_like_on_device_gives_zeros(monkeypatch):
    monkeypatch.setattr(torch, "ones_like", torch.zeros_like)


@breaks("cuda.to-device-object-moves")
def test_to_changes_dtype(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kwargs: real(self, *args, **kwargs).half())


@breaks("cuda.to-changes-device-and-dtype")
def test_repr_always_names_device(monkeypatch):
    real = torch.Tensor.__repr__
    monkeypatch.setattr(torch.Tensor, "__repr__",
                        lambda self, **kwargs: real(self, **kwargs)[:-1] + f", device='{self.device}')")


@breaks("cuda.to-changes-device-and-dtype")
def test_to_ignores_dtype(monkeypatch):
    real = torch.Tensor.to

    def to_without_dtype(self, *args, **kwargs):
        kwargs.pop("dtype", None)
        return real(self, *[a for a in args if not isinstance(a, torch.dtype)], **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", to_without_dtype)


@breaks("cuda.to-changes-device-and-dtype")
def test_to_with_dtype_landing_on_meta(monkeypatch):
    real = torch.Tensor.to

    def to(self, *args, **kwargs):
        if any(isinstance(a, torch.dtype) for a in args):
            return real(self, "meta", *[a for a in args if isinstance(a, torch.dtype)])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", to)


@breaks("cuda.double-on-gpu")
def test_mul_is_off_by_one(monkeypatch):
    real = torch.Tensor.__mul__
    monkeypatch.setattr(torch.Tensor, "__mul__", lambda self, other: real(self, other) + 1)


@breaks("cuda.tensor-lives-in-gpu-memory")
def test_to_leaves_storage_behind(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kwargs: real(self, "meta"))


@breaks("cuda.tensor-lives-in-gpu-memory")
def test_to_flattens(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kwargs: real(self, *args, **kwargs).reshape(-1))


@breaks("cuda.matrix-product-on-gpu")
def test_matmul_transposes(monkeypatch):
    real = torch.matmul
    monkeypatch.setattr(torch, "matmul", lambda a, b: real(b, a))


@breaks("cuda.faster-large-matmul")
def test_device_matmul_slow(monkeypatch):
    real = torch.matmul
    calls = []

    def slow_first_run(a, b):  # the warm-up and the 3 timed products on `device` come first
        calls.append(1)
        if len(calls) <= 4:
            time.sleep(0.3)
        return real(a, b)

    monkeypatch.setattr(torch, "matmul", slow_first_run)


@breaks("cuda.one-conv-net-forward-same-as-cpu")
def test_device_copy_corrupts_one_conv_net(monkeypatch):
    _perturb_first_transfer(monkeypatch)


@breaks("cuda.sequential-cnn-forward-same-as-cpu")
def test_device_copy_corrupts_sequential_cnn(monkeypatch):
    _perturb_first_transfer(monkeypatch)


@breaks("cuda.doubling-on-gpu-is-faster")
def test_device_mul_slow(monkeypatch):
    real = torch.Tensor.__mul__
    calls = []

    def slow_first_run(self, other):  # the warm-up and the 20 timed doublings on `device` come first
        calls.append(1)
        start = time.perf_counter()
        result = real(self, other)
        if len(calls) <= 21:  # five times the real cost, so the break outlasts a busy machine's noise
            time.sleep(4 * (time.perf_counter() - start) + 0.005)
        return result

    monkeypatch.setattr(torch.Tensor, "__mul__", slow_first_run)


@breaks("cuda.mlp-gradients-same-as-cpu")
def test_first_backward_doubles_gradients(monkeypatch):
    real = torch.Tensor.backward
    calls = []

    def backward(self, *args, **kwargs):
        calls.append(1)
        return real(self * 2 if len(calls) == 1 else self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("cuda.sequential-cnn-step-same-as-cpu")
def test_first_step_applied_twice(monkeypatch):
    real = torch.optim.SGD.step
    calls = []

    def step(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            real(self, *args, **kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", step)


@breaks("cuda.linear-regression-forward-same-as-cpu")
def test_device_copy_corrupts_linear_regression(monkeypatch):
    _perturb_first_transfer(monkeypatch)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

def _tensors_report_the_meta_device(monkeypatch):
    """Every tensor says it lives on the meta device, wherever its data is."""
    monkeypatch.setattr(torch.Tensor, "device", property(lambda self: torch.device("meta")))


@breaks("cuda.double-on-gpu")
def test_result_reports_another_device(monkeypatch):
    _tensors_report_the_meta_device(monkeypatch)


@breaks("cuda.to-changes-device-and-dtype")
def test_moved_tensor_reports_another_device(monkeypatch):
    _tensors_report_the_meta_device(monkeypatch)


@breaks("cuda.to-changes-device-and-dtype")
def test_repr_of_moved_tensor_names_its_device(monkeypatch):
    real = torch.Tensor.__repr__
    monkeypatch.setattr(torch.Tensor, "__repr__",
                        lambda self, **kwargs: real(self, **kwargs)[:-1] + f", device='{self.device}')")


@breaks("cuda.to-changes-device-and-dtype")
def test_to_rounds_the_values(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kwargs: real(self, *args, **kwargs).round())
