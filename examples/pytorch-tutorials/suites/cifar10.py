"""Checkers for specs/cifar10.yaml: the 60-minute blitz's "Training a Classifier" (CIFAR-10).

Nothing is downloaded. Each checker that reads CIFAR-10 writes a small one (torchclaims.ondisk:
the real cifar-10-batches-py pickle format, 3072-byte rows, batches.meta) into a temporary folder
and reads it with ondisk.local_cifar10_class(): torchvision's own CIFAR10 class whose md5 table
alone is replaced by the sums of the files written (the official sums can only match the official
archive). Unpickling, the reshape to 32x32x3, PIL conversion, transforms and the integrity check
itself are torchvision's code, unchanged. The pixel values are the harness's (uniform 0..255, or
class-dependent for training); what torchvision and torch do with them is what is observed.
"""

import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from torchclaims import ondisk
from torchclaims.checkers import checker
from torchclaims.observe import raised

from ._nets import CifarNet, Net


def _tutorial_transform():
    import torchvision.transforms as transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])


def _learnable_cifar(count, seed=0):
    """count images whose class k brightens row band k of the red channel, plus noise; labels 0..9."""
    images, labels = ondisk.synthetic_cifar(count, seed)
    images = (images // 4).astype(np.uint8)
    for index, label in enumerate(labels):
        images[index, 3 * int(label):3 * int(label) + 3, :, 0] = 255
    return images, labels


@contextmanager
def _cifar10(count=40, learnable=False, transform=None, train=True):
    """A CIFAR10 dataset over a small CIFAR-10 written to a temporary folder (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="torchclaims-cifar-") as root:
        images, labels = _learnable_cifar(count) if learnable else ondisk.synthetic_cifar(count)
        ondisk.write_cifar10(Path(root), images, labels, test_images=images[:8], test_labels=labels[:8])
        yield ondisk.local_cifar10_class()(root=root, train=train, download=False, transform=transform)


@checker
def untransformed_sample(device, observe):
    """trainset[0] without a transform: whether it is a PIL image, or its pixel values' range."""
    from PIL import Image

    with _cifar10() as dataset:
        image, _ = dataset[0]
    if observe == "type":
        return {"is_pil_image": isinstance(image, Image.Image)}
    pixels = np.asarray(image)
    return {"value_range": [pixels.min().item(), pixels.max().item()]}


@checker
def transformed_sample(device):
    """trainset[0] with the tutorial's ToTensor + Normalize((0.5,)*3, (0.5,)*3): shape, dtype, value range."""
    with _cifar10(transform=_tutorial_transform()) as dataset:
        image, _ = dataset[0]
    return {"shape": image.shape, "dtype": image.dtype,
            "value_range": [image.min().item(), image.max().item()]}


@checker
def unnormalize(device):
    """img / 2 + 0.5 of a normalized sample against ToTensor's [0, 1] values: the largest difference."""
    import torchvision.transforms as transforms

    with _cifar10(transform=_tutorial_transform()) as dataset:
        normalized, _ = dataset[0]
        dataset.transform = transforms.ToTensor()
        plain, _ = dataset[0]
    return (normalized / 2 + 0.5 - plain).abs().max().item()


@checker
def first_batch(device, batch_size=4, num_workers=2):
    """next(iter(trainloader)) as the tutorial builds the loader: the batch's type and its parts' shapes."""
    with _cifar10(transform=_tutorial_transform()) as dataset:
        loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=num_workers)
        data = next(iter(loader))
    inputs, labels = data
    return {"type": type(data).__name__, "inputs": inputs.shape, "labels": labels.shape, "labels_dtype": labels.dtype}


@checker
def three_channel_net(device):
    """A batch of four 3x32x32 images through the CIFAR Net, and through the 1-channel Net it was copied from."""
    images = torch.randn(4, 3, 32, 32, device=device)
    return {"cifar_net": CifarNet().to(device)(images).shape,
            "one_channel_net": raised(lambda: Net().to(device)(images))["raises"]}


@checker
def cross_entropy(device, logits, target):
    """nn.CrossEntropyLoss()(logits, target) for the given values."""
    return nn.CrossEntropyLoss()(torch.tensor(logits, device=device), torch.tensor(target, device=device)).item()


@checker
def sgd_momentum(device, steps, lr=0.001, momentum=0.9):
    """w = [1.0] with gradient 1 at every step, `steps` steps of optim.SGD(lr, momentum): w after each."""
    w = nn.Parameter(torch.tensor([1.0], device=device))
    optimizer = optim.SGD([w], lr=lr, momentum=momentum)
    seen = []
    for _ in range(steps):
        optimizer.zero_grad()
        w.sum().backward()
        optimizer.step()
        seen.append(w.item())
    return seen


@checker
def training_loop(device, count=200, epochs=2):
    """The tutorial's loop (CrossEntropyLoss, SGD lr=0.001 momentum=0.9, batches of 4, shuffled) for
    `epochs` passes over `count` learnable images: the mean training-set loss before and after."""
    with _cifar10(count=count, learnable=True, transform=_tutorial_transform()) as dataset:
        loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True, num_workers=0)
        everything = torch.utils.data.DataLoader(dataset, batch_size=count)
        inputs_all, labels_all = next(iter(everything))
        inputs_all, labels_all = inputs_all.to(device), labels_all.to(device)
        net = CifarNet().to(device)
        criterion = nn.CrossEntropyLoss()
        optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        with torch.no_grad():
            before = criterion(net(inputs_all), labels_all).item()
        for _ in range(epochs):
            for inputs, labels in loader:
                inputs, labels = inputs.to(device), labels.to(device)
                optimizer.zero_grad()
                loss = criterion(net(inputs), labels)
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            after = criterion(net(inputs_all), labels_all).item()
    return {"loss_decreased": after < before}


@checker
def save_and_load(device):
    """torch.save(net.state_dict(), PATH), then Net().load_state_dict(torch.load(PATH)): what
    load_state_dict reports, and whether the reloaded net gives the same outputs."""
    net = CifarNet().to(device)
    images = torch.randn(4, 3, 32, 32, device=device)
    with tempfile.TemporaryDirectory(prefix="torchclaims-save-") as folder:
        path = Path(folder) / "cifar_net.pth"
        torch.save(net.state_dict(), path)
        loaded = CifarNet().to(device)
        report = loaded.load_state_dict(torch.load(path))
    with torch.no_grad():
        same = torch.equal(net(images), loaded(images))
    return {"missing_keys": report.missing_keys, "unexpected_keys": report.unexpected_keys, "same_outputs": same}


@checker
def max_index(device, outputs):
    """torch.max(outputs, 1) for the given outputs: the indices it returns."""
    _, predicted = torch.max(torch.tensor(outputs, device=device), 1)
    return predicted.cpu()


@checker
def outputs_under_no_grad(device):
    """net(images) inside torch.no_grad(): does the output require grad?"""
    net = CifarNet().to(device)
    with torch.no_grad():
        outputs = net(torch.randn(4, 3, 32, 32, device=device))
    return {"requires_grad": outputs.requires_grad}


@checker
def tutorial_device(device):
    """torch.device('cuda:0' if torch.cuda.is_available() else 'cpu') on this target: is it of the
    target's type (cuda on a CUDA machine), and its printed form's device type."""
    chosen = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')
    return {"is_target_type": chosen.type == torch.device(device).type}


@checker
def net_to_device(device):
    """net.to(device) on a net with nested modules holding parameters and buffers (a BatchNorm2d):
    are all of them on `device` afterwards, and how many tensors that is."""
    net = nn.Sequential(nn.Sequential(nn.Conv2d(3, 6, 5), nn.BatchNorm2d(6)), CifarNet())
    net.to(device)
    tensors = list(net.parameters()) + list(net.buffers())
    wanted = torch.device(device).type
    return {"all_on_device": all(t.device.type == wanted for t in tensors), "tensors": len(tensors)}


@checker
def torchvision_datasets(device, names):
    """Which of `names` torchvision.datasets has."""
    import torchvision.datasets

    return {name: hasattr(torchvision.datasets, name) for name in names}
