"""Break-it tests for suites/neural_networks.py: break the behaviour a checker observes and see its claim fail."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.testing import backward_replaces_gradients, breaks


def _pad_convolutions(monkeypatch, when=lambda x: True):
    real = nn.Conv2d.forward

    def forward(self, x):
        return real(self, F.pad(x, (2, 2, 2, 2)) if when(x) else x)

    monkeypatch.setattr(nn.Conv2d, "forward", forward)


def _pool_does_nothing(monkeypatch):
    monkeypatch.setattr(F, "max_pool2d", lambda x, *args, **kw: x)


@breaks("nn.c1-output-shape")
def test_convolutions_pad(monkeypatch):
    _pad_convolutions(monkeypatch)


@breaks("nn.s2-output-shape")
def test_pooling_does_not_pool(monkeypatch):
    _pool_does_nothing(monkeypatch)


@breaks("nn.s4-output-shape")
def test_pooling_does_not_pool_at_s4(monkeypatch):
    _pool_does_nothing(monkeypatch)


@breaks("nn.f5-output-shape")
def test_linear_doubles_its_features(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).repeat(1, 2))


@breaks("nn.output-shape")
def test_linear_doubles_its_features_at_the_output(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).repeat(1, 2))


@breaks("nn.first-parameter-is-conv1-weight")
def test_parameters_in_reverse_order(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters", lambda self, recurse=True: iter(list(real(self, recurse))[::-1]))


@breaks("nn.input-32x32")
def test_convolutions_pad_so_32x32_no_longer_fits(monkeypatch):
    _pad_convolutions(monkeypatch)


@breaks("nn.mnist-needs-resize")
def test_28x28_inputs_padded_to_fit(monkeypatch):
    _pad_convolutions(monkeypatch, when=lambda x: x.shape[-1] == 28)


@breaks("nn.only-mini-batches")
def test_conv2d_refuses_unbatched_input(monkeypatch):
    """Torch as the tutorial describes it: Conv2d wants a 4D mini-batch."""
    real = nn.Conv2d.forward

    def forward(self, x):
        if x.dim() != 4:
            raise RuntimeError(f"Expected 4-dimensional input, got {x.dim()}-dimensional")
        return real(self, x)

    monkeypatch.setattr(nn.Conv2d, "forward", forward)


@breaks("nn.unsqueeze-adds-batch-dimension")
def test_unsqueeze_adds_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "unsqueeze", lambda self, dim: self)


@breaks("nn.backward-automatically-defined")
def test_parameters_lists_only_weights(monkeypatch):
    real = nn.Module.parameters
    monkeypatch.setattr(nn.Module, "parameters",
                        lambda self, recurse=True: (p for p in real(self, recurse) if p.dim() > 1))


@breaks("nn.backward-automatically-defined")
def test_relu_cuts_the_graph(monkeypatch):
    real = F.relu
    monkeypatch.setattr(F, "relu", lambda x, inplace=False: real(x).detach())


@breaks("nn.mse-loss-is-mean-squared-error")
def test_mse_loss_sums(monkeypatch):
    real = F.mse_loss
    monkeypatch.setattr(F, "mse_loss", lambda input, target, *args, **kw: real(input, target, reduction="sum"))


@breaks("nn.target-view-same-shape")
def test_view_adds_a_dimension(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self, *shape).unsqueeze(0))


@breaks("nn.grad-fn-chain")
def test_mse_loss_built_from_elementary_operations(monkeypatch):
    monkeypatch.setattr(F, "mse_loss", lambda input, target, *args, **kw: ((input - target) ** 2).mean())


@breaks("nn.gradients-accumulate")
def test_backward_overwrites_gradients(monkeypatch):
    backward_replaces_gradients(monkeypatch)


@breaks("nn.net-zero-grad-zeroes")
def test_module_zero_grad_writes_zeros(monkeypatch):
    """Torch as the tutorial describes it: zero_grad() leaves zero tensors."""
    real = nn.Module.zero_grad
    monkeypatch.setattr(nn.Module, "zero_grad", lambda self, set_to_none=True: real(self, set_to_none=False))


@breaks("nn.optimizer-zero-grad-zeroes")
def test_optimizer_zero_grad_writes_zeros(monkeypatch):
    """Torch as the tutorial describes it: zero_grad() leaves zero tensors."""
    real = optim.Optimizer.zero_grad
    monkeypatch.setattr(optim.Optimizer, "zero_grad", lambda self, set_to_none=True: real(self, set_to_none=False))


@breaks("nn.manual-sgd-update")
def test_sub_underscore_adds(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "sub_", lambda self, other, **kw: self.add_(other, **kw))


@breaks("nn.optim-sgd-step-updates")
def test_sgd_doubles_its_learning_rate(monkeypatch):
    real = optim.SGD.__init__
    monkeypatch.setattr(optim.SGD, "__init__", lambda self, params, lr=1e-3, **kw: real(self, params, lr=2 * lr, **kw))


@breaks("nn.parameter-auto-registered")
def test_parameter_is_a_plain_holder(monkeypatch):
    class Parameter:
        def __init__(self, data=None, requires_grad=True):
            self.data = data

    monkeypatch.setattr(nn, "Parameter", Parameter)


@breaks("nn.operations-create-function-nodes")
def test_randn_ignores_requires_grad(monkeypatch):
    real = torch.randn
    monkeypatch.setattr(torch, "randn", lambda *size, requires_grad=False, **kw: real(*size, **kw))
