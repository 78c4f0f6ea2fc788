"""Checkers for model.eval() / model.train(): the training flag, Dropout and BatchNorm in each mode."""

import torch
import torch.nn as nn

from torchclaims.checkers import checker
from ._models import ConvBnReluNet


def _nested_model():
    """A model with modules two levels down: 003's Net inside a Sequential, with Dropout and a Linear."""
    return nn.Sequential(ConvBnReluNet(), nn.Flatten(), nn.Dropout(0.5), nn.Linear(5 * 3 * 3, 2))


@checker
def training_flags(device, action):
    """`module.training` of every module (model.modules(), in order) after `action` on a model in train mode."""
    model = _nested_model().to(device)
    model.train()
    if action == "eval":
        model.eval()
    elif action == "train_false":
        model.train(False)
    elif action == "eval_then_train":
        model.eval()
        model.train()
    else:
        raise ValueError(action)
    return [module.training for module in model.modules()]


@checker
def dropout_output(device, mode, p, report=("zeroed_fraction", "kept_values")):
    """nn.Dropout(p) on 20000 ones in `mode`: the keys named in `report`, of 'zeroed_fraction'
    (the fraction zeroed) and 'kept_values' (the distinct values of the rest)."""
    layer = nn.Dropout(p).to(device)
    layer.train(mode == "train")
    out = layer(torch.ones(20000, device=device))
    kept = out[out != 0]
    seen = {"zeroed_fraction": round((out == 0).float().mean().item(), 3),
            "kept_values": sorted({round(v, 5) for v in kept.unique().tolist()})}
    return {key: seen[key] for key in report}


@checker
def batchnorm_statistics(device, mode):
    """nn.BatchNorm2d(3) with running stats made different from the batch's, called in `mode`:
    does its output match normalising by the batch statistics, by the running statistics,
    and did the call change the running statistics?"""
    bn = nn.BatchNorm2d(3).to(device)
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([1.0, -2.0, 0.5]))
        bn.running_var.copy_(torch.tensor([4.0, 0.25, 9.0]))
        bn.weight.copy_(torch.tensor([1.5, 0.5, 2.0]))
        bn.bias.copy_(torch.tensor([0.1, -0.3, 0.2]))
    bn.train(mode == "train")
    x = torch.randn(8, 3, 5, 5, device=device) * 3 + 5
    running_mean, running_var = bn.running_mean.clone(), bn.running_var.clone()
    out = bn(x)

    def normalised(mean, var):
        shape = (1, 3, 1, 1)
        return ((x - mean.view(shape)) / torch.sqrt(var.view(shape) + bn.eps) * bn.weight.view(shape)
                + bn.bias.view(shape))

    by_batch = normalised(x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False))
    by_running = normalised(running_mean, running_var)
    return {"uses_batch_statistics": torch.allclose(out, by_batch, rtol=1e-4, atol=1e-4),
            "uses_running_statistics": torch.allclose(out, by_running, rtol=1e-4, atol=1e-4),
            "running_statistics_updated": not (torch.equal(running_mean, bn.running_mean)
                                               and torch.equal(running_var, bn.running_var))}


LAYERS = {
    "linear": lambda: nn.Linear(6, 6),
    "conv2d": lambda: nn.Conv2d(6, 6, 3, padding=1),
    "relu": lambda: nn.ReLU(),
    "dropout": lambda: nn.Dropout(0.5),
    "batchnorm2d": lambda: nn.BatchNorm2d(6),
}


@checker
def mode_changes_output(device, layers):
    """For each layer: does its output on the same input differ between train() and eval()?"""
    found = {}
    for name in layers:
        layer = LAYERS[name]().to(device)
        x = torch.randn(4, 6, 5, 5, device=device) if name in ("conv2d", "batchnorm2d") else torch.randn(4, 6, device=device)
        with torch.no_grad():
            layer.train()
            in_train = layer(x)
            layer.eval()
            in_eval = layer(x)
        found[name] = not torch.allclose(in_train, in_eval, rtol=1e-5, atol=1e-6)
    return found
