import time

import torch
import torch.nn as nn
import torch.utils.data as tud
from torch.utils.data import DataLoader, Dataset
from torch.utils.data._utils import collate, fetch

from torchclaims.testing import breaks


def _dataloader_forcing(monkeypatch, **forced):
    """DataLoader.__init__ that overrides some keyword arguments, whatever the caller passed."""
    real = DataLoader.__init__

    def init(self, dataset, *args, **kwargs):
        names = ["batch_size", "shuffle", "sampler", "batch_sampler", "num_workers"]
        kwargs.update(zip(names, args))
        kwargs.update(forced)
        real(self, dataset, **kwargs)

    monkeypatch.setattr(DataLoader, "__init__", init)


@breaks("data.dataloader-four-arguments-positional")
def test_dataloader_taking_num_workers_fourth(monkeypatch):
    real = DataLoader.__init__

    def init(self, dataset, batch_size=1, shuffle=None, num_workers=0, **kwargs):
        real(self, dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers, **kwargs)

    monkeypatch.setattr(DataLoader, "__init__", init)


@breaks("data.dataloader-yields-batches")
def test_dataloader_batch_size_off_by_one(monkeypatch):
    real = DataLoader.__init__

    def init(self, dataset, batch_size=1, *args, **kwargs):
        real(self, dataset, batch_size + 1, *args, **kwargs)

    monkeypatch.setattr(DataLoader, "__init__", init)


@breaks("data.batch-processing-prints")
def test_dataloader_always_dropping_last(monkeypatch):
    _dataloader_forcing(monkeypatch, drop_last=True)


@breaks("data.batch-size-is-samples-per-step")
def test_dataloader_ignoring_batch_size(monkeypatch):
    _dataloader_forcing(monkeypatch, batch_size=16)


def _random_sampler_in_order(monkeypatch):
    monkeypatch.setattr(tud.RandomSampler, "__iter__", lambda self: iter(range(len(self.data_source))))


@breaks("data.shuffle-randomises-order")
def test_shuffle_that_keeps_order(monkeypatch):
    _random_sampler_in_order(monkeypatch)


@breaks("data.batches-partition-dataset")
def test_random_sampler_drawing_with_replacement(monkeypatch):
    def draw(self):
        n = len(self.data_source)
        return iter(torch.randint(0, n, (n,)).tolist())

    monkeypatch.setattr(tud.RandomSampler, "__iter__", draw)


@breaks("data.shuffle-new-order-each-epoch")
def test_shuffle_with_the_same_order_every_epoch(monkeypatch):
    def same_permutation(self):
        generator = torch.Generator().manual_seed(1234)
        return iter(torch.randperm(len(self.data_source), generator=generator).tolist())

    monkeypatch.setattr(tud.RandomSampler, "__iter__", same_permutation)


def _workers_fetch_the_next_sample(monkeypatch):
    """Worker processes (which inherit the patch under fork) load sample i+1 for index i."""
    real = fetch._MapDatasetFetcher.fetch

    def fetch_shifted(self, possibly_batched_index):
        if tud.get_worker_info() is not None:
            n = len(self.dataset)
            possibly_batched_index = [(i + 1) % n for i in possibly_batched_index]
        return real(self, possibly_batched_index)

    monkeypatch.setattr(fetch._MapDatasetFetcher, "fetch", fetch_shifted)


@breaks("data.dataloader-parallel-batch-generation")
def test_workers_loading_other_samples(monkeypatch):
    _workers_fetch_the_next_sample(monkeypatch)


@breaks("data.multiple-cores-load-faster")
def test_num_workers_ignored_for_parallel_loading(monkeypatch):
    _dataloader_forcing(monkeypatch, num_workers=0, persistent_workers=False, timeout=0)


@breaks("data.num-workers-loads-asynchronously")
def test_num_workers_ignored_for_async_loading(monkeypatch):
    _dataloader_forcing(monkeypatch, num_workers=0, persistent_workers=False, timeout=0)


@breaks("data.dataset-needs-getitem")
def test_dataset_getitem_returning_none(monkeypatch):
    monkeypatch.setattr(Dataset, "__getitem__", lambda self, index: None)


@breaks("data.dataset-needs-len")
def test_dataset_with_default_len(monkeypatch):
    monkeypatch.setattr(Dataset, "__len__", lambda self: 0, raising=False)


@breaks("data.dataset-is-abstract")
def test_dataset_with_default_len_and_getitem(monkeypatch):
    monkeypatch.setattr(Dataset, "__len__", lambda self: 0, raising=False)
    monkeypatch.setattr(Dataset, "__getitem__", lambda self, index: None)


@breaks("data.dataset-prints")
def test_zero_dim_tensor_formatting_as_repr(monkeypatch):
    real = torch.Tensor.__format__

    def format_(self, spec):
        return f"tensor({self.item()})" if self.dim() == 0 and not spec else real(self, spec)

    monkeypatch.setattr(torch.Tensor, "__format__", format_)


@breaks("data.randint-labels-zero-to-nine")
def test_randint_including_high(monkeypatch):
    real = torch.randint
    monkeypatch.setattr(torch, "randint", lambda low, high, size, **kw: real(low, high + 1, size, **kw))


@breaks("data.custom-image-dataset-returns-image-and-label")
def test_image_open_giving_thumbnails(monkeypatch):
    from PIL import Image

    real = Image.open
    monkeypatch.setattr(Image, "open", lambda path, *a, **k: real(path, *a, **k).resize((8, 8)))


@breaks("data.custom-image-dataset-transform")
def test_resize_one_pixel_short(monkeypatch):
    from torchvision import transforms
    from torchvision.transforms import functional

    def short_resize(self, img):
        height, width = self.size
        return functional.resize(img, [height - 1, width - 1], self.interpolation)

    monkeypatch.setattr(transforms.Resize, "forward", short_resize)


@breaks("data.batch-size-affects-memory")
def test_dataloader_ignoring_the_batch_size(monkeypatch):
    _dataloader_forcing(monkeypatch, batch_size=100)


@breaks("data.batches-use-less-memory")
def test_dataloader_loading_the_whole_data_set(monkeypatch):
    real = DataLoader.__init__

    def init(self, dataset, *args, **kwargs):
        kwargs.pop("batch_size", None)
        real(self, dataset, *args[1:], batch_size=len(dataset), **kwargs)

    monkeypatch.setattr(DataLoader, "__init__", init)


def _linear_row_by_row(monkeypatch):
    """A Sequential that runs a batch through its layers one sample at a time, each paying a
    millisecond more: a batch is then clearly no faster, whatever else loads the machine."""
    real = nn.Sequential.forward

    def row_by_row(self, x):
        rows = []
        for i in range(x.shape[0]):
            time.sleep(0.001)
            rows.append(real(self, x[i:i + 1]))
        return torch.cat(rows)

    monkeypatch.setattr(nn.Sequential, "forward", row_by_row)


@breaks("data.batching-speeds-computation")
def test_linear_processing_a_batch_row_by_row_too(monkeypatch):
    _linear_row_by_row(monkeypatch)


@breaks("data.batch-size-tunes-training-speed")
def test_dataloader_always_batching_one(monkeypatch):
    _dataloader_forcing(monkeypatch, batch_size=1)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("data.custom-image-dataset-transform")
def test_collate_reversing_the_batch(monkeypatch):
    real = collate.default_collate
    monkeypatch.setattr(collate, "default_collate", lambda batch: real(batch[::-1]))


@breaks("data.custom-image-dataset-returns-image-and-label")
def test_sequential_sampler_skipping_the_last_sample(monkeypatch):
    monkeypatch.setattr(tud.SequentialSampler, "__iter__", lambda self: iter(range(len(self.data_source) - 1)))


@breaks("data.dataloader-parallel-batch-generation")
def test_workers_never_started(monkeypatch):
    real = DataLoader._get_iterator

    def get_iterator(self):
        self.num_workers, self.timeout = 0, 0
        return real(self)

    monkeypatch.setattr(DataLoader, "_get_iterator", get_iterator)
