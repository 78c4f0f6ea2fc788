"""Break-it tests for suites/basics_tensors.py: break the behaviour a checker observes and see its claim fail."""

import numpy as np
import torch

from torchclaims.testing import breaks


def _reversed_size(size):
    """A factory's size arguments, reversed, whether given as ints or as one tuple."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)):
        return (tuple(reversed(size[0])),)
    return tuple(reversed(size))


@breaks("basics_tensors.dtype-inferred-from-data")
def test_tensor_makes_everything_float64(monkeypatch):
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kw: real(data, **{**kw, "dtype": torch.float64}))


@breaks("basics_tensors.dtype-inferred-from-data")
def test_tensor_reverses_its_rows(monkeypatch):
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kw: real(data[::-1], **kw))


@breaks("basics_tensors.from-numpy-array")
def test_from_numpy_returns_the_array(monkeypatch):
    monkeypatch.setattr(torch, "from_numpy", lambda array: array)


@breaks("basics_tensors.from-numpy-array")
def test_from_numpy_flattens(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array.reshape(-1)))


@breaks("basics_tensors.ones-like-retains-properties")
def test_ones_like_forgets_shape_and_dtype(monkeypatch):
    monkeypatch.setattr(torch, "ones_like", lambda x, **kw: torch.ones(x.numel(), **kw))


@breaks("basics_tensors.rand-like-overrides-dtype")
def test_rand_like_ignores_dtype_and_flattens(monkeypatch):
    monkeypatch.setattr(torch, "rand_like", lambda x, dtype=None, **kw: torch.randint(0, 10, (x.numel(),), device=x.device))


@breaks("basics_tensors.shape-tuple-determines-dimensions")
def test_factories_reverse_the_shape(monkeypatch):
    for name in ("rand", "ones", "zeros"):
        real = getattr(torch, name)
        monkeypatch.setattr(torch, name, lambda *size, real=real, **kw: real(*_reversed_size(size), **kw))


@breaks("basics_tensors.shape-tuple-determines-dimensions")
def test_ones_and_zeros_swapped(monkeypatch):
    real_ones, real_zeros = torch.ones, torch.zeros
    monkeypatch.setattr(torch, "ones", real_zeros)
    monkeypatch.setattr(torch, "zeros", real_ones)


@breaks("basics_tensors.created-on-cpu-by-default")
def test_rand_defaults_to_meta(monkeypatch):
    real = torch.rand
    monkeypatch.setattr(torch, "rand", lambda *size, **kw: real(*size, **{"device": "meta", **kw}))


@breaks("basics_tensors.numpy-like-indexing")
def test_indexing_reads_the_transpose(monkeypatch):
    real = torch.Tensor.__getitem__
    monkeypatch.setattr(torch.Tensor, "__getitem__", lambda self, index: real(self.t() if self.dim() == 2 else self, index))


@breaks("basics_tensors.cat-along-dimension")
def test_cat_ignores_dim(monkeypatch):
    real = torch.cat
    monkeypatch.setattr(torch, "cat", lambda tensors, dim=0, **kw: real(tensors, dim=0, **kw))


@breaks("basics_tensors.matmul-three-ways")
def test_matmul_operator_multiplies_elementwise(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__matmul__", lambda self, other: torch.mul(self, other))


@breaks("basics_tensors.matmul-three-ways")
def test_matmul_method_and_out_form_transpose_the_result(monkeypatch):
    real_method, real_function = torch.Tensor.matmul, torch.matmul
    monkeypatch.setattr(torch.Tensor, "matmul", lambda self, other: real_method(other, self).t().contiguous() * 2)
    monkeypatch.setattr(torch, "matmul", lambda a, b, out=None: out.copy_(real_function(a, b) + 1))


@breaks("basics_tensors.mul-three-ways")
def test_mul_operator_adds(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__mul__", lambda self, other: torch.add(self, other))


@breaks("basics_tensors.item-gives-python-number")
def test_item_returns_the_tensor(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "item", lambda self: self)


@breaks("basics_tensors.item-gives-python-number")
def test_sum_adds_only_the_first_row(monkeypatch):
    real = torch.Tensor.sum
    monkeypatch.setattr(torch.Tensor, "sum", lambda self, *args, **kw: real(self[0], *args, **kw))


@breaks("basics_tensors.in-place-stores-into-operand")
def test_add_underscore_is_out_of_place(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "add_", lambda self, other, **kw: self.add(other, **kw))


@breaks("basics_tensors.in-place-problematic-for-derivatives")
def test_add_underscore_leaves_saved_tensor_alone(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "add_", lambda self, other, **kw: self.add(other, **kw))


@breaks("basics_tensors.tensor-change-reflects-in-numpy")
def test_numpy_copies(monkeypatch):
    real = torch.Tensor.numpy
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, **kw: real(self, **kw).copy())


@breaks("basics_tensors.tensor-change-reflects-in-numpy")
def test_numpy_copies_as_float64(monkeypatch):
    real = torch.Tensor.numpy
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, **kw: real(self, **kw).astype(np.float64))


@breaks("basics_tensors.numpy-change-reflects-in-tensor")
def test_from_numpy_copies_as_float32(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array.astype(np.float32)))
