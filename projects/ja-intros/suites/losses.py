"""Checkers for loss functions: nn.MSELoss, nn.CrossEntropyLoss, loss.item()."""

import torch
import torch.nn as nn

from torchclaims.checkers import checker
from torchclaims.observe import raised


@checker
def loss_value(device, loss, output, target, target_dtype="float32"):
    """nn.<loss>()(tensor(output), tensor(target)).item() on fixed values."""
    criterion = getattr(nn, loss)()
    out = torch.tensor(output, device=device)
    tgt = torch.tensor(target, device=device, dtype=getattr(torch, target_dtype))
    return criterion(out, tgt).item()


@checker
def mse_against_arange(device, output_value):
    """000: y = torch.arange(0, 10).view(1, 10).float(); nn.MSELoss()(out, y) for out = full((1, 10), v)."""
    y = torch.arange(0, 10).view(1, 10).float().to(device)
    out = torch.full((1, 10), float(output_value), device=device)
    return nn.MSELoss()(out, y).item()


@checker
def loss_scalar(device, loss="MSELoss"):
    """The loss of a (4, 10) output: its shape, and the Python type loss.item() returns."""
    out = torch.randn(4, 10, device=device, requires_grad=True)
    if loss == "CrossEntropyLoss":
        target = torch.randint(0, 10, (4,), device=device)
    else:
        target = torch.randn(4, 10, device=device)
    value = getattr(nn, loss)()(out, target)
    return {"shape": value.shape, "item_type": type(value.item()).__name__}


@checker
def loss_class_called_with_tensors(device):
    """nn.MSELoss(output, target): the class called with the tensors, without instantiating it first.
    Whether that gives a loss (a 0-dim tensor); it may instead raise or build a module."""
    output, target = torch.randn(1, 10, device=device), torch.randn(1, 10, device=device)
    made = []
    outcome = raised(lambda: made.append(nn.MSELoss(output, target)))
    gives_loss = outcome["raises"] is None and isinstance(made[0], torch.Tensor) and made[0].dim() == 0
    return {"gives_loss": gives_loss, "message": f"{outcome['raises']}: {outcome['message']}" if outcome["raises"] else ""}


@checker
def mse_grows_with_distance(device, distances):
    """nn.MSELoss between a fixed (1, 10) output and the output shifted by each distance."""
    out = torch.linspace(-1, 1, 10, device=device).view(1, 10)
    return [nn.MSELoss()(out, out + d).item() for d in distances]
