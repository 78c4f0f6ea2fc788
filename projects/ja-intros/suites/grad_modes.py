"""Checkers for grad modes: torch.no_grad, torch.set_grad_enabled (context manager and function),
torch.enable_grad, and their thread locality."""

import threading
from contextlib import contextmanager

import torch
import torch.nn as nn
from torch.autograd.graph import saved_tensors_hooks

from torchclaims.checkers import checker
from torchclaims.observe import raised


@contextmanager
def _grad_mode_restored():
    """Leave this thread's grad mode as it was, whatever the body set (function-form calls)."""
    before = torch.is_grad_enabled()
    try:
        yield
    finally:
        torch.set_grad_enabled(before)


def _compute(x):
    return x * 2


def _in_mode(mode, x):
    """y = x * 2 computed under `mode`; returns y."""
    if mode == "plain":
        return _compute(x)
    if mode == "no_grad":
        with torch.no_grad():
            return _compute(x)
    if mode == "set_grad_enabled_ctx_false":        # 003: with torch.set_grad_enabled(is_train): ...
        is_train = False
        with torch.set_grad_enabled(is_train):
            return _compute(x)
    if mode == "set_grad_enabled_ctx_true_in_no_grad":
        with torch.no_grad():
            with torch.set_grad_enabled(True):
                return _compute(x)
    if mode == "set_grad_enabled_fn_true":           # 003: torch.set_grad_enabled(True); y = x * 2
        torch.set_grad_enabled(False)
        torch.set_grad_enabled(True)
        return _compute(x)
    if mode == "set_grad_enabled_fn_false":          # 003: torch.set_grad_enabled(False); y = x * 2
        torch.set_grad_enabled(False)
        return _compute(x)
    if mode == "enable_grad_then_ctx_false":         # with enable_grad(): with set_grad_enabled(False): ...
        with torch.enable_grad():
            with torch.set_grad_enabled(False):
                return _compute(x)
    if mode == "enable_grad_then_fn_false":          # with enable_grad(): set_grad_enabled(False); ...
        with torch.enable_grad():
            torch.set_grad_enabled(False)
            return _compute(x)
    raise ValueError(mode)


@checker
def result_in_mode(device, mode, observe="requires_grad"):
    """y = x * 2 for x = ones(2, 2, requires_grad=True), computed under `mode`.

    observe: 'requires_grad' (y.requires_grad) or 'grad_fn' (the name of y.grad_fn, or None).
    """
    x = torch.ones(2, 2, device=device, requires_grad=True)
    with _grad_mode_restored():
        y = _in_mode(mode, x)
    if observe == "requires_grad":
        return y.requires_grad
    if observe == "grad_fn":
        return None if y.grad_fn is None else type(y.grad_fn).__name__
    raise ValueError(observe)


@checker
def set_grad_enabled_call_echo(device, mode):
    """What the REPL echoes after `torch.set_grad_enabled(mode)` as a statement: repr of its value, None if None."""
    with _grad_mode_restored():
        value = torch.set_grad_enabled(mode)
    return None if value is None else repr(value)


@checker
def backward_after_no_grad(device):
    """y = (x * 2).sum() computed inside torch.no_grad(); then y.backward()."""
    x = torch.ones(2, 2, device=device, requires_grad=True)
    with torch.no_grad():
        y = (x * 2).sum()
    return raised(y.backward)


@checker
def every_result_in_no_grad(device):
    """Inside torch.no_grad(), with requires_grad inputs: the operations whose result still requires grad."""
    x = torch.randn(3, 3, device=device, requires_grad=True)
    w = torch.randn(3, 3, device=device, requires_grad=True)
    layer = nn.Linear(3, 3).to(device)
    operations = {
        "mul": lambda: x * w,
        "add": lambda: x + 1,
        "matmul": lambda: x @ w,
        "exp": lambda: x.exp(),
        "sum": lambda: x.sum(),
        "index": lambda: x[0],
        "view": lambda: x.view(9),
        "clone": lambda: x.clone(),
        "linear_module": lambda: layer(x),
        "relu": lambda: torch.relu(x),
        "cat": lambda: torch.cat([x, w]),
    }
    with torch.no_grad():
        still = [name for name, op in operations.items() if op().requires_grad]
    return still


@checker
def saved_for_backward(device):
    """Bytes autograd keeps for backward while computing (x.exp() * w).sin().sum() for requires_grad x, w:
    under grad mode and under torch.no_grad() (counted with saved_tensors_hooks)."""
    x = torch.randn(64, 64, device=device, requires_grad=True)
    w = torch.randn(64, 64, device=device, requires_grad=True)

    def measure(no_grad):
        kept = []

        def pack(tensor):
            kept.append(tensor.numel() * tensor.element_size())
            return tensor

        with saved_tensors_hooks(pack, lambda tensor: tensor):
            if no_grad:
                with torch.no_grad():
                    out = (x.exp() * w).sin().sum()
            else:
                out = (x.exp() * w).sin().sum()
        return sum(kept), out

    with_grad, _ = measure(False)
    without, out = measure(True)
    return {"no_grad_keeps_less": without < with_grad, "graph_recorded": out.grad_fn is not None}


@checker
def train_val_phases(device):
    """One loop for train and val: `with torch.set_grad_enabled(phase == 'train'):` around forward."""
    model = nn.Linear(4, 2).to(device)
    seen = {}
    for phase in ("train", "val"):
        with torch.set_grad_enabled(phase == "train"):
            out = model(torch.randn(3, 4).to(device))
            loss = out.pow(2).mean()
        seen[phase] = {"requires_grad": loss.requires_grad,
                       "backward_raises": raised(loss.backward)["raises"]}
    return seen


def _in_thread(target):
    """Run `target` in a real thread and wait for it."""
    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    if thread.is_alive():
        raise RuntimeError("thread did not finish")


@checker
def grad_mode_across_threads(device, where):
    """Thread locality: y = x * 2 in this thread and in another, one of them having disabled grad.

    where: 'this_thread_ctx' (this thread is inside set_grad_enabled(False) while the other computes),
           'other_thread_fn' (the other thread calls set_grad_enabled(False) as a function; this thread
           computes after joining it).
    """
    x = torch.ones(2, device=device, requires_grad=True)
    other = {}

    if where == "this_thread_ctx":
        def work():
            other["requires_grad"] = _compute(x).requires_grad
        with torch.set_grad_enabled(False):
            _in_thread(work)
            this = _compute(x).requires_grad
    elif where == "other_thread_fn":
        def work():
            torch.set_grad_enabled(False)
            other["requires_grad"] = _compute(x).requires_grad
        with _grad_mode_restored():
            _in_thread(work)
            this = _compute(x).requires_grad
    else:
        raise ValueError(where)
    return {"this_thread": this, "other_thread": other.get("requires_grad")}
