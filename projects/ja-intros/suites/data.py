"""Checkers for torch.utils.data: DataLoader batching, shuffling, workers; the Dataset protocol.

Everything runs on tiny in-memory data sets. The data sets that worker processes load
are module-level classes, so they pickle under any multiprocessing start method (fork,
the Linux default, as well as spawn or forkserver); every loader with workers sets a
timeout, so a broken worker fails the claim instead of hanging the run.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, SequentialSampler, TensorDataset

from torchclaims.observe import raised
from torchclaims.checkers import checker

WORKER_TIMEOUT_S = 60


# ------------------------------------------------------------------ data sets

class CustomDataset(Dataset):
    """001_04673d53cc78a90f.txt, the Dataset entry's code, as written there."""

    def __init__(self, data, labels):
        self.data = data
        self.labels = labels

    def __len__(self):
        # データセットのサイズを返す
        return len(self.data)

    def __getitem__(self, idx):
        # 指定したインデックスのデータと対応するラベルを返す
        sample = self.data[idx]
        label = self.labels[idx]
        return sample, label


class CustomImageDataset(Dataset):
    """001_04673d53cc78a90f.txt, the Custom Dataset entry's code, as written there."""

    def __init__(self, image_paths, labels, transform=None):
        self.image_paths = image_paths
        self.labels = labels
        self.transform = transform

    def __len__(self):
        # Return the total number of samples
        return len(self.image_paths)

    def __getitem__(self, idx):
        # Load an image and its corresponding label
        image_path = self.image_paths[idx]
        image = self._load_image(image_path)
        label = self.labels[idx]
        # Apply transformations if any
        if self.transform:
            image = self.transform(image)
        return image, label

    def _load_image(self, path):
        from PIL import Image
        return Image.open(path)


class WhoLoadedIt(Dataset):
    """Sample i is (i, the id of the process that loaded it); loading one sample sleeps `load_s`."""

    def __init__(self, size, load_s=0.0):
        self.size = size
        self.load_s = load_s

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        if self.load_s:
            time.sleep(self.load_s)
        return torch.tensor(idx), torch.tensor(os.getpid())


class TimedLoads(Dataset):
    """Sample i is when its loading began and ended, on the clock every process of this machine
    shares (time.monotonic); loading one sample sleeps `load_s`."""

    def __init__(self, size, load_s):
        self.size = size
        self.load_s = load_s

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        began = time.monotonic()
        time.sleep(self.load_s)
        return torch.tensor([began, time.monotonic()], dtype=torch.float64)


class _WithoutLen(Dataset):
    def __getitem__(self, idx):
        return torch.tensor(idx)


class _WithoutGetitem(Dataset):
    def __len__(self):
        return 4


class _Complete(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, idx):
        if idx >= 4:
            raise IndexError(idx)
        return torch.tensor(idx)


INCOMPLETE = {"__len__": _WithoutLen, "__getitem__": _WithoutGetitem, "nothing": _Complete, "both": Dataset}


def _loader(dataset, **kwargs):
    if kwargs.get("num_workers"):
        kwargs.setdefault("timeout", WORKER_TIMEOUT_S)
    return DataLoader(dataset, **kwargs)


# ------------------------------------------------------------------ checkers

@checker
def dataloader_call(device, style):
    """Build DataLoader(dataset, batch_size, shuffle, num_workers) with the four values
    (8, True, 0) passed as keywords or, in the order the document lists them, positionally,
    and take one batch. What was raised, if anything."""
    dataset = TensorDataset(torch.arange(16))

    def build_and_take():
        if style == "keywords":
            loader = DataLoader(dataset=dataset, batch_size=8, shuffle=True, num_workers=0)
        elif style == "positional":
            loader = DataLoader(dataset, 8, True, 0)
        else:
            raise ValueError(style)
        next(iter(loader))

    return raised(build_and_take)


@checker
def batch_shapes(device, n, features, batch_size, label_high=2, shuffle=True, drop_last=False):
    """001's Batch Processing code: TensorDataset(randn(n, features), randint(0, label_high, (n,)));
    what `print(batch_data.shape, batch_labels.shape)` prints for each batch."""
    data = torch.randn(n, features)
    labels = torch.randint(0, label_high, (n,))
    dataset = TensorDataset(data, labels)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    return {"printed": [f"{batch_data.shape} {batch_labels.shape}" for batch_data, batch_labels in loader]}


@checker
def epoch_orders(device, n, epochs, batch_size, shuffle):
    """Iterate a DataLoader over samples 0..n-1 for `epochs` epochs: does every epoch give
    every sample exactly once, is each epoch in dataset order, and (with more than one
    epoch, where it can be false) does every epoch come in an order of its own."""
    loader = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size, shuffle=shuffle)
    orders = [[int(i) for (batch,) in loader for i in batch] for _ in range(epochs)]
    observed = {
        "every_sample_once_per_epoch": all(sorted(order) == list(range(n)) for order in orders),
        "in_dataset_order": [order == list(range(n)) for order in orders],
    }
    if epochs > 1:
        observed["all_epochs_differ"] = len({tuple(order) for order in orders}) == epochs
    return observed


@checker
def worker_samples(device, num_workers, n=12, batch_size=3):
    """Load the same data set with `num_workers` worker processes and with none: are the
    batches the same, in the same order, and which processes loaded them."""
    dataset = WhoLoadedIt(n)
    single = list(_loader(dataset, batch_size=batch_size))
    multi = list(_loader(dataset, batch_size=batch_size, num_workers=num_workers))
    pids = {int(p) for _, batch_pids in multi for p in batch_pids}
    return {
        "same_batches_as_num_workers_0": len(single) == len(multi) and all(
            torch.equal(a, b) for (a, _), (b, _) in zip(single, multi)),
        "loaded_outside_main_process": os.getpid() not in pids,
        "loading_processes": len(pids),
    }


@checker
def loader_speedup(device, num_workers, n, load_s, process_s, min_speedup=1.25, rounds=3):
    """Wall time of an epoch (loading sleeps load_s a sample, the loop sleeps process_s a
    batch of one) with `num_workers` workers against num_workers=0: is it at least
    `min_speedup` times faster. Sleeps stand for I/O, so the result does not hang on how
    busy the CPU cores are. The workers persist and a first, untimed epoch starts them:
    the timed epoch is the steady state of a long training run, not the one-time fork.
    Each side's time is its best of `rounds` epochs, alternating, so a moment in which a
    loaded machine leaves a process waiting for a core cannot decide the verdict."""
    dataset = WhoLoadedIt(n, load_s=load_s)

    def epoch(loader):
        start = time.perf_counter()
        for _ in loader:
            time.sleep(process_s)
        return time.perf_counter() - start

    alone_loader = _loader(dataset, batch_size=1)
    loader = _loader(dataset, batch_size=1, num_workers=num_workers, persistent_workers=True)
    epoch(loader)
    alone, with_workers = [], []
    for _ in range(rounds):
        alone.append(epoch(alone_loader))
        with_workers.append(epoch(loader))
    return {"faster_with_workers": min(with_workers) * min_speedup < min(alone)}


@checker
def loader_overlap(device, num_workers, n, load_s, process_s):
    """An epoch whose loop works `process_s` on each batch of one while loading a sample sleeps
    `load_s`, with `num_workers` workers: is any sample loaded while the loop works on an
    earlier batch? The load and work intervals are read on the clock every process of the
    machine shares (time.monotonic), so how busy the machine is cannot decide it."""
    loads, works = [], []
    for batch in _loader(TimedLoads(n, load_s), batch_size=1, num_workers=num_workers):
        began = time.monotonic()
        time.sleep(process_s)
        works.append((began, time.monotonic()))
        loads.append(batch[0].tolist())
    overlapping = sum(1 for load in loads for work in works if load[0] < work[1] and work[0] < load[1])
    return {"loads_while_the_loop_works": overlapping > 0}


@checker
def incomplete_dataset(device, missing):
    """A Dataset subclass lacking `missing` ('__len__', '__getitem__', 'both' = the base class
    itself, 'nothing'): what len(), dataset[0] and iterating a DataLoader over it raise."""
    dataset = INCOMPLETE[missing]()
    return {
        "len": raised(lambda: len(dataset))["raises"],
        "getitem": raised(lambda: dataset[0])["raises"],
        "dataloader": raised(lambda: list(DataLoader(dataset, batch_size=2)))["raises"],
    }


@checker
def custom_dataset_prints(device):
    """001's Dataset entry's code: what its two prints print. The label is random, so a
    label printed as one digit 0..9 is shown as <0..9>."""
    data = torch.randn(100, 3, 32, 32)  # 100個の32x32 RGB画像
    labels = torch.randint(0, 10, (100,))  # 0から9のラベル
    dataset = CustomDataset(data, labels)
    first = f"Dataset size: {len(dataset)}"
    sample, label = dataset[0]
    second = f"Sample shape: {sample.shape}, Label: {label}"
    return {"printed": [first, re.sub(r"Label: [0-9]$", "Label: <0..9>", second)]}


@checker
def randint_values(device, low, high, count=10000):
    """The distinct values that torch.randint(low, high, (count,)) draws."""
    return sorted({int(v) for v in torch.randint(low, high, (count,))})


def _write_images(folder: Path, sizes):
    from PIL import Image

    paths, arrays = [], []
    for index, (width, height) in enumerate(sizes):
        rng = np.random.default_rng(index)
        path = folder / f"image_{index}.png"
        arrays.append(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
        Image.fromarray(arrays[-1]).save(path)
        paths.append(str(path))
    return paths, arrays


@checker
def custom_image_dataset(device, sizes, labels, resize=None, batch_size=None):
    """001's CustomImageDataset over PNG files written to a temporary folder: its length and
    what indexing gives (a PIL image, the one in that index's file, or with transform = Resize(resize) +
    ToTensor + Normalize a tensor), and with batch_size the shapes of a DataLoader's first batch."""
    with tempfile.TemporaryDirectory(prefix="torchclaims-") as folder:
        paths, arrays = _write_images(Path(folder), sizes)
        transform = None
        if resize is not None:
            from torchvision import transforms

            transform = transforms.Compose([
                transforms.Resize(tuple(resize)),
                transforms.ToTensor(),
                transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
            ])
        dataset = CustomImageDataset(paths, labels, transform=transform)
        # the length as torch uses it: how many samples its sampler draws from the dataset
        observed = {"len": len(list(SequentialSampler(dataset))), "items": []}
        from PIL import Image

        for index in range(len(dataset)):
            image, label = dataset[index]
            if isinstance(image, Image.Image):
                item = {"kind": "PIL image", "is_its_file": bool(np.array_equal(np.asarray(image), arrays[index]))}
            else:
                item = {"kind": type(image).__name__, "shape": image.shape}
            observed["items"].append({**item, "label": label})
        if batch_size:
            images, batch_labels = next(iter(DataLoader(dataset, batch_size=batch_size)))
            observed["first_batch"] = {"images": images.shape, "labels": batch_labels}
        return observed


def _storage_bytes(tensor) -> int:
    """Bytes of the memory the tensor's storage holds (untyped_storage() came in torch 2.0)."""
    storage = tensor.untyped_storage() if hasattr(tensor, "untyped_storage") else tensor.storage()
    return storage.nbytes()


def _first_batch_bytes(batch_size, n, features):
    """Bytes the storage of the first batch a DataLoader yields over n float32 samples holds, as
    collate allocated it (a batch viewing the whole data set, or widened, would hold more)."""
    (batch,) = next(iter(DataLoader(TensorDataset(torch.randn(n, features)), batch_size=batch_size)))
    return _storage_bytes(batch)


@checker
def batch_memory(device, observe, features=10):
    """What the memory of a DataLoader's batch depends on, as torch's collate allocates it:
    `independent_of_data_set`: a batch of 16 holds the same bytes over a data set of 100 samples
    as over one of 1000 (only the batch is in memory for the computation, not the data set);
    `grows_with_batch_size`: a batch of 64 holds more than a batch of 16 of the same data set."""
    if observe == "independent_of_data_set":
        small, large = (_first_batch_bytes(16, n, features) for n in (100, 1000))
        return {"batch_bytes_same_for_ten_times_the_data": small == large}
    if observe == "grows_with_batch_size":
        return {"batch_of_64_holds_more_than_16": _first_batch_bytes(64, 100, features) > _first_batch_bytes(16, 100, features)}
    raise ValueError(observe)


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def _clock(device):
    """The clock for a single-threaded computation: on the CPU this thread's CPU time, which
    a busy machine's other processes do not inflate (they only take turns on the cores); on an
    accelerator the wall clock, read after synchronising, since the work is not this thread's."""
    return time.thread_time if torch.device(device).type == "cpu" else time.perf_counter


def _steady_cpu(device):
    """One intra-op thread for CPU timings: on a shared, busy machine a thread pool that
    waits for a descheduled thread makes small ops' times swing by a hundredfold.
    (The harness restores the thread count after the claim.)"""
    if torch.device(device).type == "cpu":
        torch.set_num_threads(1)


@checker
def batched_forward_faster(device, n=256, width=256, repeats=5, min_speedup=2.0):
    """An MLP on n samples: one forward of the whole batch against n forwards of
    one sample each. Is the batch at least `min_speedup` times faster (best of `repeats`
    alternating rounds)."""
    _steady_cpu(device)
    model = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10)).to(device)
    x = torch.randn(n, width, device=device)

    clock = _clock(device)

    def timed(run):
        _sync(device)
        start = clock()
        with torch.no_grad():
            run()
        _sync(device)
        return clock() - start

    # the two sides alternate, round by round, so a busy spell on a shared machine slows both
    rounds = [(timed(lambda: [model(x[i:i + 1]) for i in range(n)]), timed(lambda: model(x))) for _ in range(repeats)]
    one_by_one, batched = (min(side) for side in zip(*rounds))
    return {"batch_faster": batched * min_speedup < one_by_one}


@checker
def epoch_time_by_batch_size(device, small, large, n=512, features=10, min_speedup=2.0):
    """One training epoch (Linear, MSELoss, SGD) through a DataLoader with batch_size `small`
    and with `large`: is the larger batch's epoch at least `min_speedup` times faster."""
    _steady_cpu(device)
    data = torch.randn(n, features)
    targets = torch.randn(n, 1)
    dataset = TensorDataset(data, targets)
    clock = _clock(device)

    def epoch(batch_size):
        model = nn.Linear(features, 1).to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        criterion = nn.MSELoss()
        _sync(device)
        start = clock()
        for inputs, target in DataLoader(dataset, batch_size=batch_size, shuffle=True):
            inputs, target = inputs.to(device), target.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), target)
            loss.backward()
            optimizer.step()
        _sync(device)
        return clock() - start

    epoch(large)  # warm-up: the first optimizer step pays one-time costs
    # best of three each, the two sizes alternating round by round (on an accelerator the
    # wall clock: neither a descheduled moment nor a busy spell can flip the verdict)
    rounds = [(epoch(large), epoch(small)) for _ in range(3)]
    best_large, best_small = (min(side) for side in zip(*rounds))
    return {"larger_batch_epoch_faster": best_large * min_speedup < best_small}
