"""Checkers for nn.init: what each initialiser draws, in place, on weights and biases; nn.Linear's default."""

import math

import torch
import torch.nn as nn

from torchclaims.checkers import checker
from torchclaims.observe import raised


@checker
def init_statistics(device, init, shape, stats, args=None):
    """nn.init.<init>(w, **args) on a tensor of `shape`: the requested statistics of w (mean, std, min, max)."""
    w = torch.empty(*shape, device=device)
    getattr(nn.init, init)(w, **(args or {}))
    values = {"mean": w.mean(), "std": w.std(), "min": w.min(), "max": w.max()}
    return {name: round(values[name].item(), 5) for name in stats}


@checker
def init_in_place(device):
    """nn.init.normal_(dense.weight, 0.0, 1.0): does it return dense.weight itself, changed in place?"""
    dense = nn.Linear(3, 2).to(device)
    before = dense.weight.detach().clone()
    returned = nn.init.normal_(dense.weight, 0.0, 1.0)
    return {"returns_the_weight": returned is dense.weight, "type": type(returned).__name__,
            "requires_grad": returned.requires_grad, "values_changed": not torch.equal(before, dense.weight.detach())}


@checker
def call_init(device, name, target="weight", args=None):
    """Call nn.init.<name> on a Linear(300, 200)'s weight or bias, as the document writes the call."""
    dense = nn.Linear(300, 200).to(device)
    tensor = getattr(dense, target)
    return raised(lambda: getattr(nn.init, name)(tensor, **(args or {})))


@checker
def linear_default_weight_scale(device, fan_in, fan_out):
    """A new nn.Linear(fan_in, fan_out)'s weight: std * sqrt(fan_in) and max|w| * sqrt(fan_in).

    He (Kaiming) initialisation for ReLU has std = sqrt(2 / fan_in), i.e. std * sqrt(fan_in) = sqrt(2).
    """
    w = nn.Linear(fan_in, fan_out, device=device).weight.detach()
    scale = math.sqrt(fan_in)
    return {"std_x_sqrt_fan_in": round(w.std().item() * scale, 3)}
