"""Checkers for torchvision.datasets.MNIST and CIFAR10, reading small copies in the real formats.

Each checker writes its data set with torchclaims.ondisk into a temporary folder of its
own (removed afterwards) and reads it with torchvision's own classes; for CIFAR-10 that
is ondisk.local_cifar10_class(), the real CIFAR10 with only its md5 table swapped (see
its docstring). Claims about the real, downloadable data sets need the network: this
harness treats itself as offline unless TORCHCLAIMS_NETWORK=1, and raises NotRun.
"""

from __future__ import annotations

import os
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from torchclaims import ondisk
from torchclaims.checkers import NotRun, checker
from torchclaims.observe import raised

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


@contextmanager
def _network_refused():
    """Refuse (and record) every attempt to resolve a host name or open a connection."""
    attempts = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address, *args):
        attempts.append(str(address))
        raise OSError("network refused by torchclaims")

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(str(host))
        raise socket.gaierror("network refused by torchclaims")

    socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
    try:
        yield attempts
    finally:
        socket.socket.connect, socket.getaddrinfo = real_connect, real_getaddrinfo


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
    """name(root, train=True, download=False) over a copy written here: its length, what
    sample `index` is (a PIL image? its mode and (width, height); the label's type), the
    number of classes, and whether image and label are those written."""
    from PIL import Image

    with _written(name, MNIST_TRAIN if name == "MNIST" else CIFAR_TRAIN) as (root, images, labels, cls):
        dataset = cls(root, train=True, download=False)
        image, label = dataset[index]
        return {
            "len": len(dataset),
            "pil_image": isinstance(image, Image.Image),
            "mode": image.mode,
            "size": list(image.size),
            "label_type": type(label).__name__,
            "classes": len(dataset.classes),
            "same_as_written": bool(np.array_equal(np.asarray(image), images[index]))
                               and int(label) == int(labels[index]),
        }


@checker
def mnist_classes(device, label=None):
    """MNIST's classes: how many, the digit each names (from its leading number), and
    with `label` the name of that label's class."""
    with _written("MNIST", 10) as (root, _, _, cls):
        classes = cls(root, train=True).classes
        observed = {"count": len(classes), "digits": [int(name.split(" ")[0]) for name in classes]}
        if label is not None:
            observed["class_name"] = classes[label]
        return observed


@checker
def tensor_sample(device, name, transform, flatten=False):
    """name(..., transform=<the document's transform>)[0]: the image tensor's shape (or
    its length once flattened), dtype, whether it lies in [-1, 1], and the label's type."""
    with _written(name, MNIST_TRAIN if name == "MNIST" else CIFAR_TRAIN) as (root, _, _, cls):
        image, label = cls(root, train=True, download=False, transform=TRANSFORMS[transform]())[0]
        return {
            "shape": image.reshape(-1).shape if flatten else image.shape,
            "dtype": image.dtype,
            "within_minus_one_to_one": bool(image.min() >= -1 and image.max() <= 1),
            "label_type": type(label).__name__,
        }


@checker
def loader_batches(device, name, transform, batch_size, shuffle=True, num_workers=0):
    """A DataLoader over name(..., transform) as the document builds it: the first batch's
    image and label shapes and dtypes, whether its images lie in [-1, 1], the sizes of all
    batches, and whether the first batch differs from the first samples in dataset order."""
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
            "images": first_images.shape,
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
def offline_local_copy(device, name, download):
    """name(root, train=True, download=download) over a copy written here, with every
    network connection refused: whether it raised, whether it tried the network, its length."""
    with _written(name, 20) as (root, _, _, cls):
        made = []
        with _network_refused() as attempts:
            outcome = raised(lambda: made.append(cls(root, train=True, download=download)))
        return {"raises": outcome["raises"], "message": outcome["message"],
                "network_attempted": bool(attempts), "len": len(made[0]) if made else None}


@checker
def real_dataset(device, name, fields):
    """Download the real `name` training set into a temporary folder and report `fields`
    of: downloaded, len, first_label, size (of image 0, width x height), mode. Needs the
    network: not run unless TORCHCLAIMS_NETWORK=1."""
    if os.environ.get(NETWORK_ENV) != "1":
        raise NotRun(f"needs network (this harness is offline unless {NETWORK_ENV}=1)")
    from torchvision import datasets

    with tempfile.TemporaryDirectory(prefix="torchclaims-") as root:
        dataset = getattr(datasets, name)(root=root, train=True, download=True)
        image, label = dataset[0]
        observed = {"downloaded": True, "len": len(dataset), "first_label": int(label),
                    "size": list(image.size), "mode": image.mode}
        return {field: observed[field] for field in fields}
