import torch
import torch.nn as nn
import torch.nn.functional as F

from torchclaims.testing import breaks


@breaks("losses.mse-formula")
def test_mse_sums_instead_of_averaging(monkeypatch):
    monkeypatch.setattr(nn.MSELoss, "forward", lambda self, a, b: F.mse_loss(a, b, reduction="sum"))


@breaks("losses.mse-000-arange-target")
def test_mse_is_mean_absolute_error(monkeypatch):
    monkeypatch.setattr(nn.MSELoss, "forward", lambda self, a, b: F.l1_loss(a, b))


@breaks("losses.loss-measures-distance")
def test_mse_of_the_difference_of_means(monkeypatch):
    monkeypatch.setattr(nn.MSELoss, "forward", lambda self, a, b: (a.mean() - b.mean()).abs())


@breaks("losses.loss-is-instantiated")
def test_mse_class_computes_when_given_tensors(monkeypatch):
    real = nn.MSELoss

    def mse_loss_class(*args, **kwargs):
        if len(args) == 2 and all(isinstance(a, torch.Tensor) for a in args):
            return F.mse_loss(*args)
        return real(*args, **kwargs)

    monkeypatch.setattr(nn, "MSELoss", mse_loss_class)


@breaks("losses.cross-entropy")
def test_cross_entropy_without_log_softmax(monkeypatch):
    monkeypatch.setattr(nn.CrossEntropyLoss, "forward", lambda self, x, y: F.nll_loss(x, y))


@breaks("losses.item-gives-loss-value")
def test_item_returns_a_tensor(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "item", lambda self: self.clone())


@breaks("losses.cross-entropy-takes-labels")
def test_cross_entropy_keeps_a_dimension(monkeypatch):
    monkeypatch.setattr(nn.CrossEntropyLoss, "forward", lambda self, x, y: F.cross_entropy(x, y).reshape(1))
