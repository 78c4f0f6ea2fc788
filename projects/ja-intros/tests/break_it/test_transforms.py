import pytest

pytest.importorskip("torchvision")

import torch  # noqa: E402
from torchvision import transforms  # noqa: E402
from torchvision.transforms import functional  # noqa: E402
from torchvision.transforms import v2  # noqa: E402

from torchclaims.testing import breaks  # noqa: E402


def _to_tensor_without_scaling(monkeypatch):
    monkeypatch.setattr(functional, "to_tensor", lambda pic: functional.pil_to_tensor(pic).float())


@breaks("transforms.to-tensor")
def test_to_tensor_keeping_0_255(monkeypatch):
    _to_tensor_without_scaling(monkeypatch)


def _normalize_ignoring(monkeypatch, what):
    def forward(self, tensor):
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
        std = torch.as_tensor(self.std, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
        return tensor / std if what == "mean" else tensor - mean

    monkeypatch.setattr(transforms.Normalize, "forward", forward)


@breaks("transforms.normalize-half-maps-to-minus-one-one")
def test_normalize_without_dividing_by_std(monkeypatch):
    _normalize_ignoring(monkeypatch, "std")


@breaks("transforms.normalize-rgb")
def test_normalize_without_subtracting_mean(monkeypatch):
    _normalize_ignoring(monkeypatch, "mean")


@breaks("transforms.normalize-imagenet")
def test_normalize_without_dividing_by_std_imagenet(monkeypatch):
    _normalize_ignoring(monkeypatch, "std")


@breaks("transforms.augmentation-pipeline-range")
def test_augmentation_normalize_without_mean(monkeypatch):
    _normalize_ignoring(monkeypatch, "mean")


def _resize_keeping_aspect(monkeypatch):
    def forward(self, img):
        size = min(self.size) if isinstance(self.size, (list, tuple)) else self.size
        return functional.resize(img, size, self.interpolation)

    monkeypatch.setattr(transforms.Resize, "forward", forward)


@breaks("transforms.resize-to-256")
def test_resize_keeping_aspect_ratio(monkeypatch):
    _resize_keeping_aspect(monkeypatch)


@breaks("transforms.resize-scales-up-and-down")
def test_resize_keeping_aspect_ratio_up(monkeypatch):
    _resize_keeping_aspect(monkeypatch)


@breaks("transforms.resize-shrinks")
def test_resize_keeping_aspect_ratio_down(monkeypatch):
    _resize_keeping_aspect(monkeypatch)


@breaks("transforms.pipeline-prints-shape")
def test_resize_one_pixel_short(monkeypatch):
    def forward(self, img):
        height, width = self.size
        return functional.resize(img, [height - 1, width - 1], self.interpolation)

    monkeypatch.setattr(transforms.Resize, "forward", forward)


@breaks("transforms.compose-applies-in-order")
def test_compose_applying_in_reverse(monkeypatch):
    def call(self, img):
        for t in reversed(self.transforms):
            img = t(img)
        return img

    monkeypatch.setattr(transforms.Compose, "__call__", call)


@breaks("transforms.flip-half-the-time")
def test_flip_always(monkeypatch):
    monkeypatch.setattr(transforms.RandomHorizontalFlip, "forward", lambda self, img: functional.hflip(img))


@breaks("transforms.flip-default-random")
def test_hflip_flipping_up_down(monkeypatch):
    monkeypatch.setattr(functional, "hflip", functional.vflip)


@breaks("transforms.rotation-up-to-15-degrees")
def test_rotation_drawing_twice_the_range(monkeypatch):
    monkeypatch.setattr(transforms.RandomRotation, "get_params", staticmethod(
        lambda degrees: float(torch.empty(1).uniform_(2 * float(degrees[0]), 2 * float(degrees[1])).item())))


@breaks("transforms.flip-default-random")
def test_flip_never(monkeypatch):
    monkeypatch.setattr(transforms.RandomHorizontalFlip, "forward", lambda self, img: img)


@breaks("transforms.rotation-up-to-15-degrees")
def test_rotation_by_a_fifth_of_the_range(monkeypatch):
    monkeypatch.setattr(transforms.RandomRotation, "get_params", staticmethod(
        lambda degrees: float(torch.empty(1).uniform_(float(degrees[0]) / 5, float(degrees[1]) / 5).item())))


@breaks("transforms.rotation-formula")
def test_rotate_clockwise(monkeypatch):
    real = functional.rotate
    monkeypatch.setattr(functional, "rotate", lambda img, angle, *a, **k: real(img, -angle, *a, **k))


@breaks("transforms.translation-formula")
def test_affine_translating_the_other_way(monkeypatch):
    real = functional.affine

    def affine(img, angle, translate, scale, shear, *args, **kwargs):
        return real(img, angle, [-t for t in translate], scale, shear, *args, **kwargs)

    monkeypatch.setattr(functional, "affine", affine)


@breaks("transforms.scaling-formula")
def test_affine_scaling_inversely(monkeypatch):
    real = functional.affine

    def affine(img, angle, translate, scale, shear, *args, **kwargs):
        return real(img, angle, translate, 1.0 / scale, shear, *args, **kwargs)

    monkeypatch.setattr(functional, "affine", affine)


@breaks("transforms.rotate-180-same-content")
def test_rotate_ignoring_180(monkeypatch):
    real = functional.rotate
    monkeypatch.setattr(functional, "rotate", lambda img, angle, *a, **k: img if angle == 180 else real(img, angle, *a, **k))


def _random_transforms_do_nothing(monkeypatch):
    monkeypatch.setattr(transforms.RandomHorizontalFlip, "forward", lambda self, img: img)
    monkeypatch.setattr(transforms.RandomRotation, "forward", lambda self, img: img)


@breaks("transforms.augmentation-makes-new-data")
def test_augmentation_doing_nothing(monkeypatch):
    _random_transforms_do_nothing(monkeypatch)


@breaks("transforms.brightness")
def test_brightness_unchanged(monkeypatch):
    monkeypatch.setattr(functional, "adjust_brightness", lambda img, factor: img)


@breaks("transforms.noise")
def test_gaussian_noise_with_half_sigma(monkeypatch):
    real = v2.GaussianNoise.__init__

    def init(self, mean=0.0, sigma=0.1, clip=True):
        real(self, mean=mean, sigma=sigma / 2, clip=clip)

    monkeypatch.setattr(v2.GaussianNoise, "__init__", init)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

def _gaussian_noise_made_with(monkeypatch, **forced):
    real = v2.GaussianNoise.__init__
    monkeypatch.setattr(v2.GaussianNoise, "__init__",
                        lambda self, mean=0.0, sigma=0.1, clip=True: real(self, **{"mean": mean, "sigma": sigma,
                                                                                     "clip": clip, **forced}))


@breaks("transforms.noise")
def test_gaussian_noise_without_noise(monkeypatch):
    _gaussian_noise_made_with(monkeypatch, sigma=0.0)


@breaks("transforms.noise")
def test_gaussian_noise_with_a_mean(monkeypatch):
    _gaussian_noise_made_with(monkeypatch, mean=0.1)


@breaks("transforms.rotation-up-to-15-degrees")
def test_rotation_one_way_and_half_as_far(monkeypatch):
    real = transforms.RandomRotation.get_params
    monkeypatch.setattr(transforms.RandomRotation, "get_params", staticmethod(lambda degrees: abs(real(degrees)) / 2))


@breaks("transforms.rotate-180-same-content")
def test_rotate_darkening_the_image(monkeypatch):
    real = functional.rotate
    monkeypatch.setattr(functional, "rotate", lambda img, angle, *args, **kwargs:
                        real(img, angle, *args, **kwargs).point(lambda value: value // 2))


@breaks("transforms.to-tensor")
def test_to_tensor_giving_a_batch_of_double(monkeypatch):
    real = functional.to_tensor
    monkeypatch.setattr(functional, "to_tensor", lambda pic: real(pic).double().unsqueeze(0))


@breaks("transforms.pipeline-prints-shape")
def test_to_tensor_giving_double(monkeypatch):
    real = functional.to_tensor
    monkeypatch.setattr(functional, "to_tensor", lambda pic: real(pic).double())
