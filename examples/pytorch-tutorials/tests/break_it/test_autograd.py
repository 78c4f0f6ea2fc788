"""Break-it tests for suites/autograd.py: break the behaviour a checker observes and see its claim fail."""

import torch

from torchclaims.testing import backward_replaces_gradients, breaks

REAL_BACKWARD = torch.Tensor.backward


def _patch_backward(monkeypatch, before):
    """Tensor.backward with `before(self, gradient) -> gradient` applied first."""
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        return REAL_BACKWARD(self, before(self, gradient), retain_graph, create_graph, inputs)

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("autograd.variable-wraps-tensor")
def test_variable_is_a_wrapper_class(monkeypatch):
    """Torch as the tutorial describes it: Variable is a class of its own that holds the tensor."""
    class Variable:
        def __init__(self, data, requires_grad=False):
            self.data, self.requires_grad = data, requires_grad

    monkeypatch.setattr(torch.autograd, "Variable", Variable)


@breaks("autograd.data-is-raw-tensor")
def test_data_returns_a_tracked_copy(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "data", property(lambda self: self * 2), raising=False)


@breaks("autograd.grad-accumulates")
def test_backward_overwrites_grad(monkeypatch):
    backward_replaces_gradients(monkeypatch)


@breaks("autograd.user-created-grad-fn-none")
def test_variable_returns_a_non_leaf(monkeypatch):
    monkeypatch.setattr(torch.autograd, "Variable",
                        lambda data, requires_grad=False: data.clone().requires_grad_(requires_grad) * 1)


@breaks("autograd.op-result-has-grad-fn")
def test_add_drops_history(monkeypatch):
    real = torch.Tensor.__add__
    monkeypatch.setattr(torch.Tensor, "__add__", lambda self, other: real(self, other).detach())


@breaks("autograd.one-element-backward-no-argument")
def test_backward_always_wants_a_gradient(monkeypatch):
    def require(self, gradient):
        if gradient is None:
            raise RuntimeError("a gradient argument is required")
        return gradient

    _patch_backward(monkeypatch, require)


@breaks("autograd.many-elements-need-gradient")
def test_backward_defaults_to_ones(monkeypatch):
    _patch_backward(monkeypatch, lambda self, gradient: torch.ones_like(self) if gradient is None else gradient)


@breaks("autograd.gradient-of-matching-shape")
def test_backward_broadcasts_any_gradient(monkeypatch):
    _patch_backward(monkeypatch, lambda self, gradient: gradient.reshape(-1)[:1].expand_as(self).clone())


@breaks("autograd.gradient-of-matching-shape")
def test_backward_refuses_explicit_gradients(monkeypatch):
    def refuse(self, gradient):
        if gradient is not None:
            raise RuntimeError("explicit gradients refused")
        return gradient

    _patch_backward(monkeypatch, refuse)


@breaks("autograd.backward-equals-backward-of-one")
def test_backward_reshapes_gradient(monkeypatch):
    """Torch as the tutorial describes it: a one-element gradient works for a 0-dim result."""
    _patch_backward(monkeypatch, lambda self, gradient: None if gradient is None else gradient.reshape(self.shape))


@breaks("autograd.backward-equals-backward-of-one")
def test_implicit_gradient_is_two(monkeypatch):
    _patch_backward(monkeypatch, lambda self, gradient: torch.full_like(self, 2.0) if gradient is None else gradient)


@breaks("autograd.z-is-27-at-one")
def test_multiplication_adds_one(monkeypatch):
    real = torch.Tensor.__mul__
    monkeypatch.setattr(torch.Tensor, "__mul__", lambda self, other: real(self, other) + 1)


@breaks("autograd.gradient-is-4-5")
def test_mean_sums(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "mean", lambda self, *args, **kw: self.sum(*args, **kw))


@breaks("autograd.gradient-formula")
def test_mean_sums_for_the_formula(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "mean", lambda self, *args, **kw: self.sum(*args, **kw))


@breaks("autograd.define-by-run")
def test_multiplication_not_recorded(monkeypatch):
    real = torch.Tensor.__mul__
    monkeypatch.setattr(torch.Tensor, "__mul__",
                        lambda self, other: real(self.detach(), other).requires_grad_(self.requires_grad))
