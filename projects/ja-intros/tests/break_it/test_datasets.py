from pathlib import Path

import pytest

pytest.importorskip("torchvision")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.utils.data as tud  # noqa: E402
import torchvision.datasets.cifar as cifar_module  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision import transforms  # noqa: E402
from torchvision.datasets import MNIST  # noqa: E402
from torchvision.transforms import functional  # noqa: E402

from torchclaims.testing import breaks  # noqa: E402
from torchclaims import ondisk  # noqa: E402


@breaks("datasets.mnist-sample-image-and-label")
def test_mnist_giving_tensor_labels(monkeypatch):
    real = MNIST.__getitem__

    def getitem(self, index):
        image, label = real(self, index)
        return image, torch.tensor(label)

    monkeypatch.setattr(MNIST, "__getitem__", getitem)


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


@breaks("datasets.mnist-input-size-784")
def test_mnist_to_tensor_unscaled_flat(monkeypatch):
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


@breaks("datasets.mnist-download-true-uses-local-copy")
def test_mnist_not_seeing_its_files(monkeypatch):
    monkeypatch.setattr(MNIST, "_check_exists", lambda self: False)


@breaks("datasets.mnist-download-false-reads-local-copy")
def test_mnist_not_seeing_its_files_offline(monkeypatch):
    monkeypatch.setattr(MNIST, "_check_exists", lambda self: False)


@breaks("datasets.cifar10-download-true-uses-local-copy")
def test_cifar_integrity_check_failing(monkeypatch):
    monkeypatch.setattr(cifar_module, "check_integrity", lambda *args, **kwargs: False)


@breaks("datasets.mnist-first-label-5")
def test_download_fetching_other_digits(monkeypatch):
    """Network allowed, but 'downloading' writes digits whose first label is not 5."""
    monkeypatch.setenv("TORCHCLAIMS_NETWORK", "1")
    images, labels = ondisk.synthetic_digits(4, seed=0)
    labels[0] = 3

    def download(self):
        ondisk.write_mnist(Path(self.root), images, labels, train=True)

    monkeypatch.setattr(MNIST, "download", download)
