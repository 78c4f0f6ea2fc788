import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.testing import breaks, graph_leaves


def _sgd_step_does_nothing(monkeypatch):
    monkeypatch.setattr(optim.SGD, "step", lambda self, closure=None: None)


def _sgd_climbs_the_gradient(monkeypatch):
    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=group["lr"])

    monkeypatch.setattr(optim.SGD, "step", step)


@breaks("training.three-steps-forward")
def test_loss_that_is_not_reduced_to_a_scalar(monkeypatch):
    monkeypatch.setattr(nn.CrossEntropyLoss, "forward",
                        lambda self, input, target: F.cross_entropy(input, target, reduction="none"))


@breaks("training.optim-flow-backward-computes-grads")
def test_backward_that_computes_nothing(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *args, **kwargs: None)


@breaks("training.three-steps-step")
def test_sgd_step_that_updates_nothing(monkeypatch):
    _sgd_step_does_nothing(monkeypatch)


@breaks("training.backward-method-step-uses-grads")
def test_sgd_step_with_the_wrong_sign(monkeypatch):
    _sgd_climbs_the_gradient(monkeypatch)


@breaks("training.lenet-flow-lowers-loss")
def test_sgd_that_climbs_the_loss(monkeypatch):
    _sgd_climbs_the_gradient(monkeypatch)


@breaks("training.backward-method-zero-grad-zeroes")
def test_zero_grad_that_keeps_the_gradients(monkeypatch):
    monkeypatch.setattr(optim.Optimizer, "zero_grad", lambda self, set_to_none=True: None)


@breaks("training.model-train-sets-training-mode")
def test_train_that_does_not_switch_mode(monkeypatch):
    monkeypatch.setattr(nn.Module, "train", lambda self, mode=True: self)


@breaks("training.linreg-fits-y-equals-2x")
def test_regression_whose_optimizer_never_steps(monkeypatch):
    _sgd_step_does_nothing(monkeypatch)


@breaks("training.linreg-prints-decreasing-loss-every-100-epochs")
def test_regression_that_climbs_the_loss(monkeypatch):
    _sgd_climbs_the_gradient(monkeypatch)


def _subtraction_adds(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__sub__", lambda a, b: torch.add(a, b))


@breaks("training.gd-moves-towards-minimum-each-iteration")
def test_descent_that_climbs(monkeypatch):
    _subtraction_adds(monkeypatch)


@breaks("training.gd-too-large-lr-overshoots")
def test_descent_that_never_crosses_the_minimum(monkeypatch):
    _subtraction_adds(monkeypatch)


@breaks("training.optim-too-large-lr-overshoots")
def test_optimizer_descent_that_never_crosses_the_minimum(monkeypatch):
    _sgd_climbs_the_gradient(monkeypatch)


@breaks("training.gd-steep-slope-big-step")
def test_descent_by_fixed_steps_whatever_the_slope(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__sub__", lambda a, b: torch.sub(a, torch.sign(b) * 0.5))


@breaks("training.gd-gradient-is-pytorch-gradient")
def test_power_that_is_off_by_one(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__pow__", lambda a, exponent: torch.pow(a, exponent + 1))


@breaks("training.mnist-practice-learns")
def test_mnist_training_whose_optimizer_never_steps(monkeypatch):
    monkeypatch.setattr(optim.Adam, "step", lambda self, closure=None: None)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("training.optim-flow-backward-computes-grads")
def test_linear_layers_made_with_zero_grads(monkeypatch):
    real = nn.Linear.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        for p in self.parameters():
            p.grad = torch.zeros_like(p)

    monkeypatch.setattr(nn.Linear, "__init__", init)


@breaks("training.optim-flow-backward-computes-grads")
def test_backward_that_also_updates_the_leaves(monkeypatch):
    real = torch.Tensor.backward

    def backward(self, *args, **kwargs):
        real(self, *args, **kwargs)
        with torch.no_grad():
            for leaf in graph_leaves(self):
                if leaf.grad is not None:
                    leaf -= 0.01 * leaf.grad

    monkeypatch.setattr(torch.Tensor, "backward", backward)


@breaks("training.three-steps-forward")
def test_losses_detached_from_the_graph(monkeypatch):
    real = nn.Module.__call__

    def call(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        return out.detach() if isinstance(self, nn.modules.loss._Loss) else out

    monkeypatch.setattr(nn.Module, "__call__", call)


@breaks("training.lenet-forward-to-objective")
def test_linear_output_gains_a_dimension(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).unsqueeze(0))


@breaks("training.gd-too-small-lr-slow")
def test_small_step_sizes_taken_as_one_half(monkeypatch):
    real = torch.Tensor.__rmul__
    monkeypatch.setattr(torch.Tensor, "__rmul__",
                        lambda self, other: real(self, 0.5 if isinstance(other, float) and other < 1 else other))


@breaks("training.model-train-sets-training-mode")
def test_train_that_only_switches_to_eval(monkeypatch):
    real = nn.Module.train
    monkeypatch.setattr(nn.Module, "train", lambda self, mode=True: real(self, mode) if not mode else self)
