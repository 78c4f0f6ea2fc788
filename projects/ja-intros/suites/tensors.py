"""Checkers for tensors themselves: dtypes and legacy types, creation, arithmetic, in-place ops,
view, item, indexing, and the examples the documents print."""

import numpy as np
import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised

# The legacy tensor types 000 lists, and the two it names besides them.
LEGACY_TYPES = ("FloatTensor", "LongTensor", "IntTensor", "ShortTensor", "DoubleTensor", "ByteTensor", "CharTensor")


@checker
def default_tensor_type(device):
    """The default dtype, and the legacy type name of a float tensor made without a dtype."""
    return {
        "default_dtype": torch.get_default_dtype(),
        "float_literal_type": torch.tensor([1.5]).type(),
        "zeros_type": torch.zeros(2).type(),
    }


@checker
def legacy_type(device, name):
    """What torch.<name> (e.g. LongTensor) builds: its dtype, bit width, and whether it is floating point."""
    tensor = getattr(torch, name)(2)
    return {"dtype": tensor.dtype, "bits": tensor.element_size() * 8,
            "floating_point": tensor.is_floating_point()}


@checker
def legacy_tensor_types(device):
    """Every legacy CPU tensor type torch still exports (torch.FloatTensor and the like)."""
    return sorted(
        name for name in dir(torch)
        if name.endswith("Tensor") and name != "Tensor"
        and isinstance(getattr(getattr(torch, name), "dtype", None), torch.dtype)
    )


@checker
def default_device(device, names):
    """The device of tensors built without a device: by torch.zeros, torch.tensor and each legacy type."""
    seen = {"zeros": torch.zeros(2).device, "tensor": torch.tensor([1.0]).device}
    for name in names:
        seen[name] = getattr(torch, name)(2).device
    return seen


def _numpy_pairs(a, t):
    """Pairs (numpy result, torch result) of the same operation, by name."""
    b = a[::-1].copy() + 1
    u = torch.from_numpy(b.copy())
    return {
        "ones_like": lambda: (np.ones_like(a), torch.ones_like(t)),
        "zeros": lambda: (np.zeros((2, 3)), torch.zeros(2, 3)),
        "size": lambda: (a.size, t.size()),
        "shape": lambda: (a.shape, t.shape),
        "sum": lambda: (a.sum(), t.sum()),
        "mean": lambda: (a.mean(), t.mean()),
        "max": lambda: (a.max(), t.max()),
        "reshape": lambda: (a.reshape(3, 2), t.reshape(3, 2)),
        "transpose": lambda: (a.T, t.T),
        "matmul": lambda: (a @ b.T, t @ u.T),
        "add": lambda: (a + b, t + u),
        "multiply": lambda: (a * b, t * u),
        "exp": lambda: (np.exp(a), torch.exp(t)),
    }


def _same(numpy_result, torch_result) -> bool:
    if isinstance(torch_result, torch.Tensor):
        torch_result = torch_result.numpy()
    elif isinstance(torch_result, torch.Size):
        torch_result = tuple(torch_result)
    numpy_result = np.asarray(numpy_result)
    torch_result = np.asarray(torch_result)
    return numpy_result.shape == torch_result.shape and bool(np.allclose(numpy_result, torch_result))


@checker
def ops_like_numpy(device, ops):
    """Which of the named operations give a different result in torch than in NumPy on the same 2x3 data."""
    a = np.arange(6, dtype=np.float64).reshape(2, 3) * 0.5 - 1.0
    t = torch.from_numpy(a.copy())
    pairs = _numpy_pairs(a, t)
    differ = []
    for op in ops:
        try:
            numpy_result, torch_result = pairs[op]()
            if not _same(numpy_result, torch_result):
                differ.append(op)
        except Exception:  # an operation torch refuses differs from NumPy's
            differ.append(op)
    return {"differ": differ}


# NumPy-style index expressions, built here (specs are data: they name a form, never code).
INDEX_FORMS = {
    "integer": lambda x: x[1],
    "negative_integer": lambda x: x[-1],
    "pair": lambda x: x[1, 2],
    "slice": lambda x: x[1:3],
    "slice_with_step": lambda x: x[::2],
    "column": lambda x: x[:, 1],
    "two_slices": lambda x: x[1:3, ::2],
    "ellipsis": lambda x: x[..., -1],
    "new_axis": lambda x: x[None],
    "integer_list": lambda x: x[[0, 2]],
    "boolean_mask": lambda x: x[x > 0],
    "negative_step": lambda x: x[::-1],
    "negative_step_column": lambda x: x[:, ::-1],
}


@checker
def indexing_like_numpy(device, forms):
    """Which of the named index forms give a different result (or an error) in torch than in NumPy."""
    a = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.0
    t = torch.from_numpy(a.copy()).to(device)
    differ = []
    for form in forms:
        index = INDEX_FORMS[form]
        try:
            same = _same(index(a), index(t).cpu())
        except Exception:  # torch refuses an index NumPy takes
            same = False
        if not same:
            differ.append(form)
    return {"differ": differ}


@checker
def addition(device, form):
    """Add x = randn(5, 3) and y = rand(5, 3) in one of 000's four ways: what the printed tensor holds."""
    x = torch.randn(5, 3, device=device)
    y = torch.rand(5, 3, device=device)
    x0, y0 = x.clone(), y.clone()
    expected = x0 + y0
    if form == "operator":
        printed = x + y
    elif form == "function":
        printed = torch.add(x, y)
    elif form == "out":
        result = torch.empty(5, 3, device=device)
        torch.add(x, y, out=result)
        printed = result
    elif form == "inplace":
        y.add_(x)
        printed = y
    else:
        raise ValueError(f"unknown form {form!r}")
    return {
        "shape": printed.shape,
        "equals_x_plus_y": bool(torch.equal(printed, expected)),
        "x_unchanged": bool(torch.equal(x, x0)),
        "y_unchanged": bool(torch.equal(y, y0)),
    }


@checker
def inplace_op(device, op):
    """x.copy_(y) or x.t_(): whether x itself changed to the result, and the call returned x."""
    x = torch.zeros(2, 3, device=device)
    y = torch.arange(6.0, device=device).view(2, 3)
    original = x.clone()
    if op == "copy_":
        returned = x.copy_(y)
        expected = y
    elif op == "t_":
        x = y.clone()
        original = x.clone()
        returned = x.t_()
        expected = original.t()
    else:
        raise ValueError(f"unknown op {op!r}")
    return {
        "returns_x": returned is x,
        "x_shape": x.shape,
        "x_changed": not (x.shape == original.shape and bool(torch.equal(x, original))),
        "x_is_result": bool(x.shape == expected.shape and torch.equal(x, expected)),
    }


# Methods ending in `_` with their out-of-place twin, and the arguments to call both with.
UNDERSCORE_METHODS = {
    "add_": (1.5,), "sub_": (0.5,), "mul_": (2.0,), "div_": (4.0,), "pow_": (2,), "neg_": (),
    "abs_": (), "exp_": (), "sqrt_": (), "clamp_": (0.0, 0.5), "relu_": (), "sigmoid_": (),
    "zero_": (), "fill_": (3.0,), "t_": (), "unsqueeze_": (0,), "squeeze_": (),
}


@checker
def underscore_methods_modify(device, methods):
    """Which `_` methods do NOT leave in x what their out-of-place twin returns (or do not return x)."""
    base = torch.rand(2, 3, device=device) + 0.1
    not_in_place = []
    for name in methods:
        args = UNDERSCORE_METHODS[name]
        x = base.clone()
        if name in ("zero_", "fill_"):
            expected = torch.full_like(base, 0.0 if name == "zero_" else args[0])
        else:
            expected = getattr(base.clone(), name[:-1])(*args)
        returned = getattr(x, name)(*args)
        if returned is not x or x.shape != expected.shape or not torch.allclose(x, expected):
            not_in_place.append(name)
    return {"not_in_place": not_in_place}


@checker
def view_shapes(device, shape, views):
    """x of `shape` viewed as each of `views`: their sizes, and whether they keep x's elements in order."""
    x = torch.randn(*shape, device=device)
    viewed = [x.view(*v) for v in views]
    return {
        "size": x.size(),
        "views": [v.size() for v in viewed],
        "same_elements_in_order": all(torch.equal(v.reshape(-1), x.reshape(-1)) for v in viewed),
    }


@checker
def size_slice(device, shape, start):
    """x.size()[start:]: what type it is and what it holds."""
    sliced = torch.zeros(*shape, device=device).size()[start:]
    return {"type": type(sliced).__name__, "value": list(sliced)}


@checker
def item_of(device, shape):
    """x = torch.randn(*shape).item(): what it raises, the Python type it gives, whether it is x's element."""
    x = torch.randn(tuple(shape), device=device)
    outcome = raised(x.item)
    if outcome["raises"] is not None:
        return {**outcome, "python_type": None, "equals_element": None}
    value = x.item()
    return {**outcome, "python_type": type(value).__name__,
            "equals_element": value == x.reshape(-1)[0].double().cpu().numpy().item()}


@checker
def item_value(device, values):
    """x = torch.tensor(values): its repr, x.item(), and the type of x.item()."""
    x = torch.tensor(values)
    value = x.item()
    return {"repr": repr(x), "item": value, "type": type(value).__name__}


@checker
def item_without_call(device):
    """x.item written without the parentheses: whether it is a number, or something to call."""
    x = torch.tensor([[1]])
    attribute = x.item
    return {"is_number": isinstance(attribute, (int, float)), "callable": callable(attribute)}


@checker
def tensor_from(device, values):
    """torch.tensor(values): its number of dimensions, shape, dtype, and .ndim == len(shape)."""
    x = torch.tensor(values, device=device)
    return {"dim": x.dim(), "shape": x.shape, "dtype": x.dtype, "rank_is_len_shape": x.ndim == len(x.shape)}


@checker
def rand_shape(device, shape):
    """torch.rand(shape).shape, the shape 001 prints for a 3x224x224 image tensor."""
    return torch.rand(tuple(shape), device=device).shape


@checker
def index_element(device, shape, index):
    """Index a tensor of `shape` with as many integers as it has dimensions: the result's dims and value."""
    x = torch.rand(tuple(shape), device=device)
    element = x[tuple(index)]
    return {"dim": element.dim(), "is_that_value": element.item() == x.cpu().numpy()[tuple(index)].item()}


@checker
def binary_op(device, op, a, b=None):
    """An operation of 001's Tensor Operations on integer tensors a (and b): the result and its dtype."""
    x = torch.tensor(a, device=device)
    y = torch.tensor(b, device=device) if b is not None else None
    operations = {
        "add": lambda: x + y,
        "sub": lambda: x - y,
        "mul": lambda: x * y,
        "matmul": lambda: torch.matmul(x, y),
        "dot": lambda: torch.dot(x, y),
        "outer": lambda: torch.outer(x, y),
        "transpose": lambda: x.t(),
        "view4": lambda: x.view(4),
    }
    result = operations[op]()
    return {"values": result, "dtype": result.dtype, "shape": result.shape}


@checker
def tensor_holds_gradient(device):
    """A tensor made with requires_grad: whether it says so, and what .grad holds after backward of sum(x**2)."""
    x = torch.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
    before = x.grad
    (x ** 2).sum().backward()
    return {"requires_grad": x.requires_grad, "grad_before": before, "grad_after": x.grad}


@checker
def many_dimensions(device, n):
    """torch.ones of n dimensions (each of size 2): its number of dimensions, and whether ops keep them."""
    x = torch.ones([2] * n, device=device)
    y = x + x
    return {"dim": x.dim(), "sum_keeps_dims": y.dim(), "total": y.sum().item()}


@checker
def printed_vs_item(device):
    """x = torch.randn(1): decimals shown by print(x), and whether x.item() is the float32 value printed rounded."""
    x = torch.randn(1, device=device)
    text = repr(x)
    shown = text[text.index("[") + 1:text.index("]")].strip()
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    value = x.item()
    return {"repr_decimals": decimals,
            "item_rounds_to_printed": round(value, decimals) == float(shown),
            "item_is_exact_element": value == float(x.cpu().double()[0])}
