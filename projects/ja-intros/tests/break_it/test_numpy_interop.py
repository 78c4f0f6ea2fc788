import numpy as np
import torch

from torchclaims import testing
from torchclaims.testing import breaks


def _copying_from_numpy(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array.copy()))


@breaks("numpy.numpy-shares-memory-with-tensor")
def test_numpy_returns_a_copy(monkeypatch):
    real = torch.Tensor.numpy
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, *a, **k: real(self, *a, **k).copy())


@breaks("numpy.from-numpy-shares-memory")
def test_from_numpy_copies_breaks_numpy_to_tensor_sharing(monkeypatch):
    _copying_from_numpy(monkeypatch)


@breaks("numpy.tensor-write-shows-in-array")
def test_from_numpy_copies_breaks_tensor_to_numpy_sharing(monkeypatch):
    _copying_from_numpy(monkeypatch)


class _ArrayWhoseCopyIsAView(np.ndarray):
    def copy(self, order="C"):
        return self


def _copy_returns_a_view(monkeypatch):
    suite = testing.suite("numpy_interop", __file__)

    class FakeNumpy:
        def __getattr__(self, name):
            return getattr(np, name)

        @staticmethod
        def array(values, *args, **kwargs):
            return np.array(values, *args, **kwargs).view(_ArrayWhoseCopyIsAView)

        @staticmethod
        def ones(*args, **kwargs):
            return np.ones(*args, **kwargs).view(_ArrayWhoseCopyIsAView)

    monkeypatch.setattr(suite, "np", FakeNumpy())


@breaks("numpy.copy-breaks-sharing")
def test_copy_that_shares_breaks_tensor_write_isolation(monkeypatch):
    _copy_returns_a_view(monkeypatch)


@breaks("numpy.clone-breaks-sharing")
def test_clone_returning_self(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "clone", lambda self, *a, **k: self)


@breaks("numpy.from-numpy-gives-float64")
def test_from_numpy_casting_to_default_dtype(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array).to(torch.get_default_dtype()))


@breaks("numpy.cast-to-float32-advice")
def test_from_numpy_always_float64(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array).double())


@breaks("numpy.requires-grad-tensor-needs-detach")
def test_numpy_ignoring_requires_grad(monkeypatch):
    real = torch.Tensor.numpy
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self, *a, **k: real(self.detach()))


@breaks("numpy.char-tensor-has-no-numpy")
def test_int8_numpy_refused(monkeypatch):
    real = torch.Tensor.numpy

    def numpy_without_int8(self, *args, **kwargs):
        if self.dtype == torch.int8:
            raise TypeError("can't convert CharTensor")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "numpy", numpy_without_int8)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("numpy.numpy-shares-memory-with-tensor")
def test_add_underscore_adding_twice(monkeypatch):
    real = torch.Tensor.add_
    monkeypatch.setattr(torch.Tensor, "add_", lambda self, other, **kwargs: real(real(self, other, **kwargs), other, **kwargs))


@breaks("numpy.from-numpy-shares-memory")
def test_from_numpy_casting_to_float32(monkeypatch):
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda array: real(array).float())
