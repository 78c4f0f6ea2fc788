"""Break-it tests for suites/basics_autograd.py: break the behaviour a checker observes and see its claim fail."""

import contextlib

import torch

from torchclaims.testing import backward_replaces_gradients, breaks


def _backward_with(monkeypatch, **forced):
    """Tensor.backward with some keyword arguments forced."""
    real = torch.Tensor.backward
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, gradient=None, **kw: real(self, gradient, **{**kw, **forced}))


@breaks("basics_autograd.requires-grad-at-creation-or-later")
def test_randn_ignores_requires_grad(monkeypatch):
    real = torch.randn
    monkeypatch.setattr(torch, "randn", lambda *size, requires_grad=False, **kw: real(*size, **kw))


@breaks("basics_autograd.requires-grad-at-creation-or-later")
def test_requires_grad_underscore_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "requires_grad_", lambda self, requires_grad=True: self)


@breaks("basics_autograd.requires-grad-at-creation-or-later")
def test_randn_always_requires_grad(monkeypatch):
    real = torch.randn
    monkeypatch.setattr(torch, "randn", lambda *size, requires_grad=False, **kw: real(*size, requires_grad=True, **kw))


@breaks("basics_autograd.grad-fn-holds-backward-function")
def test_addition_drops_its_graph(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__add__", lambda self, other: torch.add(self, other).detach())


@breaks("basics_autograd.grad-fn-holds-backward-function")
def test_loss_drops_its_graph(monkeypatch):
    real = torch.nn.functional.binary_cross_entropy_with_logits
    monkeypatch.setattr(torch.nn.functional, "binary_cross_entropy_with_logits", lambda *a, **kw: real(*a, **kw).detach())


@breaks("basics_autograd.backward-fills-w-grad-and-b-grad")
def test_backward_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *args, **kw: None)


@breaks("basics_autograd.backward-fills-w-grad-and-b-grad")
def test_loss_is_mse_instead(monkeypatch):
    monkeypatch.setattr(torch.nn.functional, "binary_cross_entropy_with_logits", torch.nn.functional.mse_loss)


@breaks("basics_autograd.grad-only-on-leaves")
def test_addition_retains_its_grad(monkeypatch):
    def add_and_retain(self, other):
        result = torch.add(self, other)
        result.retain_grad()
        return result
    monkeypatch.setattr(torch.Tensor, "__add__", add_and_retain)


@breaks("basics_autograd.grad-only-on-leaves")
def test_backward_fills_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *args, **kw: None)


@breaks("basics_autograd.backward-once-per-graph")
def test_backward_always_retains_graph(monkeypatch):
    _backward_with(monkeypatch, retain_graph=True)


@breaks("basics_autograd.retain-graph-allows-several-backward")
def test_backward_ignores_retain_graph(monkeypatch):
    _backward_with(monkeypatch, retain_graph=False)


@breaks("basics_autograd.no-grad-stops-tracking")
def test_no_grad_does_nothing(monkeypatch):
    monkeypatch.setattr(torch, "no_grad", contextlib.nullcontext)


@breaks("basics_autograd.no-grad-stops-tracking")
def test_nothing_is_tracked(monkeypatch):
    real = torch.randn
    monkeypatch.setattr(torch, "randn", lambda *size, requires_grad=False, **kw: real(*size, **kw))


@breaks("basics_autograd.detach-stops-tracking")
def test_detach_returns_the_tensor(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "detach", lambda self: self)


@breaks("basics_autograd.gradients-accumulate")
def test_backward_replaces_gradients(monkeypatch):
    backward_replaces_gradients(monkeypatch)


@breaks("basics_autograd.gradients-accumulate")
def test_zero_underscore_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "zero_", lambda self: self)


@breaks("basics_autograd.gradients-accumulate")
def test_pow_cubes(monkeypatch):
    real = torch.Tensor.pow
    monkeypatch.setattr(torch.Tensor, "pow", lambda self, exponent: real(self, exponent + 1))


@breaks("basics_autograd.backward-is-backward-of-one")
def test_explicit_gradient_is_doubled(monkeypatch):
    real = torch.Tensor.backward
    monkeypatch.setattr(torch.Tensor, "backward",
                        lambda self, gradient=None, **kw: real(self, None if gradient is None else gradient * 2, **kw))
