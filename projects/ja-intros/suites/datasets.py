"""Checkers for torchvision.datasets.MNIST and CIFAR10, reading small copies in the real formats.

Each checker writes its data set with torchclaims.ondisk into a temporary folder of its
own (removed afterwards) and reads it with torchvision's own classes; for CIFAR-10 that
is ondisk.local_cifar10_class(), the real CIFAR10 with only its md5 table swapped (see
its docstring). Claims about the real, downloadable data sets need the network: this
harness treats itself as offline unless TORCHCLAIMS_NETWORK=1, and raises NotRun.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from torchclaims import ondisk
from torchclaims.checkers import NotRun, checker

MNIST_TRAIN = 150
CIFAR_TRAIN = 100
NETWORK_ENV = "TORCHCLAIMS_NETWORK"


@contextmanager
def _written(name, count):
    """A temporary root holding `count` training samples of `name` ('MNIST' or 'CIFAR10');
    yields (root, images, labels, dataset class)."""
    with tempfile.TemporaryDirectory(prefix="torchclaims-") as root:
        if name == "MNIST":
            from torchvision.datasets import MNIST

            images, labels = ondisk.synthetic_digits(count)
            ondisk.write_mnist(Path(root), images, labels, train=True)
            yield root, images, labels, MNIST
        elif name == "CIFAR10":
            images, labels = ondisk.synthetic_cifar(count)
            ondisk.write_cifar10(Path(root), images, labels)
            yield root, images, labels, ondisk.local_cifar10_class()
        else:
            raise ValueError(name)


def _mnist_transform():
    from torchvision import transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])


def _cifar_transform():
    from torchvision import transforms

    return transforms.Compose([
        transforms.RandomHorizontalFlip(p=0.5),
        transforms.RandomRotation(degrees=15),
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])


TRANSFORMS = {None: lambda: None, "mnist": _mnist_transform, "cifar": _cifar_transform}


@checker
def local_sample(device, name, index=0):
    """name(root, train=True, download=False)[index] over a copy written here: is it a PIL
    image, its mode, the label's type, and whether image and label are those stored."""
    from PIL import Image

    with _written(name, MNIST_TRAIN if name == "MNIST" else CIFAR_TRAIN) as (root, images, labels, cls):
        image, label = cls(root, train=True, download=False)[index]
        return {
            "pil_image": isinstance(image, Image.Image),
            "mode": image.mode,
            "label_type": type(label).__name__,
            "same_as_stored": bool(np.array_equal(np.asarray(image), images[index]))
                              and int(label) == int(labels[index]),
        }


@checker
def mnist_classes(device, label=None):
    """MNIST's classes (torchvision's own list): how many and the digit each names (from its
    leading number); with `label`, only the name of that label's class."""
    with _written("MNIST", 10) as (root, _, _, cls):
        classes = cls(root, train=True).classes
        if label is not None:
            return {"class_name": classes[label]}
        return {"count": len(classes), "digits": [int(name.split(" ")[0]) for name in classes]}


def _stored_height_width(images) -> list[int]:
    """(height, width) of the images written: what a reader of the files should find again."""
    return list(images.shape[1:3])


@checker
def tensor_sample(device, name, transform):
    """name(..., transform=<the document's transform>)[0]: the image tensor's channels (first
    dimension), whether its other two are the stored image's height and width, its dtype,
    whether it lies in [-1, 1], and the label's type."""
    with _written(name, MNIST_TRAIN if name == "MNIST" else CIFAR_TRAIN) as (root, images, _, cls):
        image, label = cls(root, train=True, download=False, transform=TRANSFORMS[transform]())[0]
        return {
            "channels": image.shape[0],
            "height_width_as_stored": list(image.shape[1:]) == _stored_height_width(images),
            "dtype": image.dtype,
            "within_minus_one_to_one": bool(image.min() >= -1 and image.max() <= 1),
            "label_type": type(label).__name__,
        }


@checker
def loader_batches(device, name, transform, batch_size, shuffle=True, num_workers=0):
    """A DataLoader over name(..., transform) as the document builds it: the first batch's
    batch and channel dimensions (and whether the other two are the stored images' height and
    width), label shape, dtypes, whether its images lie in [-1, 1], the sizes of all batches,
    and whether the first batch is the first samples in dataset order."""
    from torch.utils.data import DataLoader

    count = MNIST_TRAIN if name == "MNIST" else CIFAR_TRAIN
    with _written(name, count) as (root, images, labels, cls):
        dataset = cls(root, train=True, download=False, transform=TRANSFORMS[transform]())
        loader = DataLoader(dataset=dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers,
                            timeout=60 if num_workers else 0)
        batches = list(loader)
        first_images, first_labels = batches[0]
        in_order = torch.as_tensor(labels[:len(first_labels)], dtype=first_labels.dtype)
        return {
            "images_batch_channels": list(first_images.shape[:2]),
            "height_width_as_stored": list(first_images.shape[2:]) == _stored_height_width(images),
            "images_dtype": first_images.dtype,
            "labels": first_labels.shape,
            "labels_dtype": first_labels.dtype,
            "within_minus_one_to_one": bool(first_images.min() >= -1 and first_images.max() <= 1),
            "batch_sizes": [len(batch_labels) for _, batch_labels in batches],
            "first_batch_in_dataset_order": bool(torch.equal(first_labels, in_order)),
        }


@checker
def augmented_epochs(device, epochs=2, batch_size=32):
    """CIFAR10 with 001's data_transforms, loaded for several epochs in dataset order: do
    the images of the same samples differ between epochs, and are the labels unchanged
    (and those written)."""
    from torch.utils.data import DataLoader

    with _written("CIFAR10", CIFAR_TRAIN) as (root, _, labels, cls):
        dataset = cls(root, train=True, transform=_cifar_transform())
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=False)
        runs = [list(loader) for _ in range(epochs)]
        images = [torch.cat([b[0] for b in run]) for run in runs]
        targets = [torch.cat([b[1] for b in run]) for run in runs]
        return {
            "images_differ_between_epochs": all(not torch.equal(images[0], other) for other in images[1:]),
            "labels_unchanged": all(torch.equal(targets[0], other) for other in targets[1:])
                                and targets[0].tolist() == [int(v) for v in labels],
        }


@checker
def real_dataset(device, name, fields):
    """Download the real `name` training set into a temporary folder and report `fields`
    of: len (the samples torchvision reads back from what it downloaded), first_label, size (of
    image 0, width x height), mode, flat_size (the values in image 0, all channels). Needs the
    network: not run unless TORCHCLAIMS_NETWORK=1."""
    if os.environ.get(NETWORK_ENV) != "1":
        raise NotRun(f"needs network (this harness is offline unless {NETWORK_ENV}=1)")
    from torchvision import datasets

    with tempfile.TemporaryDirectory(prefix="torchclaims-") as root:
        dataset = getattr(datasets, name)(root=root, train=True, download=True)
        image, label = dataset[0]
        observed = {"len": len(dataset), "first_label": int(label),
                    "size": list(image.size), "mode": image.mode, "flat_size": int(np.asarray(image).size)}
        return {field: observed[field] for field in fields}
