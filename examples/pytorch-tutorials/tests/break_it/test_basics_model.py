"""Break-it tests for suites/basics_model.py: break the behaviour a checker observes and see its claim fail."""

import torch
import torch.nn.functional as F
from torch import nn

from torchclaims.testing import breaks


@breaks("basics_model.calling-model-runs-forward")
def test_call_skips_the_hooks(monkeypatch):
    monkeypatch.setattr(nn.Module, "__call__", lambda self, *args, **kw: self.forward(*args, **kw))


@breaks("basics_model.calling-model-runs-forward")
def test_call_runs_forward_twice(monkeypatch):
    real = nn.Module.__call__

    def twice(self, *args, **kw):
        self.forward(*args, **kw)
        return real(self, *args, **kw)
    monkeypatch.setattr(nn.Module, "__call__", twice)


@breaks("basics_model.model-returns-10-values")
def test_flatten_flattens_the_batch_too(monkeypatch):
    monkeypatch.setattr(nn.Flatten, "forward", lambda self, x: x.reshape(-1))


@breaks("basics_model.flatten-keeps-minibatch")
def test_flatten_transposes_each_image(monkeypatch):
    monkeypatch.setattr(nn.Flatten, "forward", lambda self, x: x.transpose(1, 2).flatten(1))


@breaks("basics_model.flatten-keeps-minibatch")
def test_flatten_returns_a_strided_copy(monkeypatch):
    def strided(self, x):
        flat = x.reshape(x.shape[0], -1)
        return torch.empty(flat.shape[1], flat.shape[0], dtype=flat.dtype, device=flat.device).t().copy_(flat)
    monkeypatch.setattr(nn.Flatten, "forward", strided)


@breaks("basics_model.flatten-keeps-minibatch")
def test_flatten_flattens_the_minibatch_dimension_too(monkeypatch):
    monkeypatch.setattr(nn.Flatten, "forward", lambda self, x: x.reshape(-1))


@breaks("basics_model.linear-uses-stored-weights-and-biases")
def test_linear_drops_its_bias(monkeypatch):
    real = F.linear
    monkeypatch.setattr(F, "linear", lambda input, weight, bias=None: real(input, weight))


@breaks("basics_model.linear-uses-stored-weights-and-biases")
def test_linear_keeps_the_first_10_outputs(monkeypatch):
    real = F.linear
    monkeypatch.setattr(F, "linear", lambda input, weight, bias=None: real(input, weight[:10], None if bias is None else bias[:10]))


@breaks("basics_model.sequential-runs-in-order")
def test_sequential_skips_relu(monkeypatch):
    def forward(self, input):
        for module in self:
            if not isinstance(module, nn.ReLU):
                input = module(input)
        return input
    monkeypatch.setattr(nn.Sequential, "forward", forward)


@breaks("basics_model.sequential-runs-in-order")
def test_sequential_stops_before_the_last_module(monkeypatch):
    def forward(self, input):
        for module in list(self)[:-1]:
            input = module(input)
        return input
    monkeypatch.setattr(nn.Sequential, "forward", forward)


@breaks("basics_model.softmax-probabilities-sum-to-1")
def test_softmax_normalises_over_the_batch(monkeypatch):
    real = F.softmax
    monkeypatch.setattr(F, "softmax", lambda input, dim=None, *args, **kw: real(input, 0, *args, **kw))


@breaks("basics_model.softmax-probabilities-sum-to-1")
def test_softmax_is_exp(monkeypatch):
    monkeypatch.setattr(F, "softmax", lambda input, dim=None, *args, **kw: torch.exp(input) + 1)


@breaks("basics_model.named-parameters-tracked")
def test_named_parameters_skips_biases(monkeypatch):
    real = nn.Module.named_parameters
    monkeypatch.setattr(nn.Module, "named_parameters",
                        lambda self, *args, **kw: ((n, p) for n, p in real(self, *args, **kw) if not n.endswith("bias")))


@breaks("basics_model.named-parameters-tracked")
def test_parameters_come_out_reversed(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters", lambda self, *args, **kw: reversed(list(real(self, *args, **kw))))


@breaks("basics_model.named-parameters-tracked")
def test_named_parameters_gives_weights_flattened(monkeypatch):
    real = nn.Module.named_parameters
    monkeypatch.setattr(nn.Module, "named_parameters",
                        lambda self, *args, **kw: ((n, p.flatten()) for n, p in real(self, *args, **kw)))
