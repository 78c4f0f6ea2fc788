"""Checkers for specs/tensors.yaml: the 60-minute blitz's "What is PyTorch?" (tensor_tutorial.py).

Each runs real PyTorch on the device it is given and returns what it saw.
"""

import numpy as np
import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised


def _value_or_raised(action):
    """What `action()` returns, or {"raises": ..., "message": ...} if it raises."""
    outcome = raised(action)
    if outcome["raises"] is not None:
        return outcome
    return action()


@checker
def made_by(device, factory):
    """One of the tutorial's factory calls: the tensor's shape, and for the filled ones dtype/values."""
    if factory == "empty":
        return {"shape": torch.empty(5, 3, device=device).shape}
    if factory == "zeros_long":
        made = torch.zeros(5, 3, dtype=torch.long, device=device)
        return {"shape": made.shape, "dtype": made.dtype, "values": made.cpu()}
    if factory == "tensor":
        made = torch.tensor([5.5, 3], device=device)
        return {"shape": made.shape, "values": made.cpu()}
    raise ValueError(factory)


@checker
def random_matrix(device):
    """torch.rand(5, 3) twice: its shape, and whether the two draws differ."""
    first, second = torch.rand(5, 3, device=device), torch.rand(5, 3, device=device)
    return {"shape": first.shape, "draws_differ": not torch.equal(first, second)}


@checker
def new_ones(device, base_dtype, dtype=None):
    """base.new_ones(5, 3[, dtype=...]) on a tensor of `base_dtype`.

    Without dtype: what it reuses from base (dtype, device). With dtype: shape, dtype, all ones.
    """
    base = torch.tensor([5.5, 3], dtype=getattr(torch, base_dtype), device=device)
    if dtype is None:
        made = base.new_ones(5, 3)
        return {"dtype": made.dtype, "same_device": made.device == base.device}
    made = base.new_ones(5, 3, dtype=getattr(torch, dtype))
    return {"shape": made.shape, "dtype": made.dtype, "all_ones": bool((made == 1).all())}


@checker
def randn_like(device, base_dtype, dtype):
    """torch.randn_like(x, dtype=...) for a 5x3 x of `base_dtype`: the result's shape and dtype."""
    base = torch.ones(5, 3, dtype=getattr(torch, base_dtype), device=device)
    made = torch.randn_like(base, dtype=getattr(torch, dtype))
    return {"shape": made.shape, "dtype": made.dtype}


@checker
def size_as_tuple(device):
    """x.size() used as a tuple: isinstance, concatenation, equality and hash against the plain tuple."""
    size = torch.empty(5, 3, device=device).size()
    return {
        "is_tuple": isinstance(size, tuple),
        "concatenated": _value_or_raised(lambda: list(size + (7,))),
        "equals_tuple": size == (5, 3),
        "hash_as_tuple": _value_or_raised(lambda: hash(size) == hash((5, 3))),
    }


@checker
def addition(device, syntax):
    """x + y by one of the tutorial's four syntaxes, on x = [[1, 2], [3, 4]], y = [[10, 20], [30, 40]]."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    y = torch.tensor([[10.0, 20.0], [30.0, 40.0]], device=device)
    if syntax == "operator":
        result = x + y
    elif syntax == "torch.add":
        result = torch.add(x, y)
    elif syntax == "out":
        result = torch.empty(2, 2, device=device)
        torch.add(x, y, out=result)
    elif syntax == "add_":
        y.add_(x)
        result = y  # the tutorial prints y itself
    else:
        raise ValueError(syntax)
    return {"result": result.cpu()}


@checker
def in_place_methods(device):
    """x.copy_(y) and x.t_(): does x itself change?"""
    x = torch.zeros(2, 3, device=device)
    y = torch.arange(6.0, device=device).view(2, 3)
    x.copy_(y)
    z = torch.zeros(2, 3, device=device)
    z.t_()
    return {"x_after_copy_": x.cpu(), "shape_after_t_": z.shape}


# The index expressions tried: NumPy's basic, advanced and boolean indexing, on arange(12).view(3, 4)
INDEXES = {
    "[:, 1]": (slice(None), 1),
    "[1:, ::2]": (slice(1, None), slice(None, None, 2)),
    "[[0, 2]]": ([0, 2],),
    "[x > 8]": "mask",
    "[..., -1]": (Ellipsis, -1),
    "[None, 0].shape": "newaxis",
    "[::-1]": (slice(None, None, -1),),
}


@checker
def numpy_like_indexing(device):
    """Each expression of INDEXES applied to a tensor, as values (or the exception raised)."""
    x = torch.arange(12, device=device).view(3, 4)
    seen = {}
    for text, index in INDEXES.items():
        if index == "mask":
            seen[text] = _value_or_raised(lambda: x[x > 8].cpu())
        elif index == "newaxis":
            seen[text] = _value_or_raised(lambda: x[None, 0].shape)
        else:
            seen[text] = _value_or_raised(lambda index=index: x[index].cpu())
    return seen


@checker
def reshape_with(device, via):
    """x.view(16) and x.view(-1, 8) of a 4x4 x, called as the method or as torch.view: the sizes."""
    x = torch.randn(4, 4, device=device)
    if via == "method":
        views = {"16": lambda: x.view(16).size(), "-1, 8": lambda: x.view(-1, 8).size()}
    else:
        views = {"16": lambda: torch.view(x, 16).size(), "-1, 8": lambda: torch.view(x, -1, 8).size()}
    return {name: _value_or_raised(view) for name, view in views.items()}


@checker
def item_value(device):
    """torch.tensor([2.5]).item(): the Python type and the value."""
    value = torch.tensor([2.5], device=device).item()
    return {"type": type(value).__name__, "value": value}


@checker
def numpy_bridge(device, direction):
    """The tutorial's two bridges: change one side in place, read the other."""
    if direction == "tensor_to_numpy":
        a = torch.ones(5)
        b = a.numpy()
        a.add_(1)
        return {"array": b, "dtype": b.dtype}
    a = np.ones(5)
    b = torch.from_numpy(a)
    np.add(a, 1, out=a)
    return {"tensor": b, "dtype": b.dtype}


# The CPU tensor types of the time (torch.FloatTensor ... torch.LongTensor) as dtypes
LEGACY_TYPES = {"FloatTensor": torch.float32, "DoubleTensor": torch.float64, "HalfTensor": torch.float16,
                "ByteTensor": torch.uint8, "CharTensor": torch.int8, "ShortTensor": torch.int16,
                "IntTensor": torch.int32, "LongTensor": torch.int64}


@checker
def numpy_round_trip(device):
    """For each legacy CPU tensor type: does .numpy() and torch.from_numpy() back work?"""
    works = {}
    for name, dtype in LEGACY_TYPES.items():
        def trip(dtype=dtype):
            back = torch.from_numpy(torch.ones(3, dtype=dtype).numpy())
            return back.dtype == dtype and bool((back == 1).all())
        outcome = raised(trip)
        works[name] = outcome["raises"] is None and trip()
    return works


def _values_equal(moved, original):
    """Whether `moved` holds `original`'s values; False when they cannot be read back."""
    try:
        return torch.equal(moved.cpu(), original)
    except (RuntimeError, NotImplementedError):
        return False


@checker
def placement(device, how):
    """Where a tensor ends up: on `device` (relative, so it also holds on the CPU)."""
    x = torch.randn(1)
    wanted = torch.device(device).type
    if how == "ones_like_device":
        made = torch.ones_like(x, device=torch.device(device))
        return {"on_requested_device": made.device.type == wanted, "dtype": made.dtype}
    if how == "to_device_or_string":
        by_object, by_string = x.to(torch.device(device)), x.to(device)
        return {"on_requested_device": by_object.device.type == wanted and by_string.device.type == wanted,
                "values_kept": _values_equal(by_object, x) and _values_equal(by_string, x)}
    raise ValueError(how)


@checker
def to_device_and_dtype(device):
    """z.to("cpu", torch.double) for a float32 z made on `device`: the result's device and dtype."""
    z = torch.ones(3, device=device) + torch.ones(3, device=device)
    moved = z.to("cpu", torch.double)
    return {"device": moved.device, "dtype": moved.dtype}
