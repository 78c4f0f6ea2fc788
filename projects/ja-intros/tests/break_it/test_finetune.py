import torch
import torch.nn as nn
import torch.optim as optim

from torchclaims.testing import breaks


@breaks("finetune.new-classifier-head")
def test_linear_layer_that_passes_its_input_through(monkeypatch):
    monkeypatch.setattr(nn.Linear, "forward", lambda self, x: x)


@breaks("finetune.finetune-only-last-fc")
def test_sgd_that_decays_every_parameter(monkeypatch):
    real = optim.SGD.step

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                p.mul_(0.99)  # touches parameters that have no gradient, frozen or not
        return real(self, closure)

    monkeypatch.setattr(optim.SGD, "step", step)


@breaks("finetune.finetune-last-few-layers")
def test_requires_grad_that_cannot_be_turned_off(monkeypatch):
    monkeypatch.setattr(nn.Parameter, "requires_grad", property(lambda self: True, lambda self, value: None),
                        raising=False)


@breaks("finetune.pretrained-layers-ten-times-smaller-lr")
def test_sgd_that_ignores_per_group_learning_rates(monkeypatch):
    real = optim.SGD.step

    def step(self, closure=None):
        for group in self.param_groups:
            group["lr"] = self.param_groups[0]["lr"]
        return real(self, closure)

    monkeypatch.setattr(optim.SGD, "step", step)


@breaks("finetune.cnn-input-size-must-match-resnet")
def test_resnet_without_adaptive_pooling(monkeypatch):
    monkeypatch.setattr(nn.AdaptiveAvgPool2d, "forward", lambda self, x: x)


@breaks("finetune.cnn-input-size-must-match-fixed-linear")
def test_linear_that_accepts_any_width(monkeypatch):
    real = nn.Linear.forward

    def forward(self, x):
        width = self.in_features
        x = x[..., :width] if x.shape[-1] >= width else nn.functional.pad(x, (0, width - x.shape[-1]))
        return real(self, x)

    monkeypatch.setattr(nn.Linear, "forward", forward)


@breaks("finetune.pool-layer-before-fc-matches-size")
def test_max_pool_that_does_not_pool(monkeypatch):
    monkeypatch.setattr(nn.MaxPool2d, "forward", lambda self, x: x)


@breaks("finetune.finetuning-retrains-a-trained-model")
def test_load_state_dict_that_loads_nothing(monkeypatch):
    monkeypatch.setattr(nn.Module, "load_state_dict", lambda self, state_dict, strict=True, assign=False: None)


@breaks("finetune.classic-models-offer-imagenet-weights")
def test_torchvision_without_resnet18_imagenet_weights(monkeypatch):
    from torchvision import models

    real = models.get_model_weights
    monkeypatch.setattr(models, "get_model_weights", lambda name: [] if name == "resnet18" else real(name))


@breaks("finetune.imagenet-weights-load-as-base-model")
def test_damaged_weight_file_in_the_hub_cache(monkeypatch, tmp_path):
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / "resnet18-f37072fd.pth").write_bytes(b"not a checkpoint")
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
