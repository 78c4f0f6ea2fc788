"""The documents' models, defined once: this project's checkers and the asv benchmarks share them.

A helper of the suites (not a topic: no spec file names it). The suites import it as
`from ._models import ...`; benchmarks/ and tests import it as the engine imports suites
(torchclaims.checkers.import_suite / torchclaims.testing.suite), so it is one module object.

Each follows its document's code (which lost its line breaks when saved); the debug
prints of 000's Net are left out. `MODELS` names each with the input it expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """002_fae67575efbe4981.txt: the official tutorial's LeNet with 3x3 convolutions."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]  # all dimensions except the batch dimension
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


class OneConvNet(nn.Module):
    """000_fb8c6e3e219677fc.txt: one 3x3 convolution, pooling, and a 1350-feature linear layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.fc1 = nn.Linear(1350, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(F.max_pool2d(x, (2, 2)))
        x = x.view(x.size()[0], -1)
        return self.fc1(x)


class SimpleNN(nn.Module):
    """001_04673d53cc78a90f.txt: the 784-500-10 MLP of the torch.nn entry."""

    def __init__(self, input_size=784, hidden_size=500, output_size=10):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def sequential_cnn() -> nn.Sequential:
    """001_04673d53cc78a90f.txt: the nn.Sequential CNN for 1x28x28 images."""
    return nn.Sequential(
        nn.Conv2d(in_channels=1, out_channels=32, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(in_channels=32, out_channels=64, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


class SimpleModel(nn.Module):
    """001_04673d53cc78a90f.txt, the Module entry: Linear(10, 5) -> torch.relu -> Linear(5, 1)."""

    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(10, 5)
        self.output_layer = nn.Linear(5, 1)

    def forward(self, x):
        x = torch.relu(self.hidden_layer(x))
        return self.output_layer(x)


class SimpleNet(nn.Module):
    """001_04673d53cc78a90f.txt, the Forward Method entry: 784 -> 128 -> 64 -> 10 with F.relu."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class SimpleLinearRegression(nn.Module):
    """001_04673d53cc78a90f.txt: nn.Linear(1, 1), fitted to y = 2x."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


class ConvBnReluNet(nn.Module):
    """003_191d6309034269a5.txt: Conv2d(3, 5, 2) -> BatchNorm2d(5) -> ReLU(inplace=True)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 5, kernel_size=2)
        self.bn = nn.BatchNorm2d(5)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.bn(self.conv1(x)))


@dataclass(frozen=True)
class ModelCase:
    """A model with the shape of one input sample and the kind of target it learns."""

    build: type | object
    sample_shape: tuple[int, ...]
    classes: int | None  # None: regression with a target shaped like the output

    def inputs(self, batch: int, device="cpu", generator=None) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(batch, *self.sample_shape, generator=generator).to(device)
        if self.classes is None:
            return x, (2 * x).to(device)  # y = 2x, as in 001's regression
        y = torch.randint(0, self.classes, (batch,), generator=generator).to(device)
        return x, y

    def loss(self) -> nn.Module:
        return nn.MSELoss() if self.classes is None else nn.CrossEntropyLoss()


MODELS: dict[str, ModelCase] = {
    "lenet": ModelCase(LeNet, (1, 32, 32), 10),
    "one_conv_net": ModelCase(OneConvNet, (1, 32, 32), 10),
    "mlp": ModelCase(SimpleNN, (784,), 10),
    "sequential_cnn": ModelCase(sequential_cnn, (1, 28, 28), 10),
    "linear_regression": ModelCase(SimpleLinearRegression, (1,), None),
}
