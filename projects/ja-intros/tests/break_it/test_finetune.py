import torch
import torch.nn as nn
import torch.optim as optim

from torchclaims.testing import breaks, suite


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


@breaks("finetune.pool-layer-before-fc-matches-size")
def test_max_pool_that_does_not_pool(monkeypatch):
    monkeypatch.setattr(nn.MaxPool2d, "forward", lambda self, x: x)


@breaks("finetune.finetuning-retrains-a-trained-model")
def test_load_state_dict_that_loads_nothing(monkeypatch):
    monkeypatch.setattr(nn.Module, "load_state_dict", lambda self, state_dict, strict=True, assign=False: None)


@breaks("finetune.pretrained-as-initialisation-only")
def test_sgd_that_skips_one_dimensional_parameters(monkeypatch):
    real = optim.SGD.step

    def step(self, closure=None):
        kept = {id(p): p.detach().clone() for group in self.param_groups for p in group["params"] if p.dim() == 1}
        result = real(self, closure)
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if id(p) in kept:
                        p.copy_(kept[id(p)])
        return result

    monkeypatch.setattr(optim.SGD, "step", step)


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


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

def _sgd_step_does_nothing(monkeypatch):
    monkeypatch.setattr(optim.SGD, "step", lambda self, closure=None: None)


@breaks("finetune.different-lr-per-layer")
def test_sgd_doubling_every_learning_rate(monkeypatch):
    real = optim.SGD.step

    def step(self, closure=None):
        for group in self.param_groups:
            group["lr"] *= 2
        return real(self, closure)

    monkeypatch.setattr(optim.SGD, "step", step)


@breaks("finetune.pool-layer-before-fc-matches-size")
def test_linear_accepting_any_width_before_the_extra_layer(monkeypatch):
    """nn.Linear cuts or pads its input to in_features: the model no longer raises without the extra layer."""
    real = nn.Linear.forward

    def forward(self, x):
        width = self.in_features
        x = x[..., :width] if x.shape[-1] >= width else nn.functional.pad(x, (0, width - x.shape[-1]))
        return real(self, x)

    monkeypatch.setattr(nn.Linear, "forward", forward)


@breaks("finetune.finetuning-retrains-a-trained-model")
def test_sgd_step_that_does_nothing_while_finetuning(monkeypatch):
    _sgd_step_does_nothing(monkeypatch)


@breaks("finetune.finetune-only-last-fc")
def test_sgd_step_that_does_nothing_to_the_head(monkeypatch):
    _sgd_step_does_nothing(monkeypatch)


@breaks("finetune.new-classifier-head")
def test_resnet18_ending_in_256_features(monkeypatch):
    from torchvision.models import resnet

    real = resnet.ResNet.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        self.layer4 = nn.Sequential(self.layer4, nn.Conv2d(512, 256, kernel_size=1))
        self.fc = nn.Linear(256, self.fc.out_features)

    monkeypatch.setattr(resnet.ResNet, "__init__", init)
    monkeypatch.setattr(suite("finetune", __file__), "_BUILT", {})  # models built unbroken are not reused
