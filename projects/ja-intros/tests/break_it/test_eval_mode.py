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
def test_dropout_without_rescaling(monkeypatch):
    real = F.dropout

    def unscaled(input, p=0.5, training=True, inplace=False):
        out = real(input, p, training, inplace)
        return out * (1 - p) if training else out

    monkeypatch.setattr(F, "dropout", unscaled)


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
