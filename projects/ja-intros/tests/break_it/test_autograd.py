import torch
import torch.nn as nn
import torch.nn.functional as F

from torchclaims.testing import breaks, graph_leaves


# ---------------------------------------------------------------------------------------------
# Broken backward passes

def _backward_seeded_with_two(monkeypatch):
    """A backward that seeds the output gradient with 2 instead of 1: every gradient doubles."""
    real = torch.Tensor.backward

    def backward(self, gradient=None, *args, **kwargs):
        seed = torch.full_like(self, 2.0) if gradient is None else 2 * gradient
        return real(self, seed, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", backward)


def _backward_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *args, **kwargs: None)


@breaks("autograd.pow-sum-grad-values")
def test_doubled_backward_breaks_grad_values(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


@breaks("autograd.pow-sum-grad-printed")
def test_doubled_backward_breaks_printed_grad(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


@breaks("autograd.requires-grad-enables-autograd")
def test_backward_that_does_nothing_leaves_no_grad(monkeypatch):
    _backward_does_nothing(monkeypatch)


@breaks("autograd.signal-flows-output-to-input")
def test_doubled_backward_changes_the_signal(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


@breaks("autograd.three-steps-backward")
def test_doubled_backward_is_not_the_true_gradient(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


@breaks("autograd.backward-walks-graph-in-reverse")
def test_backward_that_does_nothing_reaches_no_layer(monkeypatch):
    _backward_does_nothing(monkeypatch)


@breaks("autograd.backward-with-ones-on-1x10-output")
def test_backward_that_refuses_a_gradient_for_non_scalars(monkeypatch):
    real = torch.Tensor.backward

    def backward(self, gradient=None, *args, **kwargs):
        if gradient is not None and self.numel() > 1:
            raise RuntimeError("backward takes no gradient argument")
        return real(self, gradient, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("autograd.gradients-accumulate-without-zeroing")
def test_backward_that_overwrites_grad(monkeypatch):
    def backward(self, gradient=None, *args, **kwargs):
        leaves = graph_leaves(self)
        grads = torch.autograd.grad(self, leaves, grad_outputs=gradient)
        for leaf, grad in zip(leaves, grads):
            leaf.grad = grad

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("autograd.dynamic-graph-changes-flow")
def test_doubled_backward_breaks_dynamic_graph_grads(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


# ---------------------------------------------------------------------------------------------
# Operations that are not recorded

def _untracked(monkeypatch, name):
    """Tensor.<name> computed as if under no_grad: the operation leaves no trace in the graph."""
    real = getattr(torch.Tensor, name)

    def untracked(self, *args, **kwargs):
        with torch.no_grad():
            return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, name, untracked)


@breaks("autograd.requires-grad-builds-graph")
def test_untracked_multiplication_keeps_no_grad_info(monkeypatch):
    _untracked(monkeypatch, "__rmul__")


@breaks("autograd.grad-fn-means-backward-possible")
def test_untracked_multiplication_has_no_grad_fn(monkeypatch):
    _untracked(monkeypatch, "__rmul__")


@breaks("autograd.ops-are-tracked-into-a-graph")
def test_untracked_exp_is_not_recorded(monkeypatch):
    _untracked(monkeypatch, "exp")


@breaks("autograd.graph-nodes-are-operations")
def test_untracked_pow_leaves_no_nodes(monkeypatch):
    _untracked(monkeypatch, "__pow__")


@breaks("autograd.graph-of-sum-of-squares")
def test_pow_recorded_as_multiplication(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__pow__", lambda self, exponent: self * self)


# ---------------------------------------------------------------------------------------------
# Printing, in-place, detach, .data, non-leaf grads, zero_grad, layers

@breaks("autograd.affine-example-printed")
def test_repr_without_autograd_information(monkeypatch):
    real = torch.Tensor.__repr__
    monkeypatch.setattr(torch.Tensor, "__repr__", lambda self, *a, **k: real(self.detach(), *a, **k))


@breaks("autograd.inplace-on-leaf-refused")
def test_inplace_add_allowed_on_leaves(monkeypatch):
    _untracked(monkeypatch, "add_")


@breaks("autograd.detach-drops-grad-info")
def test_detach_returning_self(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "detach", lambda self: self)


@breaks("autograd.weight-data-has-no-grad-info")
def test_data_returning_the_parameter(monkeypatch):
    real = torch._C.TensorBase.data
    monkeypatch.setattr(torch.Tensor, "data", property(lambda self: self, real.__set__))


@breaks("autograd.slide-y-grad-is-dz-dy")
def test_powers_that_keep_their_grad(monkeypatch):
    """A torch whose intermediate results keep .grad, as the slide says: the known entry is then stale."""
    real = torch.Tensor.__pow__

    def pow_retaining(self, exponent):
        out = real(self, exponent)
        if out.requires_grad:
            out.retain_grad()
        return out

    monkeypatch.setattr(torch.Tensor, "__pow__", pow_retaining)


@breaks("autograd.forward-is-linear-and-nonlinear-maps")
def test_linear_layer_that_adds_one(monkeypatch):
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: F.linear(x, self.weight, self.bias) + 1)


@breaks("autograd.forward-method-output")
def test_call_that_skips_the_module_machinery(monkeypatch):
    monkeypatch.setattr(nn.Module, "__call__", lambda self, *args, **kwargs: self.forward(*args, **kwargs))


@breaks("autograd.backward-computes-step-updates")
def test_backward_that_also_updates_the_weights(monkeypatch):
    real = torch.Tensor.backward

    def backward(self, *args, **kwargs):
        real(self, *args, **kwargs)
        with torch.no_grad():
            for leaf in graph_leaves(self):
                if leaf.grad is not None:
                    leaf.sub_(0.1 * leaf.grad)

    monkeypatch.setattr(torch.Tensor, "backward", backward)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("autograd.affine-example-printed")
def test_backward_seeded_with_two_breaks_printed_grad(monkeypatch):
    _backward_seeded_with_two(monkeypatch)


@breaks("autograd.requires-grad-enables-autograd")
def test_backward_that_raises(monkeypatch):
    def backward(self, *args, **kwargs):
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("autograd.dynamic-graph-changes-flow")
def test_mul_and_pow_recorded_as_other_nodes(monkeypatch):
    real_pow = torch.Tensor.__pow__
    monkeypatch.setattr(torch.Tensor, "__mul__", lambda self, other: torch.div(self, 1 / other))
    monkeypatch.setattr(torch.Tensor, "__pow__",
                        lambda self, exponent: torch.mul(self, self) if exponent == 2 else real_pow(self, exponent))


@breaks("autograd.backward-method-param-grads")
def test_linear_weight_outside_the_graph(monkeypatch):
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: F.linear(x, self.weight.detach(), self.bias))


@breaks("autograd.backward-with-ones-on-1x10-output")
def test_linear_output_gains_a_dimension(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).unsqueeze(0))


@breaks("autograd.signal-flows-output-to-input")
def test_hooks_run_input_first(monkeypatch):
    """Hooks are called after backward, from the input end: as if the signal flowed forwards."""
    real_hook, real_backward = torch.Tensor.register_hook, torch.Tensor.backward
    pending = []

    def register_hook(self, hook):
        return real_hook(self, lambda grad: pending.append((hook, grad)))

    def backward(self, *args, **kwargs):
        real_backward(self, *args, **kwargs)
        for hook, grad in reversed(pending):
            hook(grad)
        pending.clear()

    monkeypatch.setattr(torch.Tensor, "register_hook", register_hook)
    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("autograd.forward-method-output")
def test_module_call_skips_hooks_and_adds_a_dimension(monkeypatch):
    monkeypatch.setattr(nn.Module, "__call__", lambda self, *args, **kwargs: self.forward(*args, **kwargs).unsqueeze(0))


@breaks("autograd.graph-of-sum-of-squares")
def test_add_detaches_its_result(monkeypatch):
    real = torch.Tensor.__add__
    monkeypatch.setattr(torch.Tensor, "__add__", lambda self, other: real(self, other).detach())


@breaks("autograd.weight-data-has-no-grad-info")
def test_data_doubling_the_parameter_in_the_graph(monkeypatch):
    real = torch._C.TensorBase.data
    monkeypatch.setattr(torch.Tensor, "data", property(lambda self: self * 2, real.__set__))


@breaks("autograd.graph-is-a-dag")
def test_addition_recording_no_graph(monkeypatch):
    real = torch.Tensor.__add__
    monkeypatch.setattr(torch.Tensor, "__add__", lambda self, other: real(self, other).detach())
