"""Checkers for specs/autograd.yaml: the 60-minute blitz's "Autograd: automatic differentiation"
in its Variable version (autograd_tutorial.py).

Variable is looked up as torch.autograd.Variable at call time, as the tutorial imports it.
"""

import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised


def _variable(data, requires_grad=False):
    return torch.autograd.Variable(data, requires_grad=requires_grad)


@checker
def variable_object(device):
    """Variable(torch.ones(2, 2), requires_grad=True): the class of the object it returns."""
    made = _variable(torch.ones(2, 2, device=device), requires_grad=True)
    return {"type": type(made).__name__}


@checker
def variable_data(device):
    """x.data of the tutorial's x: its values, and whether it still requires grad."""
    x = _variable(torch.ones(2, 2, device=device), requires_grad=True)
    return {"values": x.data.cpu(), "requires_grad": x.data.requires_grad}


@checker
def grad_after_backwards(device, times):
    """x.grad after calling (x * 3).sum().backward() `times` times on fresh graphs."""
    x = _variable(torch.ones(2, device=device), requires_grad=True)
    for _ in range(times):
        (x * 3).sum().backward()
    return {"grad": None if x.grad is None else x.grad.cpu()}


@checker
def has_grad_fn(device, made_by):
    """Does the tensor have a grad_fn: one the user made (Variable(...)), or y = x + 2?"""
    x = _variable(torch.ones(2, 2, device=device), requires_grad=True)
    tensor = x if made_by == "user" else x + 2
    return {"has_grad_fn": tensor.grad_fn is not None}


@checker
def backward_without_gradient(device, shape):
    """y = x * 2 with x of `shape` (requires grad): does y.backward() with no argument raise?"""
    x = torch.ones(*shape, device=device, requires_grad=True)
    y = x * 2
    return {"raises": raised(y.backward)["raises"]}


@checker
def backward_with_gradient(device):
    """y = x * 2 with a 2x2 x: y.backward(gradient) with a 2x2 gradient, and with a 3-element one."""
    outcomes = {}
    for name, shape in (("matching", (2, 2)), ("mismatched", (3,))):
        x = torch.ones(2, 2, device=device, requires_grad=True)
        y = x * 2
        outcomes[name] = raised(lambda: y.backward(torch.ones(*shape, device=device)))["raises"]
    return outcomes


def _tutorial_out(x):
    y = x + 2
    z = y * y * 3
    return z, z.mean()


@checker
def explicit_one_gradient(device):
    """The tutorial's out: x.grad after out.backward() and after out.backward(torch.Tensor([1.0]))."""
    grads = {}
    for name, args in (("no_argument", ()), ("tensor_1.0", (torch.Tensor([1.0]).to(device),))):
        x = _variable(torch.ones(2, 2, device=device), requires_grad=True)
        _, out = _tutorial_out(x)
        outcome = raised(lambda: out.backward(*args))
        grads[name] = x.grad.cpu() if outcome["raises"] is None else outcome
    return grads


@checker
def tutorial_forward(device, x):
    """z = 3 (x + 2)^2 and out = z.mean() for the given x."""
    z, out = _tutorial_out(torch.tensor(x, device=device))
    return {"z": z.cpu(), "out": out.item()}


@checker
def tutorial_gradient(device, x):
    """d(out)/dx of out = mean(3 (x + 2)^2), by out.backward(), for the given x."""
    x = _variable(torch.tensor(x, device=device), requires_grad=True)
    _, out = _tutorial_out(x)
    out.backward()
    return x.grad.cpu()


@checker
def doubling_loop(device, xs, gradient):
    """The tutorial's while loop (double y until its norm reaches 1000) for each x of `xs`, then
    y.backward(gradient): the gradients x.grad, one list per input."""
    grads = []
    for values in xs:
        x = _variable(torch.tensor(values, device=device), requires_grad=True)
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        y.backward(torch.tensor(gradient, device=device))
        grads.append(None if x.grad is None else x.grad.cpu())
    return {"grads": grads}
