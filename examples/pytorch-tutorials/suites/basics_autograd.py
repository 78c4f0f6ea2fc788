"""Checkers for specs/basics_autograd.yaml: "Learn the Basics", Automatic Differentiation with
torch.autograd (autogradqs_tutorial.py).

Most work on the tutorial's one-layer network: x = ones(5), y = zeros(3), w (5x3) and b (3) drawn
with requires_grad=True, z = matmul(x, w) + b, loss = binary_cross_entropy_with_logits(z, y).
"""

import warnings

import torch

from torchclaims.checkers import checker
from torchclaims.observe import raised


def _one_layer(device):
    """The tutorial's x, y, w, b, z and loss."""
    x = torch.ones(5, device=device)
    y = torch.zeros(3, device=device)
    w = torch.randn(5, 3, requires_grad=True, device=device)
    b = torch.randn(3, requires_grad=True, device=device)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return x, y, w, b, z, loss


@checker
def set_requires_grad(device):
    """requires_grad set when the tensor is made, and later with x.requires_grad_(True)."""
    at_creation = torch.randn(3, requires_grad=True, device=device)
    later = torch.randn(3, device=device)
    before = later.requires_grad
    later.requires_grad_(True)
    return {"at_creation": at_creation.requires_grad, "later_before": before, "later_after": later.requires_grad}


@checker
def grad_fn_is_backward_node(device):
    """z.grad_fn and loss.grad_fn: are they autograd graph nodes (backward functions)?"""
    *_, z, loss = _one_layer(device)
    return {"z": _is_backward_node(z.grad_fn), "loss": _is_backward_node(loss.grad_fn)}


def _is_backward_node(grad_fn) -> bool:
    node = getattr(torch.autograd.graph, "Node", None)  # the nodes' base class since torch 2.0
    if node is not None:
        return isinstance(grad_fn, node)
    # before it (torch 1.13): a node is known by its links to the next backward functions and its hooks
    return grad_fn is not None and hasattr(grad_fn, "next_functions") and hasattr(grad_fn, "register_hook")


@checker
def gradients_of_loss(device):
    """loss.backward(), then w.grad and b.grad: their shapes, and whether they equal the derivatives
    worked by hand (d loss / d z = (sigmoid(z) - y) / 3; b.grad is that, w.grad is x outer that)."""
    x, y, w, b, z, loss = _one_layer(device)
    loss.backward()
    with torch.no_grad():
        dz = (torch.sigmoid(z) - y) / 3
        by_hand_b, by_hand_w = dz, torch.outer(x, dz)
    if w.grad is None or b.grad is None:
        return {"w_grad_shape": None, "b_grad_shape": None, "match_by_hand": False}
    match = bool(torch.allclose(w.grad, by_hand_w, atol=1e-6) and torch.allclose(b.grad, by_hand_b, atol=1e-6))
    return {"w_grad_shape": w.grad.shape, "b_grad_shape": b.grad.shape, "match_by_hand": match}


@checker
def grad_only_for_leaves(device):
    """After loss.backward(): is .grad available on the leaf w, and on the non-leaf z?"""
    _, _, w, _, z, loss = _one_layer(device)
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
        z_grad = z.grad
    return {"leaf_w": w.grad is not None, "non_leaf_z": z_grad is not None}


@checker
def backward_twice(device, retain_graph):
    """loss.backward(retain_graph=...) and then loss.backward() again: what the second call raises."""
    *_, loss = _one_layer(device)
    loss.backward(retain_graph=retain_graph)
    return {"second_backward_raises": raised(loss.backward)["raises"]}


@checker
def stop_tracking(device, how):
    """z = matmul(x, w) + b: z.requires_grad as computed normally, and under torch.no_grad() or after z.detach()."""
    x, _, w, b, z, _ = _one_layer(device)
    if how == "no_grad":
        with torch.no_grad():
            stopped = torch.matmul(x, w) + b
    elif how == "detach":
        stopped = z.detach()
    else:
        raise ValueError(how)
    return {"tracked": z.requires_grad, "stopped": stopped.requires_grad}


@checker
def gradients_accumulate(device):
    """The tutorial's inp = eye(4, 5), out = (inp+1).pow(2).t(): inp.grad after out.backward(ones) twice,
    then after inp.grad.zero_() and a third backward."""
    inp = torch.eye(4, 5, requires_grad=True, device=device)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    first = inp.grad.clone()
    out.backward(torch.ones_like(out), retain_graph=True)
    second = inp.grad.clone()
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    return {"first": first.cpu(), "second": second.cpu(), "after_zeroing": inp.grad.cpu()}


@checker
def backward_of_one(device):
    """loss.backward() and, on the same graph drawn again, loss.backward(torch.tensor(1.0)): same w.grad and b.grad?"""
    grads = []
    for gradient in (None, torch.tensor(1.0, device=device)):
        torch.manual_seed(0)
        _, _, w, b, _, loss = _one_layer(device)
        if gradient is None:
            loss.backward()
        else:
            loss.backward(gradient)
        grads.append((w.grad, b.grad))
    (w1, b1), (w2, b2) = grads
    return {"same_gradients": bool(torch.equal(w1, w2) and torch.equal(b1, b2))}

