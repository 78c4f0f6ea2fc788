"""Checkers for NumPy interop: from_numpy, .numpy(), memory sharing, copies."""

import numpy as np
import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised


@checker
def array_after_inplace_tensor_add(device):
    """a = torch.ones(5); b = a.numpy(); a.add_(1): what b holds afterwards."""
    a = torch.ones(5, device=device)
    b = a.numpy()
    a.add_(1)
    return {"tensor": a, "array": b}


@checker
def tensor_after_numpy_add(device, copy=False):
    """a = np.ones(5); b = torch.from_numpy(a[.copy()]); np.add(a, 1, out=a): what b holds."""
    a = np.ones(5)
    b = torch.from_numpy(a.copy() if copy else a)
    np.add(a, 1, out=a)
    return {"tensor": b, "dtype": b.dtype}


@checker
def array_after_tensor_write(device, copy=False):
    """b = torch.from_numpy(a[.copy()]); b[0] = 1.1: what a holds."""
    a = np.array([2.1, 3.6, 4.9])
    b = torch.from_numpy(a.copy() if copy else a)
    b[0] = 1.1
    return a


@checker
def from_numpy_dtype(device, values):
    return torch.from_numpy(np.array(values)).dtype


@checker
def tensor_after_clone_numpy_write(device):
    """b = a.clone().numpy(); b[0] = -1: what a and b hold."""
    a = torch.tensor(np.array([1, 2, 3, 4]))
    b = a.clone().numpy()
    b[0] = -1
    return {"tensor": a, "array": b}


@checker
def numpy_of_tensor(device, requires_grad=False, remedy=None):
    """Call .numpy() on a tensor on `device`; `remedy` ('detach', 'to_cpu', 'both') is applied first."""
    x = torch.ones(2, 2, device=device, requires_grad=requires_grad)
    if remedy in ("to_cpu", "both"):
        x = x.to("cpu")
    if remedy in ("detach", "both"):
        x = x.detach()
    return raised(lambda: x.clone().numpy())


@checker
def numpy_of_dtype(device, dtype):
    """Whether a CPU tensor of `dtype` converts to NumPy, and to which NumPy dtype."""
    tensor = torch.zeros(3, dtype=getattr(torch, dtype))
    outcome = raised(tensor.numpy)
    return {**outcome, "numpy_dtype": str(tensor.numpy().dtype) if outcome["raises"] is None else None}
