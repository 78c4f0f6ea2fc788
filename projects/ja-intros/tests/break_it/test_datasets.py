from pathlib import Path

import pytest

pytest.importorskip("torchvision")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.utils.data as tud  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision import transforms  # noqa: E402
from torchvision.datasets import CIFAR10, MNIST  # noqa: E402
from torchvision.transforms import functional  # noqa: E402

from torchclaims.testing import breaks  # noqa: E402
from torchclaims import ondisk  # noqa: E402


@breaks("datasets.cifar10-sample")
def test_cifar_giving_tensor_labels(monkeypatch):
    real = CIFAR10.__getitem__

    def getitem(self, index):
        image, label = real(self, index)
        return image, torch.tensor(label)

    monkeypatch.setattr(CIFAR10, "__getitem__", getitem)


@breaks("datasets.cifar10-sample")
def test_pil_fromarray_transposing(monkeypatch):
    real = Image.fromarray
    monkeypatch.setattr(Image, "fromarray", lambda array, *a, **k: real(np.ascontiguousarray(np.swapaxes(array, 0, 1)), *a, **k))


@breaks("datasets.mnist-ten-classes")
def test_mnist_with_nine_classes(monkeypatch):
    monkeypatch.setattr(MNIST, "classes", MNIST.classes[1:])


@breaks("datasets.mnist-label-5-names-five")
def test_mnist_classes_off_by_one(monkeypatch):
    monkeypatch.setattr(MNIST, "classes", MNIST.classes[1:] + MNIST.classes[:1])


def _to_tensor_without_scaling(monkeypatch):
    monkeypatch.setattr(functional, "to_tensor", lambda pic: functional.pil_to_tensor(pic).float())


@breaks("datasets.mnist-tensor-shape")
def test_mnist_to_tensor_unscaled(monkeypatch):
    _to_tensor_without_scaling(monkeypatch)


@breaks("datasets.cifar10-tensor-shape")
def test_cifar_to_tensor_unscaled(monkeypatch):
    _to_tensor_without_scaling(monkeypatch)


def _shuffle_keeping_order(monkeypatch):
    monkeypatch.setattr(tud.RandomSampler, "__iter__", lambda self: iter(range(len(self.data_source))))


@breaks("datasets.mnist-loader-batches")
def test_mnist_loader_not_shuffling(monkeypatch):
    _shuffle_keeping_order(monkeypatch)


@breaks("datasets.cifar10-loader-batches")
def test_cifar_loader_not_shuffling(monkeypatch):
    _shuffle_keeping_order(monkeypatch)


@breaks("datasets.augmentation-applied-while-training")
def test_random_transforms_doing_nothing(monkeypatch):
    monkeypatch.setattr(transforms.RandomHorizontalFlip, "forward", lambda self, img: img)
    monkeypatch.setattr(transforms.RandomRotation, "forward", lambda self, img: img)


def _download_writing(monkeypatch, images, labels):
    """Network allowed, but 'downloading' MNIST writes the given images and labels."""
    monkeypatch.setenv("TORCHCLAIMS_NETWORK", "1")

    def download(self):
        ondisk.write_mnist(Path(self.root), images, labels, train=True)

    monkeypatch.setattr(MNIST, "download", download)


@breaks("datasets.mnist-real-images")
def test_download_fetching_small_digits(monkeypatch):
    images, labels = ondisk.synthetic_digits(4, seed=0)
    _download_writing(monkeypatch, np.ascontiguousarray(images[:, :20, :20]), labels)


@breaks("datasets.mnist-download")
def test_download_fetching_four_digits(monkeypatch):
    images, labels = ondisk.synthetic_digits(4, seed=0)
    _download_writing(monkeypatch, images, labels)


@breaks("datasets.cifar10-download")
def test_cifar_download_fetching_four_images(monkeypatch):
    """Network allowed, but 'downloading' CIFAR-10 writes four images (read back by torchvision's own class)."""
    import torchvision.datasets

    monkeypatch.setenv("TORCHCLAIMS_NETWORK", "1")
    images, labels = ondisk.synthetic_cifar(4)
    local = ondisk.local_cifar10_class()

    class Fetched(local):
        def __init__(self, root, *args, download=False, **kwargs):
            ondisk.write_cifar10(Path(root), images, labels)
            super().__init__(root, *args, download=False, **kwargs)

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", Fetched)


@breaks("datasets.mnist-input-size-784")
def test_download_fetching_wide_digits(monkeypatch):
    images, labels = ondisk.synthetic_digits(4, seed=0)
    _download_writing(monkeypatch, np.ascontiguousarray(np.concatenate([images, images], axis=2)), labels)


@breaks("datasets.mnist-tensor-shape")
def test_to_tensor_keeping_channels_last(monkeypatch):
    monkeypatch.setattr(functional, "to_tensor", lambda pic: functional.pil_to_tensor(pic).permute(1, 2, 0).float() / 255)


@breaks("datasets.cifar10-tensor-shape")
def test_to_tensor_in_float64(monkeypatch):
    monkeypatch.setattr(functional, "to_tensor", lambda pic: functional.pil_to_tensor(pic).double() / 255)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

def _getitem_changed(monkeypatch, dataset_class, change):
    """dataset_class()[i] returns change(image, label) instead of (image, label)."""
    real = dataset_class.__getitem__
    monkeypatch.setattr(dataset_class, "__getitem__", lambda self, index: change(*real(self, index)))


@breaks("datasets.augmentation-applied-while-training")
def test_cifar_labels_off_by_one(monkeypatch):
    _getitem_changed(monkeypatch, CIFAR10, lambda image, label: (image, (label + 1) % 10))


@breaks("datasets.mnist-loader-batches")
def test_collate_dropping_a_sample_and_changing_dtypes(monkeypatch):
    real = tud._utils.collate.default_collate

    def collate(batch):
        images, labels = real(batch[:-1])
        return images.double() * 3, labels.int()

    monkeypatch.setattr(tud._utils.collate, "default_collate", collate)


class _NotAPILImage:
    """An image that is not a PIL image, with a PIL image's mode, size and pixels."""

    def __init__(self, image):
        self.image, self.mode, self.size = image, image.mode, image.size

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.image, dtype=dtype)


@breaks("datasets.cifar10-sample")
def test_cifar_images_not_pil(monkeypatch):
    _getitem_changed(monkeypatch, CIFAR10, lambda image, label: (_NotAPILImage(image), label))


@breaks("datasets.cifar10-sample")
def test_cifar_images_in_greyscale(monkeypatch):
    _getitem_changed(monkeypatch, CIFAR10, lambda image, label: (image.convert("L"), label))


@breaks("datasets.mnist-tensor-shape")
def test_mnist_tensors_double_with_tensor_labels(monkeypatch):
    _getitem_changed(monkeypatch, MNIST, lambda image, label: (image.double().unsqueeze(0), torch.tensor(label)))


@breaks("datasets.mnist-loader-batches")
def test_to_tensor_dropping_the_last_row(monkeypatch):
    real = functional.to_tensor
    monkeypatch.setattr(functional, "to_tensor", lambda pic: real(pic)[:, :-1, :])
