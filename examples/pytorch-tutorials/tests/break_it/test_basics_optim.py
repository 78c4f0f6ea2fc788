"""Break-it tests for suites/basics_optim.py: break the behaviour a checker observes and see its claim fail."""

import torch
import torch.nn.functional as F
from torch import nn

from torchclaims.testing import backward_replaces_gradients, breaks


@breaks("basics_optim.cross-entropy-combines-log-softmax-and-nll")
def test_cross_entropy_smooths_labels(monkeypatch):
    real = F.cross_entropy
    monkeypatch.setattr(F, "cross_entropy", lambda input, target, *args, **kw: real(input, target, label_smoothing=0.2))


@breaks("basics_optim.gradients-add-up-by-default")
def test_backward_replaces_gradients(monkeypatch):
    backward_replaces_gradients(monkeypatch)


@breaks("basics_optim.zero-grad-prevents-double-counting")
def test_zero_grad_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.optim.Optimizer, "zero_grad", lambda self, set_to_none=True: None)


@breaks("basics_optim.backward-deposits-gradients")
def test_backward_deposits_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *args, **kw: None)


@breaks("basics_optim.step-adjusts-by-gradients")
def test_step_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.optim.SGD, "step", lambda self, closure=None: None)


@breaks("basics_optim.training-optimizes-parameters")
def test_step_climbs_the_gradient(monkeypatch):
    def uphill(self, closure=None):
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=group["lr"])
    monkeypatch.setattr(torch.optim.SGD, "step", uphill)


@breaks("basics_optim.train-mode-matters-for-dropout-and-batchnorm")
def test_dropout_never_drops(monkeypatch):
    real = F.dropout
    monkeypatch.setattr(F, "dropout", lambda input, p=0.5, training=True, inplace=False: real(input, p, False, inplace))


@breaks("basics_optim.train-mode-matters-for-dropout-and-batchnorm")
def test_batch_norm_always_uses_running_statistics(monkeypatch):
    real = F.batch_norm

    def running_only(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
        return real(input, running_mean, running_var, weight, bias, False, momentum, eps)
    monkeypatch.setattr(F, "batch_norm", running_only)


@breaks("basics_optim.train-mode-unnecessary-here")
def test_relu_depends_on_training_mode(monkeypatch):
    monkeypatch.setattr(nn.ReLU, "forward", lambda self, input: F.relu(input) * (2 if self.training else 1))


@breaks("basics_optim.test-loop-computes-no-gradients")
def test_linear_layers_record_gradients_anyway(monkeypatch):
    # (patching torch.no_grad itself would also break nn.init, which builds the model under it)
    def forward(self, input):
        with torch.enable_grad():
            return F.linear(input, self.weight, self.bias)
    monkeypatch.setattr(nn.Linear, "forward", forward)
