"""Small data sets written in the real on-disk formats, for the real torchvision classes.

Nothing can be downloaded here, so tests and checkers write their own MNIST and
CIFAR-10 files and read them back with torchvision.datasets.
"""

from __future__ import annotations

import hashlib
import json
import pickle
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


# ---------------------------------------------------------------- CIFAR-10

CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_META = "batches.meta"
CIFAR10_LABEL_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
                       "dog", "frog", "horse", "ship", "truck")
# Where write_cifar10 records the md5 sums of the files it wrote: beside the data
# folder, not in it, so the folder holds exactly what the real archive unpacks to.
CIFAR10_MD5_TABLE = "cifar-10-batches-py.md5.json"


def _pickle_cifar_batch(path: Path, images: np.ndarray, labels: np.ndarray, batch_label: str) -> None:
    """One batch file as the real archive has it: a pickled dict whose 'data' is N×3072 uint8,
    each row the 1024 red, then 1024 green, then 1024 blue values of a 32×32 image, row-major."""
    images = np.ascontiguousarray(images, dtype=np.uint8)
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3 * 32 * 32)
    entry = {
        "batch_label": batch_label,
        "labels": [int(label) for label in labels],
        "data": rows,
        "filenames": [f"torchclaims_{batch_label.replace(' ', '_')}_{i}.png" for i in range(len(images))],
    }
    with open(path, "wb") as handle:
        pickle.dump(entry, handle, protocol=2)  # the real files are Python 2 pickles


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def write_cifar10(root: Path, images: np.ndarray, labels: np.ndarray,
                  test_images: np.ndarray | None = None, test_labels: np.ndarray | None = None) -> Path:
    """Write a small CIFAR-10 in the real `cifar-10-batches-py` pickle format under `root`.

    `images` (N×32×32×3 uint8, HWC like torchvision's `.data`) and `labels` (N, 0..9) are the
    training set, split over data_batch_1..5 as evenly as N allows; the test set (default:
    the first training image) goes to test_batch; batches.meta holds the ten real label
    names. The files' md5 sums go to `root / CIFAR10_MD5_TABLE`, which LocalCIFAR10 reads.
    """
    if test_images is None:
        test_images, test_labels = images[:1], labels[:1]
    folder = Path(root) / CIFAR10_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parts = np.array_split(np.arange(len(images)), len(CIFAR10_TRAIN_BATCHES))
    for number, (name, part) in enumerate(zip(CIFAR10_TRAIN_BATCHES, parts), start=1):
        _pickle_cifar_batch(folder / name, images[part], np.asarray(labels)[part],
                            f"training batch {number} of 5")
    _pickle_cifar_batch(folder / CIFAR10_TEST_BATCH, test_images, np.asarray(test_labels),
                        "testing batch 1 of 1")
    meta = {"num_cases_per_batch": max(len(p) for p in parts),
            "label_names": list(CIFAR10_LABEL_NAMES), "num_vis": 3 * 32 * 32}
    with open(folder / CIFAR10_META, "wb") as handle:
        pickle.dump(meta, handle, protocol=2)
    table = {name: _md5(folder / name)
             for name in (*CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH, CIFAR10_META)}
    (Path(root) / CIFAR10_MD5_TABLE).write_text(json.dumps(table, indent=1, sort_keys=True))
    return Path(root)


def local_cifar10_class():
    """torchvision.datasets.CIFAR10, made to accept the files write_cifar10 wrote. Needs torchvision.

    The real class checks every batch file against md5 sums of the official archive,
    hard-coded in its `train_list`, `test_list` and `meta`; files we write ourselves can
    never match them, so the unmodified class refuses them ("Dataset not found or
    corrupted"). The subclass returned here changes only that table: before the real
    __init__ runs, it sets those three attributes on the instance from the md5 sums that
    write_cifar10 recorded beside the data (`root / CIFAR10_MD5_TABLE`), keeping the file
    names and their order. Everything else -- the integrity check itself, download(),
    unpickling, the reshape to 32×32×3, PIL conversion, transforms, classes from
    batches.meta -- is torchvision's own code, run unchanged. The integrity check still
    means something: a file altered after it was written is refused. Without a table
    (a real download), it behaves exactly like CIFAR10.
    """
    from torchvision.datasets import CIFAR10

    class LocalCIFAR10(CIFAR10):
        def __init__(self, root, *args, **kwargs):
            table_path = Path(root) / CIFAR10_MD5_TABLE
            if table_path.exists():
                table = json.loads(table_path.read_text())
                self.train_list = [[name, table[name]] for name, _ in CIFAR10.train_list]
                self.test_list = [[name, table[name]] for name, _ in CIFAR10.test_list]
                self.meta = {**CIFAR10.meta, "md5": table[CIFAR10.meta["filename"]]}
            super().__init__(root, *args, **kwargs)

    LocalCIFAR10.__qualname__ = LocalCIFAR10.__name__ = "LocalCIFAR10"
    return LocalCIFAR10


def synthetic_cifar(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """count random 32×32×3 uint8 images (HWC) and labels 0..9, every class present when count >= 10."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(count) % 10).astype(np.int64)
    rng.shuffle(labels)
    images = rng.integers(0, 256, size=(count, 32, 32, 3)).astype(np.uint8)
    return images, labels
