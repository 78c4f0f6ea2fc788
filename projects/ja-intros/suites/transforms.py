"""Checkers for torchvision.transforms, run on PIL images built here.

Positions in images are given relative to the image centre, x to the right and y UP
(the convention of the documents' rotation matrix), unless a docstring says otherwise.
torchvision is imported inside the checkers: the suite loads without it, and claims
that need it declare `requires: [torchvision]`.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from torchclaims.checkers import NotRun, checker


def _rgb_image(width, height, seed=0, mode="RGB"):
    """A random PIL image whose every channel holds both 0 and 255."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    channels = 3 if mode == "RGB" else 1
    array = rng.integers(1, 255, size=(height, width, channels), dtype=np.uint8)
    array[0, 0], array[-1, -1] = 0, 255
    return Image.fromarray(array if mode == "RGB" else array[:, :, 0], mode=mode), array


def _step(spec):
    """A transform from [name, *args] or [name, {kwargs}], as the documents write them."""
    from torchvision import transforms

    name, *rest = spec
    if rest and isinstance(rest[-1], dict):
        return getattr(transforms, name)(*rest[:-1], **rest[-1])
    return getattr(transforms, name)(*[tuple(a) if isinstance(a, list) else a for a in rest])


@checker
def to_tensor(device, width, height, mode="RGB"):
    """ToTensor on a PIL uint8 image (H×W×C): dtype, shape, value range, and whether it
    equals the array / 255 with the channels moved first."""
    from torchvision import transforms

    image, array = _rgb_image(width, height, mode=mode)
    tensor = transforms.ToTensor()(image)
    expected = torch.from_numpy(array).permute(2, 0, 1).float() / 255
    return {
        "dtype": tensor.dtype,
        "shape": tensor.shape,
        "range": [tensor.min().item(), tensor.max().item()],
        "equals_uint8_over_255_channels_first": tensor.shape == expected.shape and torch.allclose(tensor, expected),
    }


@checker
def normalize(device, mean, std, values):
    """Normalize(mean, std) on images whose every pixel is v, for each v in `values`: the
    output value of each channel."""
    from torchvision import transforms

    channels = len(mean)
    normalize_ = transforms.Normalize(tuple(mean), tuple(std))
    outputs = []
    for value in values:
        out = normalize_(torch.full((channels, 4, 4), float(value), device=device))
        outputs.append([round(out[c, 0, 0].item(), 4) for c in range(channels)])
    return outputs


@checker
def resize(device, size, width, height):
    """Resize(size) on a width×height PIL image: the output's size as PIL gives it, (width, height)."""
    from torchvision import transforms

    image, _ = _rgb_image(width, height)
    return list(transforms.Resize(tuple(size) if isinstance(size, list) else size)(image).size)


@checker
def pipeline(device, steps, width, height, mode="RGB", bounds=None):
    """Compose(steps) on a width×height PIL image: what print(out.shape) prints, the dtype,
    and the value range (rounded to 4 places), or with `bounds` whether all values lie in it."""
    from torchvision import transforms

    image, _ = _rgb_image(width, height, mode=mode)
    out = transforms.Compose([_step(step) for step in steps])(image)
    observed = {"printed": str(out.shape), "dtype": out.dtype}
    if bounds is None:
        observed["range"] = [round(out.min().item(), 4), round(out.max().item(), 4)]
    else:
        observed["within_bounds"] = bounds[0] <= out.min().item() and out.max().item() <= bounds[1]
    return observed


@checker
def horizontal_flip(device, trials, p=None, summary="fraction"):
    """RandomHorizontalFlip(p) (torchvision's default p if None) on one PIL image, `trials`
    times: the fraction of outputs that are its left-right mirror (summary 'fraction') or
    whether some are and some are not (summary 'mixed'), and whether every output is either
    the image or that mirror."""
    from torchvision import transforms

    image, array = _rgb_image(9, 5)
    flip = transforms.RandomHorizontalFlip() if p is None else transforms.RandomHorizontalFlip(p=p)
    mirror = array[:, ::-1]
    mirrored = unchanged = 0
    for _ in range(trials):
        out = np.asarray(flip(image))
        mirrored += bool(np.array_equal(out, mirror))
        unchanged += bool(np.array_equal(out, array))
    every = mirrored + unchanged == trials
    if summary == "mixed":
        return {"some_flipped_some_not": 0 < mirrored < trials, "every_output_original_or_mirror": every}
    return {"flip_fraction": mirrored / trials, "every_output_original_or_mirror": every}


def _line_image(size=97, half_length=40):
    """A horizontal bright line through the centre of a size×size 'L' image."""
    from PIL import Image

    array = np.zeros((size, size), np.uint8)
    centre = size // 2
    array[centre - 1:centre + 2, centre - half_length:centre + half_length + 1] = 255
    return Image.fromarray(array)


def _orientation_degrees(image):
    """Orientation of the bright line, counter-clockwise from the x axis, in (-90, 90]."""
    a = np.asarray(image, dtype=float)
    rows, cols = np.indices(a.shape)
    w = a.sum()
    x = cols - (cols * a).sum() / w
    y = -(rows - (rows * a).sum() / w)  # y up
    mu20, mu02, mu11 = (a * x * x).sum() / w, (a * y * y).sum() / w, (a * x * y).sum() / w
    return math.degrees(0.5 * math.atan2(2 * mu11, mu20 - mu02))


@checker
def random_rotation(device, degrees, trials=100, slack=1.0):
    """RandomRotation(degrees) on a horizontal line, `trials` times, measuring each output's
    angle: all within ±degrees (+ `slack` for measuring on pixels), and some beyond 80% of
    the limit (the random angles reach up to it)."""
    from torchvision import transforms

    rotate = transforms.RandomRotation(degrees=degrees)
    image = _line_image()
    angles = [_orientation_degrees(rotate(image)) for _ in range(trials)]
    limit = max(abs(d) for d in np.atleast_1d(degrees))
    return {
        "all_within_degrees": all(abs(a) <= limit + slack for a in angles),
        "some_beyond_80_percent": max(abs(a) for a in angles) >= 0.8 * limit,
    }


def _dot_image(x, y, size=65):
    from PIL import Image

    array = np.zeros((size, size), np.uint8)
    c = size // 2
    array[c - y - 1:c - y + 2, c + x - 1:c + x + 2] = 255
    return Image.fromarray(array)


def _centroid(image):
    a = np.asarray(image, dtype=float)
    c = a.shape[0] // 2
    rows, cols = np.indices(a.shape)
    w = a.sum()
    return [round(float((cols * a).sum() / w - c), 2), round(float(c - (rows * a).sum() / w), 2)]


@checker
def moved_point(device, point, angle=0.0, translate=(0, 0), scale=1.0):
    """A small bright square centred at `point` (x right, y up, from the centre of a 65×65
    image), moved by torchvision (bilinear): with `angle`, functional.rotate(angle), the
    rotation RandomRotation applies (counter-clockwise, in degrees); otherwise
    functional.affine(translate, scale), whose `translate` is in image pixels, x right and
    y DOWN. Where the square's centroid ends up, x right and y up."""
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as F

    image = _dot_image(*point)
    if angle:
        out = F.rotate(image, angle, interpolation=InterpolationMode.BILINEAR)
    else:
        out = F.affine(image, angle=0.0, translate=list(translate), scale=scale, shear=[0.0],
                       interpolation=InterpolationMode.BILINEAR)
    return _centroid(out)


@checker
def rotate_180(device):
    """functional.rotate(image, 180): is it the image flipped both ways, different from the
    image, and made of the same pixel values."""
    from torchvision.transforms import functional as F

    image, array = _rgb_image(8, 6)
    out = np.asarray(F.rotate(image, 180))
    return {
        "equals_flipped_both_ways": bool(np.array_equal(out, array[::-1, ::-1])),
        "differs_from_original": not np.array_equal(out, array),
        "same_pixel_values": bool(np.array_equal(np.sort(out, axis=None), np.sort(array, axis=None))),
    }


DATA_TRANSFORMS_001 = [
    ["RandomHorizontalFlip", {"p": 0.5}],
    ["RandomRotation", {"degrees": 15}],
    ["ToTensor"],
    ["Normalize", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],
]


@checker
def augmentation_variety(device, trials=20):
    """001's data_transforms (flip, rotation, ToTensor, Normalize) on one 32×32 image,
    `trials` times: do most of the outputs differ from each other."""
    from torchvision import transforms

    image, _ = _rgb_image(32, 32)
    data_transforms = transforms.Compose([_step(step) for step in DATA_TRANSFORMS_001])
    outputs = [data_transforms(image) for _ in range(trials)]
    distinct = {tuple(out.flatten().tolist()) for out in outputs}
    return {"most_outputs_distinct": len(distinct) > trials // 2}


@checker
def brightness(device, factor):
    """ColorJitter(brightness=(factor, factor)) on a mid-grey-ish image: the ratio of the
    output's mean pixel value to the input's (2 places)."""
    from PIL import Image
    from torchvision import transforms

    rng = np.random.default_rng(0)
    array = rng.integers(40, 120, size=(16, 16, 3), dtype=np.uint8)
    out = np.asarray(transforms.ColorJitter(brightness=(factor, factor))(Image.fromarray(array)))
    return round(float(out.mean() / array.mean()), 2)


@checker
def gaussian_noise(device, sigma):
    """transforms.v2.GaussianNoise(sigma=sigma) on a grey float image: did it change, and the
    mean and standard deviation of the noise it added (2 places)."""
    import torchvision
    from torchvision.transforms import v2

    if not hasattr(v2, "GaussianNoise"):  # the document's transform is newer than this torchvision
        raise NotRun(f"torchvision {torchvision.__version__} has no transforms.v2.GaussianNoise")
    image = torch.full((3, 64, 64), 0.5, device=device)
    noise = v2.GaussianNoise(sigma=sigma)(image) - image
    return {"changed": bool(noise.abs().max() > 0), "mean": round(noise.mean().item(), 2),
            "std": round(noise.std().item(), 2)}


@checker
def compose_order(device):
    """Compose([a, b]) against b(a(x)) and a(b(x)), a = Normalize(0.5, 0.5), b = x * 2."""
    from torchvision import transforms

    a = transforms.Normalize((0.5,), (0.5,))
    b = transforms.Lambda(lambda x: x * 2)
    x = torch.linspace(0, 1, 16).reshape(1, 4, 4)
    out = transforms.Compose([a, b])(x)
    return {"equals_b_of_a": torch.allclose(out, b(a(x))), "equals_a_of_b": torch.allclose(out, a(b(x)))}
