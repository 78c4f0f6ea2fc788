"""Break train/eval behaviours, and see the eval_mode claims fail."""

import torch.nn as nn
import torch.nn.functional as F

from torchclaims.testing import breaks


@breaks("eval_mode.eval-sets-evaluation-mode")
def test_eval_not_recursive(monkeypatch):
    def shallow_eval(self):
        self.training = False
        return self

    monkeypatch.setattr(nn.Module, "eval", shallow_eval)


@breaks("eval_mode.eval-equals-train-false")
def test_train_false_ignored(monkeypatch):
    real = nn.Module.train
    monkeypatch.setattr(nn.Module, "train", lambda self, mode=True: real(self, True))


@breaks("eval_mode.dropout-on-in-train")
def test_dropout_never_on(monkeypatch):
    monkeypatch.setattr(nn.Dropout, "forward", lambda self, x: F.dropout(x, self.p, False, self.inplace))


@breaks("eval_mode.dropout-off-in-eval")
def test_dropout_in_eval_scales_by_keep_probability(monkeypatch):
    real = F.dropout

    def scaled_in_eval(input, p=0.5, training=True, inplace=False):
        out = real(input, p, training, inplace)
        return out if training else out / (1 - p)

    monkeypatch.setattr(F, "dropout", scaled_in_eval)


@breaks("eval_mode.dropout-off-in-eval")
def test_dropout_always_on(monkeypatch):
    monkeypatch.setattr(nn.Dropout, "forward", lambda self, x: F.dropout(x, self.p, True, self.inplace))


@breaks("eval_mode.batchnorm-eval-uses-running-statistics")
def test_batchnorm_always_uses_batch(monkeypatch):
    real = F.batch_norm

    def always_training(input, running_mean, running_var, weight=None, bias=None, training=False,
                        momentum=0.1, eps=1e-5):
        return real(input, running_mean, running_var, weight, bias, True, momentum, eps)

    monkeypatch.setattr(F, "batch_norm", always_training)


@breaks("eval_mode.batchnorm-train-uses-batch-statistics")
def test_batchnorm_never_updates(monkeypatch):
    real = F.batch_norm

    def frozen(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
        return real(input, running_mean, running_var, weight, bias, False, momentum, eps)

    monkeypatch.setattr(F, "batch_norm", frozen)


@breaks("eval_mode.only-certain-modules")
def test_linear_depends_on_mode(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x) * (1.01 if self.training else 1.0))


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("eval_mode.only-certain-modules")
def test_conv_and_relu_depend_on_mode(monkeypatch):
    real_conv, real_relu = nn.Conv2d.forward, nn.ReLU.forward
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: real_conv(self, x) * (1.01 if self.training else 1.0))
    monkeypatch.setattr(nn.ReLU, "forward", lambda self, x: real_relu(self, x) * (1.01 if self.training else 1.0))


@breaks("eval_mode.dropout-and-batchnorm-change")
def test_dropout_and_batchnorm_ignore_mode(monkeypatch):
    monkeypatch.setattr(nn.Dropout, "forward", lambda self, x: x)
    real = nn.BatchNorm2d.forward

    def always_batch_statistics(self, x):
        training, self.training = self.training, True
        try:
            return real(self, x)
        finally:
            self.training = training

    monkeypatch.setattr(nn.BatchNorm2d, "forward", always_batch_statistics)
