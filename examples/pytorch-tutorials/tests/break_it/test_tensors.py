"""Break-it tests for suites/tensors.py: break the behaviour a checker observes and see its claim fail.

Accelerator claims are evaluated on the CPU here, where their relative observations hold too.
"""

import numpy as np
import torch

from torchclaims.testing import breaks


@breaks("tensors.empty-5x3")
def test_empty_swaps_sizes(monkeypatch):
    real = torch.empty
    monkeypatch.setattr(torch, "empty", lambda *size, **kw: real(*reversed(size), **kw))


@breaks("tensors.rand-random-5x3")
def test_rand_gives_constant_zeros(monkeypatch):
    monkeypatch.setattr(torch, "rand", lambda *size, **kw: torch.zeros(*reversed(size), **kw))


@breaks("tensors.zeros-dtype-long")
def test_zeros_ignores_dtype_and_fills_ones(monkeypatch):
    monkeypatch.setattr(torch, "zeros", lambda *size, dtype=None, **kw: torch.ones(*size, **kw))


@breaks("tensors.tensor-from-data")
def test_tensor_rounds_its_data(monkeypatch):
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kw: real(data, **kw).round())


@breaks("tensors.new-methods-reuse-dtype")
def test_new_ones_forgets_base_dtype(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "new_ones", lambda self, *size, **kw: torch.ones(*size, **kw))


@breaks("tensors.new-methods-reuse-dtype")
def test_new_ones_on_another_device(monkeypatch):
    real = torch.Tensor.new_ones
    monkeypatch.setattr(torch.Tensor, "new_ones", lambda self, *size, **kw: real(self, *size, **{**kw, "device": "meta"}))


@breaks("tensors.new-ones-takes-sizes")
def test_new_ones_ignores_dtype(monkeypatch):
    real = torch.Tensor.new_ones
    monkeypatch.setattr(torch.Tensor, "new_ones", lambda self, *size, dtype=None, **kw: real(self, *size, **kw))


@breaks("tensors.new-ones-takes-sizes")
def test_new_ones_fills_zeros_with_sizes_reversed(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "new_ones", lambda self, *size, **kw: self.new_zeros(*reversed(size), **kw))


@breaks("tensors.randn-like-overrides-dtype-keeps-size")
def test_randn_like_keeps_dtype_and_transposes(monkeypatch):
    real = torch.randn_like
    monkeypatch.setattr(torch, "randn_like", lambda x, dtype=None, **kw: real(x.t(), **kw))


@breaks("tensors.size-is-a-tuple")
def test_size_returns_a_list(monkeypatch):
    real = torch.Tensor.size
    monkeypatch.setattr(torch.Tensor, "size", lambda self, *args: list(real(self, *args)))


@breaks("tensors.addition-operator")
def test_plus_subtracts(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__add__", lambda self, other: torch.sub(self, other))


@breaks("tensors.addition-torch-add")
def test_torch_add_subtracts(monkeypatch):
    monkeypatch.setattr(torch, "add", lambda x, y, **kw: torch.sub(x, y, **kw))


@breaks("tensors.addition-out-argument")
def test_torch_add_writes_difference_to_out(monkeypatch):
    real = torch.add

    def add(x, y, out=None, **kw):
        if out is not None:
            return torch.sub(x, y, out=out)
        return real(x, y, **kw)

    monkeypatch.setattr(torch, "add", add)


@breaks("tensors.addition-in-place")
def test_add_underscore_does_not_mutate(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "add_", lambda self, other, **kw: torch.add(self, other, **kw))


@breaks("tensors.in-place-methods-change-x")
def test_copy_underscore_is_a_no_op(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "copy_", lambda self, src, non_blocking=False: self)


@breaks("tensors.in-place-methods-change-x")
def test_t_underscore_is_a_no_op(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "t_", lambda self: self)


@breaks("tensors.numpy-like-indexing")
def test_indexing_gives_shifted_batched_values(monkeypatch):
    real = torch.Tensor.__getitem__
    monkeypatch.setattr(torch.Tensor, "__getitem__", lambda self, index: (real(self, index) + 1).unsqueeze(0))


@breaks("tensors.numpy-like-indexing")
def test_indexing_accepts_negative_steps(monkeypatch):
    """Torch as the tutorial describes it: a[::-1] reverses, as in NumPy."""
    real = torch.Tensor.__getitem__

    def getitem(self, index):
        parts = index if isinstance(index, tuple) else (index,)
        if parts and isinstance(parts[0], slice) and parts[0] == slice(None, None, -1):
            return real(self.flip(0), (slice(None),) + tuple(parts[1:]))
        return real(self, index)

    monkeypatch.setattr(torch.Tensor, "__getitem__", getitem)


@breaks("tensors.view-resizes")
def test_view_adds_a_dimension(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self, *shape).unsqueeze(0))


@breaks("tensors.torch-view-resizes")
def test_torch_has_a_view_function(monkeypatch):
    """Torch as the tutorial names it: a function torch.view(x, *shape)."""
    monkeypatch.setattr(torch, "view", lambda tensor, *shape: tensor.view(*shape), raising=False)


@breaks("tensors.item-python-number")
def test_item_returns_numpy_scalar_doubled(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "item", lambda self: np.float32(self.detach().cpu().numpy().reshape(-1)[0] * 2))


@breaks("tensors.numpy-shares-memory-with-tensor")
def test_numpy_copies_into_float64(monkeypatch):
    real = torch.Tensor.numpy
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, **kw: real(self, **kw).astype(np.float64))


@breaks("tensors.from-numpy-shares-memory")
def test_from_numpy_copies_into_float32(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array.astype(np.float32)))


@breaks("tensors.all-but-chartensor-convert-to-numpy")
def test_numpy_conversion_refused(monkeypatch):
    def numpy(self, **kw):
        raise TypeError(f"can't convert {self.dtype} to numpy")

    monkeypatch.setattr(torch.Tensor, "numpy", numpy)


@breaks("tensors.to-moves-to-device")
def test_to_lands_on_meta(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kw: real(self, "meta"))


@breaks("tensors.ones-like-on-device")
def test_ones_like_ignores_device_and_dtype(monkeypatch):
    real = torch.ones_like
    monkeypatch.setattr(torch, "ones_like", lambda x, *args, device=None, **kw: real(x, device="meta", dtype=torch.float64))


@breaks("tensors.to-changes-device-and-dtype")
def test_to_ignores_dtype(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, device=None, dtype=None, **kw: real(self, device, **kw))


@breaks("tensors.to-changes-device-and-dtype")
def test_to_goes_to_meta(monkeypatch):
    real = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *args, **kw: real(self, "meta"))
