"""Break-it tests for suites/cifar10.py: break the behaviour a checker observes and see its claim fail.

Accelerator claims are evaluated on the CPU here, where their relative observations hold too.
"""

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.testing import breaks

torchvision = pytest.importorskip("torchvision")
import torchvision.transforms as transforms  # noqa: E402
from torch.utils.data._utils import collate  # noqa: E402


@breaks("cifar10.torchvision-has-datasets")
def test_datasets_missing(monkeypatch):
    for name in ("ImageNet", "CIFAR10", "MNIST"):
        monkeypatch.delattr(torchvision.datasets, name)


def _to_tensor_half_doubled(monkeypatch):
    real = transforms.ToTensor.__call__
    monkeypatch.setattr(transforms.ToTensor, "__call__", lambda self, pic: real(self, pic)[:, :16].double() * 2)


@breaks("cifar10.images-3x32x32")
def test_to_tensor_crops_and_changes_dtype(monkeypatch):
    _to_tensor_half_doubled(monkeypatch)


@breaks("cifar10.normalized-range-minus-one-to-one")
def test_to_tensor_scales_twice(monkeypatch):
    _to_tensor_half_doubled(monkeypatch)


def _getitem_scaled_array(monkeypatch):
    real = torchvision.datasets.CIFAR10.__getitem__

    def getitem(self, index):
        image, target = real(self, index)
        return (np.asarray(image) / 255.0, target) if self.transform is None else (image, target)

    monkeypatch.setattr(torchvision.datasets.CIFAR10, "__getitem__", getitem)


@breaks("cifar10.dataset-outputs-pil-images")
def test_dataset_returns_scaled_arrays(monkeypatch):
    _getitem_scaled_array(monkeypatch)


@breaks("cifar10.pil-images-range-0-1")
def test_dataset_returns_images_scaled_to_unit_range(monkeypatch):
    """torchvision as the tutorial describes it: dataset outputs in [0, 1]."""
    _getitem_scaled_array(monkeypatch)


@breaks("cifar10.unnormalize")
def test_normalize_doubles_std(monkeypatch):
    real = transforms.Normalize.__init__
    monkeypatch.setattr(transforms.Normalize, "__init__",
                        lambda self, mean, std, inplace=False: real(self, mean, [2 * s for s in std], inplace))


@breaks("cifar10.batch-is-list-of-inputs-labels")
def test_collate_gives_a_tuple_of_other_shapes(monkeypatch):
    real = collate.default_collate

    def default_collate(batch):
        inputs, labels = real(batch)
        return inputs[:, :1], labels[:2].float()

    monkeypatch.setattr(collate, "default_collate", default_collate)


@breaks("cifar10.net-takes-3-channels")
def test_conv_reads_only_its_channels(monkeypatch):
    real = nn.Conv2d.forward
    monkeypatch.setattr(nn.Conv2d, "forward", lambda self, x: real(self, x[:, :self.in_channels]))


@breaks("cifar10.net-takes-3-channels")
def test_linear_doubles_its_features(monkeypatch):
    real = nn.Linear.forward
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: real(self, x).repeat(1, 2) if self.out_features == 10
                        else real(self, x))


@breaks("cifar10.cross-entropy-loss")
def test_cross_entropy_of_doubled_logits(monkeypatch):
    real = F.cross_entropy
    monkeypatch.setattr(F, "cross_entropy", lambda input, target, *args, **kw: real(input * 2, target))


@breaks("cifar10.sgd-with-momentum")
def test_sgd_drops_momentum(monkeypatch):
    real = optim.SGD.__init__
    monkeypatch.setattr(optim.SGD, "__init__", lambda self, params, lr=1e-3, momentum=0, **kw: real(self, params, lr=lr, **kw))


@breaks("cifar10.training-loop-optimizes")
def test_sgd_step_does_nothing(monkeypatch):
    monkeypatch.setattr(optim.SGD, "step", lambda self, closure=None: None)


@breaks("cifar10.save-and-load-state-dict")
def test_state_dict_renames_a_key(monkeypatch):
    real_state_dict, real_load = nn.Module.state_dict, nn.Module.load_state_dict

    def state_dict(self, *args, **kw):
        found = real_state_dict(self, *args, **kw)
        if "conv1.weight" in found:
            found["conv1.w"] = found.pop("conv1.weight")
        return found

    monkeypatch.setattr(nn.Module, "state_dict", state_dict)
    monkeypatch.setattr(nn.Module, "load_state_dict", lambda self, sd, strict=True, **kw: real_load(self, sd, strict=False))


@breaks("cifar10.torch-max-gives-index")
def test_max_gives_index_of_lowest(monkeypatch):
    real = torch.max
    monkeypatch.setattr(torch, "max", lambda input, *args, **kw: real(-input, *args, **kw))


@breaks("cifar10.no-grad-skips-gradients")
def test_modules_track_gradients_even_under_no_grad(monkeypatch):
    real = nn.Module.__call__

    def call(self, *args, **kw):
        with torch.enable_grad():
            return real(self, *args, **kw)

    monkeypatch.setattr(nn.Module, "__call__", call)


@breaks("cifar10.device-prints-cuda")
def test_is_available_lies(monkeypatch):
    real = torch.cuda.is_available
    monkeypatch.setattr(torch.cuda, "is_available", lambda: not real())


@breaks("cifar10.net-to-moves-parameters-and-buffers")
def test_module_to_lands_on_meta(monkeypatch):
    real = nn.Module.to
    monkeypatch.setattr(nn.Module, "to", lambda self, *args, **kw: real(self, "meta"))


@breaks("cifar10.net-to-moves-parameters-and-buffers")
def test_buffers_not_listed(monkeypatch):
    monkeypatch.setattr(nn.Module, "buffers", lambda self, recurse=True: iter(()))
