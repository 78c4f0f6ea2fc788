"""Checkers for fine-tuning (000's section): new heads, frozen layers, per-layer learning rates,
input sizes, and ImageNet-pretrained torchvision models.

Models are built with weights=None (nothing can be downloaded); a "pretrained" model is
stood in for by a model's saved state_dict. Only the claim that the official ImageNet weights
load needs their file, and it is looked for in torch.hub's cache without any network access.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.checkers import NotRun, checker
from ._models import OneConvNet


def _one_thread():
    """Small models train fastest on one CPU thread (the harness restores the thread count afterwards)."""
    torch.set_num_threads(1)


# (model name, default dtype, CPU RNG state before building) -> (the model as built, RNG state after)
_BUILT: dict[tuple, tuple[nn.Module, torch.Tensor]] = {}


def _torchvision_model(name: str) -> nn.Module:
    """models.get_model(name, weights=None), built once per worker for each CPU RNG state it is built
    from: a fresh deep copy, with the RNG left where building leaves it, so the claim sees exactly
    what building it anew gives. (A break-it test that breaks how a model is built clears _BUILT.)"""
    from torchvision import models

    key = (name, torch.get_default_dtype(), torch.get_rng_state().numpy().tobytes())
    if key not in _BUILT:
        built = models.get_model(name, weights=None)
        _BUILT[key] = (built, torch.get_rng_state())
    built, rng_after = _BUILT[key]
    torch.set_rng_state(rng_after)
    return copy.deepcopy(built)


def _resnet18(classes: int | None = None, device="cpu"):
    model = _torchvision_model("resnet18")
    if classes is not None:
        model.fc = nn.Linear(model.fc.in_features, classes)
    return model.to(device)


def _batch(device, batch=4, size=32, classes=5):
    """A small batch of random images: resnet18's adaptive pooling takes 32x32 as well as 224x224."""
    images = torch.randn(batch, 3, size, size)
    labels = torch.randint(0, classes, (batch,))
    return images.to(device), labels.to(device)


def _trainable(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@checker
def replaced_head_output(device, classes, size=64, batch=2):
    """resnet18's fc replaced by nn.Linear(fc.in_features, classes): fc's in_features and the output shape."""
    _one_thread()
    model = _resnet18(device=device)
    in_features = model.fc.in_features
    model.fc = nn.Linear(in_features, classes).to(device)
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(batch, 3, size, size, device=device))
    return {"fc_in_features": in_features, "output_shape": out.shape}


@checker
def freeze_and_step(device, trainable, classes=5, lr=0.01):
    """resnet18 with a new head; every parameter outside `trainable` (top-level module names) gets
    requires_grad=False; SGD over model.parameters() takes one step. What happened to each kind."""
    _one_thread()
    model = _resnet18(classes, device)
    for name, p in model.named_parameters():
        p.requires_grad = _trainable(name, trainable)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = optim.SGD(model.parameters(), lr=lr)
    images, labels = _batch(device, classes=classes)
    model.train()
    optimizer.zero_grad()
    F.cross_entropy(model(images), labels).backward()
    optimizer.step()
    frozen = [(n, p) for n, p in model.named_parameters() if not _trainable(n, trainable)]
    trained = [(n, p) for n, p in model.named_parameters() if _trainable(n, trainable)]
    return {
        "frozen_unchanged": all(torch.equal(before[n], p.detach()) for n, p in frozen),
        "frozen_grads_none": all(p.grad is None for _, p in frozen),
        "trainable_all_changed": all(not torch.equal(before[n], p.detach()) for n, p in trained),
    }


@checker
def effective_learning_rates(device, groups, classes=5):
    """resnet18 (float64) with a new head; SGD with one param group per entry of `groups`
    (top-level module name -> lr; 'rest' takes every other parameter). After one step, each
    group's effective learning rate sum|delta| / sum|grad|."""
    _one_thread()
    model = _resnet18(classes, device).double()
    named = list(model.named_parameters())
    members = {key: [] for key in groups}
    for name, p in named:
        owner = next((k for k in groups if k != "rest" and _trainable(name, [k])), "rest")
        members[owner].append(p)
    optimizer = optim.SGD([{"params": ps, "lr": groups[k]} for k, ps in members.items() if ps], lr=1.0)
    images, labels = _batch(device, classes=classes)
    before = {id(p): p.detach().clone() for _, p in named}
    model.train()
    optimizer.zero_grad()
    F.cross_entropy(model(images.double()), labels).backward()
    optimizer.step()
    rates = {}
    for key, ps in members.items():
        moved = sum((before[id(p)] - p.detach()).abs().sum().item() for p in ps)
        gradient = sum(p.grad.abs().sum().item() for p in ps)
        rates[key] = moved / gradient
    return rates


@checker
def input_size_errors(device, model, sizes):
    """Forward a 1-image batch of each square size through `model` (a torchvision model name,
    weights=None): does the forward raise?"""
    _one_thread()
    net, channels = _torchvision_model(model), 3
    net = net.to(device).eval()
    found = {}
    for size in sizes:
        try:
            with torch.no_grad():
                net(torch.randn(1, channels, size, size, device=device))
            found[str(size)] = False
        except RuntimeError:
            found[str(size)] = True
    return found


class _OneConvNetWithExtraLayer(nn.Module):
    """000's one-conv Net with one layer added before fc1 (or none) to shrink the feature map."""

    def __init__(self, extra):
        super().__init__()
        base = OneConvNet()
        self.conv1, self.fc1 = base.conv1, base.fc1
        self.extra = {"none": nn.Identity(), "maxpool": nn.MaxPool2d(2),
                      "conv": nn.Conv2d(6, 6, kernel_size=2, stride=2)}[extra]

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(F.max_pool2d(x, (2, 2)))
        x = self.extra(x)
        x = x.view(x.size()[0], -1)
        return self.fc1(x)


@checker
def extra_layer_before_fc(device, size, layer):
    """000's Net (fc1 takes 1350 = 6*15*15 features) on a size x size image: does it raise as is,
    and what does it output with `layer` ('maxpool' or 'conv', stride 2) added before fc1?"""
    _one_thread()
    x = torch.randn(1, 1, size, size, device=device)
    outcome = {}
    for name, extra in (("without_layer", "none"), ("with_layer", layer)):
        net = _OneConvNetWithExtraLayer(extra).to(device)
        try:
            with torch.no_grad():
                outcome[name] = net(x).shape
        except RuntimeError:
            outcome[name] = None
    return {"raises_without_layer": outcome["without_layer"] is None,
            "raises_with_layer": outcome["with_layer"] is None,
            "output_shape_with_layer": outcome["with_layer"]}


@checker
def finetune_from_state_dict(device, observe, classes=3, steps=3, lr=0.01):
    """Fine-tuning as 000 describes it: a trained model's state_dict is loaded into a fresh resnet18,
    its head is replaced for `classes` classes, and every layer is retrained on new data. `observe`
    names what to report of: starts_from_pretrained, every_param_changed, loss_decreased."""
    _one_thread()
    pretrained = _resnet18(device="cpu")
    with torch.no_grad():  # stand-in for training: weights no fresh model starts from
        for p in pretrained.parameters():
            p.add_(0.01)
    saved = io.BytesIO()
    torch.save(pretrained.state_dict(), saved)
    saved.seek(0)
    model = _resnet18(device="cpu")
    model.load_state_dict(torch.load(saved, weights_only=True))
    reference = {k: v.clone() for k, v in pretrained.state_dict().items() if not k.startswith("fc.")}
    starts = all(torch.equal(v, model.state_dict()[k]) for k, v in reference.items())
    model.fc = nn.Linear(model.fc.in_features, classes)
    model = model.to(device)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = optim.SGD(model.parameters(), lr=lr)
    images, labels = _batch(device, batch=4, size=64, classes=classes)  # at 32x32 layer4's maps are 1x1
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    found = {"starts_from_pretrained": starts,
             "every_param_changed": all(not torch.equal(before[n], p.detach()) for n, p in model.named_parameters()),
             "loss_decreased": losses[-1] < losses[0]}
    return {name: found[name] for name in observe}


@checker
def classification_models_without_imagenet_weights(device):
    """Every torchvision classification model: those that offer no IMAGENET1K_* weights (none expected)."""
    _one_thread()
    from torchvision import models

    return sorted(name for name in models.list_models(module=models)
                  if not any(w.name.startswith("IMAGENET1K") for w in models.get_model_weights(name)))


@checker
def load_imagenet_weights(device, model="resnet18"):
    """Build `model` with its default (ImageNet) weights from torch.hub's cache, never the network."""
    _one_thread()
    from torchvision import models

    weights = models.get_model_weights(model).DEFAULT
    cached = Path(torch.hub.get_dir()) / "checkpoints" / Path(weights.url).name
    if not cached.is_file():
        raise NotRun(f"needs network: {cached.name} is not in torch.hub's cache ({cached.parent})")
    try:
        net = models.get_model(model, weights=weights)
    except Exception as exc:  # a damaged or foreign file: the weights do not load
        return {"loads": False, "num_classes": None, "message": f"{type(exc).__name__}: {exc}"[:200]}
    head = next(m for m in reversed(list(net.modules())) if isinstance(m, nn.Linear))
    return {"loads": True, "num_classes": head.out_features}
