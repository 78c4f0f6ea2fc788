"""Checkers for specs/basics_tensors.yaml: "Learn the Basics", Tensors (tensorqs_tutorial.py).

Each runs real PyTorch on the device it is given and returns what it saw. Where the tutorial works
on its own `tensor = torch.ones(4, 4)` with column 1 set to 0, so do these.
"""

import numpy as np
import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised


def _tutorial_tensor(device):
    """The tutorial's `tensor`: torch.ones(4, 4) with tensor[:, 1] = 0."""
    tensor = torch.ones(4, 4, device=device)
    tensor[:, 1] = 0
    return tensor


@checker
def inferred_dtype(device):
    """torch.tensor(data) of the tutorial's integer list, and of the same list as floats: the dtypes."""
    from_ints = torch.tensor([[1, 2], [3, 4]], device=device)
    from_floats = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    return {"int_data": from_ints.dtype, "float_data": from_floats.dtype, "values": from_ints.cpu()}


@checker
def from_numpy_array(device):
    """torch.from_numpy(np.array(data)): is it a tensor, and its values and shape."""
    made = torch.from_numpy(np.array([[1, 2], [3, 4]]))
    return {"is_tensor": isinstance(made, torch.Tensor), "shape": made.shape, "values": made}


@checker
def like_factory(device, factory):
    """torch.ones_like(x_data) or torch.rand_like(x_data, dtype=torch.float), x_data the integer 2x2."""
    x_data = torch.tensor([[1, 2], [3, 4]], device=device)
    if factory == "ones_like":
        made = torch.ones_like(x_data)
        return {"shape": made.shape, "dtype": made.dtype, "values": made.cpu()}
    if factory == "rand_like_float":
        made = torch.rand_like(x_data, dtype=torch.float)
        return {"shape": made.shape, "dtype": made.dtype}
    raise ValueError(factory)


@checker
def shape_tuple_factories(device):
    """torch.rand, torch.ones and torch.zeros given shape = (2, 3,): the shapes (and the filled values)."""
    shape = (2, 3,)
    rand_tensor = torch.rand(shape, device=device)
    ones_tensor = torch.ones(shape, device=device)
    zeros_tensor = torch.zeros(shape, device=device)
    return {
        "rand": rand_tensor.shape, "ones": ones_tensor.shape, "zeros": zeros_tensor.shape,
        "ones_all_one": bool((ones_tensor == 1).all()), "zeros_all_zero": bool((zeros_tensor == 0).all()),
    }


@checker
def default_device(device):
    """torch.rand(3, 4) with no device given (so `device` is not used): where it is stored."""
    return {"device": torch.rand(3, 4).device}


@checker
def numpy_like_indexing(device):
    """tensor[0], tensor[:, 0] and tensor[..., -1] of a 4x4 tensor holding 0..15 (so rows and columns differ)."""
    tensor = torch.arange(16.0, device=device).view(4, 4)
    return {"first_row": tensor[0].cpu(), "first_column": tensor[:, 0].cpu(), "last_column": tensor[..., -1].cpu()}


@checker
def cat_along_dim(device):
    """torch.cat([tensor, tensor, tensor], dim=1) of the tutorial's tensor: shape and first row."""
    tensor = _tutorial_tensor(device)
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    return {"shape": t1.shape, "first_row": t1[0].cpu()}


@checker
def three_ways(device, op):
    """The tutorial's three spellings of `op` (matmul with tensor.T, or the element-wise product):
    the first result's values, and whether the other two equal it."""
    tensor = _tutorial_tensor(device)
    if op == "matmul":
        first = tensor @ tensor.T
        second = tensor.matmul(tensor.T)
        third = torch.rand_like(tensor)
        torch.matmul(tensor, tensor.T, out=third)
    elif op == "mul":
        first = tensor * tensor
        second = tensor.mul(tensor)
        third = torch.rand_like(tensor)
        torch.mul(tensor, tensor, out=third)
    else:
        raise ValueError(op)
    return {"values": first.cpu(), "second_same": torch.equal(first, second), "third_same": torch.equal(first, third)}


@checker
def item_of_sum(device):
    """tensor.sum().item() of the tutorial's tensor: the Python type and the value."""
    agg_item = _tutorial_tensor(device).sum().item()
    return {"type": type(agg_item).__name__, "value": agg_item}


@checker
def add_in_place(device):
    """tensor.add_(5) on the tutorial's tensor: tensor's values afterwards, and whether add_ returned tensor itself."""
    tensor = _tutorial_tensor(device)
    returned = tensor.add_(5)
    return {"tensor": tensor.cpu(), "returns_operand": returned is tensor}


@checker
def in_place_on_saved_tensor(device):
    """a = x.sigmoid() (saved for sigmoid's backward), then a.add_(1): what a.sum().backward() raises."""
    x = torch.ones(3, device=device, requires_grad=True)
    a = x.sigmoid()
    a.add_(1)
    return {"backward_raises": raised(lambda: a.sum().backward())["raises"]}


@checker
def numpy_bridge(device, direction):
    """One direction of the tutorial's bridge on the CPU: change one side, read the other."""
    if direction == "tensor_to_numpy":
        t = torch.ones(5)
        n = t.numpy()
        t.add_(1)
        return {"other_side": n, "dtype": str(n.dtype)}
    if direction == "numpy_to_tensor":
        n = np.ones(5)
        t = torch.from_numpy(n)
        np.add(n, 1, out=n)
        return {"other_side": t, "dtype": t.dtype}
    raise ValueError(direction)
