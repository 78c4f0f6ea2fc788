"""Checkers for specs/basics_saveload.yaml: "Learn the Basics", Save and Load the Model
(saveloadrun_tutorial.py, 2021 version).

The tutorial saves torchvision's VGG-16 with its pretrained weights, which would need the network
and some 500 MB on disk; these checkers use a small stand-in with the layers the text speaks of
(a convolution, batch normalization, dropout, a linear layer). What the text claims is about
torch.save / torch.load / state_dict, not about VGG-16. Files go to a temporary directory.
"""

import sys
import tempfile
import types
from pathlib import Path

import torch
from torch import nn

from torchclaims.checkers import checker
from torchclaims.observe import raised


def _small_model(device):
    """A stand-in for the tutorial's VGG-16: 3x8x8 images in, 10 values out."""
    return nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.5), nn.Flatten(), nn.Linear(4 * 6 * 6, 10),
    ).to(device)


def _same_tensors(first, second):
    return (list(first) == list(second)
            and all(torch.equal(first[k].cpu(), second[k].cpu()) for k in first))


@checker
def state_dict_saved(device):
    """model.state_dict(): does it hold every learned parameter? torch.save it and torch.load it back: the same tensors?"""
    model = _small_model(device)
    state = model.state_dict()
    has_every = all(name in state and torch.equal(state[name], param) for name, param in model.named_parameters())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model_weights.pth"
        torch.save(model.state_dict(), path)
        loaded = raised(lambda: torch.load(path))
        reloaded_equal = loaded["raises"] is None and _same_tensors(torch.load(path), state)
    return {"state_dict_has_every_parameter": has_every, "reloaded_equal": reloaded_equal}


@checker
def load_into_new_instance(device):
    """A second instance of the same model class (its own random weights) after
    load_state_dict(torch.load(path)) of the first's saved state_dict: the same parameters and, in eval(), the same outputs?"""
    trained = _small_model(device)
    fresh = _small_model(device)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model_weights.pth"
        torch.save(trained.state_dict(), path)
        fresh.load_state_dict(torch.load(path))
    trained.eval()
    fresh.eval()
    x = torch.rand(2, 3, 8, 8, device=device)
    with torch.no_grad():
        same_output = torch.equal(trained(x), fresh(x))
    return {"same_parameters": _same_tensors(trained.state_dict(), fresh.state_dict()), "same_output": same_output}


@checker
def inference_consistency(device):
    """The same input twice through the model, in its default (training) mode and after model.eval(): are the two results equal?"""
    model = _small_model(device)
    x = torch.rand(2, 3, 8, 8, device=device)
    with torch.no_grad():
        consistent_without_eval = torch.equal(model(x), model(x))
        model.eval()
        consistent_with_eval = torch.equal(model(x), model(x))
    return {"without_eval": consistent_without_eval, "with_eval": consistent_with_eval}


@checker
def whole_model_round_trip(device):
    """torch.save(model, path), then model = torch.load(path) as the tutorial writes it: the loaded object's
    class name, or the exception raised."""
    model = _small_model(device)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pth"
        torch.save(model, path)
        outcome = raised(lambda: torch.load(path))
        if outcome["raises"] is not None:
            return {"loaded": outcome}
        return {"loaded": type(torch.load(path)).__name__}


_TINY_NET = '''
import torch
class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)
'''


@checker
def pickled_class_needed(device):
    """A model of a class from a throwaway module, saved whole; torch.load(path, weights_only=False) (the pickle
    path the note speaks of) with the class still defined, and after it is deleted: the class name, or the exception."""
    name = "_torchclaims_basics_saveload_tiny"
    module = types.ModuleType(name)
    exec(_TINY_NET, module.__dict__)
    sys.modules[name] = module
    try:
        model = module.TinyNet().to(device)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.pth"
            torch.save(model, path)
            load = lambda: type(torch.load(path, weights_only=False)).__name__  # noqa: E731
            with_class = raised(load)
            with_class = load() if with_class["raises"] is None else with_class["raises"]
            del module.TinyNet
            without_class = raised(load)
            without_class = load() if without_class["raises"] is None else without_class["raises"]
    finally:
        sys.modules.pop(name, None)
    return {"class_defined": with_class, "class_deleted": without_class}
