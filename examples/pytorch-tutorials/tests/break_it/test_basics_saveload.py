"""Break-it tests for suites/basics_saveload.py: break the behaviour a checker observes and see its claim fail."""

import torch
import torch.nn.functional as F
from torch import nn

from torchclaims.testing import breaks


def _save_only_state_dicts(monkeypatch):
    """torch.save writes a module's state_dict instead of the module itself."""
    real = torch.save
    monkeypatch.setattr(torch, "save", lambda obj, f, *args, **kw: real(obj.state_dict() if isinstance(obj, nn.Module) else obj, f, *args, **kw))


@breaks("basics_saveload.state-dict-persisted-by-torch-save")
def test_state_dict_leaves_out_biases(monkeypatch):
    real = nn.Module.state_dict

    def without_biases(self, *args, **kw):
        state = real(self, *args, **kw)
        for name in [name for name in state if name.endswith("bias")]:
            del state[name]
        return state
    monkeypatch.setattr(nn.Module, "state_dict", without_biases)


@breaks("basics_saveload.state-dict-persisted-by-torch-save")
def test_save_writes_nothing(monkeypatch):
    monkeypatch.setattr(torch, "save", lambda obj, f, *args, **kw: None)


@breaks("basics_saveload.load-state-dict-into-new-instance")
def test_load_state_dict_does_nothing(monkeypatch):
    monkeypatch.setattr(nn.Module, "load_state_dict", lambda self, state_dict, strict=True, assign=False: None)


@breaks("basics_saveload.eval-before-inference")
def test_eval_does_nothing(monkeypatch):
    monkeypatch.setattr(nn.Module, "eval", lambda self: self)


@breaks("basics_saveload.eval-before-inference")
def test_dropout_never_drops(monkeypatch):
    real = F.dropout
    monkeypatch.setattr(F, "dropout", lambda input, p=0.5, training=True, inplace=False: real(input, p, False, inplace))


@breaks("basics_saveload.load-whole-model")
def test_save_writes_the_state_dict_for_a_model(monkeypatch):
    _save_only_state_dicts(monkeypatch)


@breaks("basics_saveload.pickle-needs-class-definition")
def test_save_writes_the_state_dict_not_the_class(monkeypatch):
    _save_only_state_dicts(monkeypatch)
