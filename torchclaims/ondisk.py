"""Small data sets written in the real on-disk formats, for the real torchvision classes.

Nothing can be downloaded here, so tests and checkers write their own MNIST and
CIFAR-10 files and read them back with torchvision.datasets.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

MNIST_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write an unsigned-byte IDX file (the MNIST format): magic, dims, then the data."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    with open(path, "wb") as handle:
        handle.write(struct.pack(">HBB", 0, 0x08, array.ndim))
        handle.write(struct.pack(f">{array.ndim}I", *array.shape))
        handle.write(array.tobytes())


def write_mnist(root: Path, images: np.ndarray, labels: np.ndarray, train: bool = True) -> Path:
    """Write `images` (N×28×28 uint8) and `labels` (N) where torchvision.datasets.MNIST(root) reads them."""
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    image_file, label_file = MNIST_FILES[train]
    write_idx(raw / image_file, images)
    write_idx(raw / label_file, labels)
    # torchvision checks that both splits exist before it reads either
    other_images, other_labels = MNIST_FILES[not train]
    if not (raw / other_images).exists():
        write_idx(raw / other_images, images[:1])
        write_idx(raw / other_labels, labels[:1])
    return Path(root)


def synthetic_digits(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Learnable 28×28 'digits': class k lights up a class-specific bar, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=count).astype(np.uint8)
    images = rng.integers(0, 60, size=(count, 28, 28)).astype(np.uint8)
    for index, label in enumerate(labels):
        row = 2 + int(label) * 2
        images[index, row:row + 3, 4:24] = 255
    return images, labels
