"""Checkers for training: the documents' training loops, gradient descent, the three steps, MNIST.

Every loop follows its document's code. Runs are seeded by the harness (seed 0), so a
loop's numbers are deterministic on a given device; observations are kept to what the
material predicts (fitted values, whether a loss went down, which gradients are set).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
import torch.nn as nn
import torch.optim as optim

from torchclaims.checkers import checker
from ._models import LeNet, SimpleLinearRegression, SimpleNN


def _one_thread():
    """Small models train fastest on one CPU thread (the harness restores the thread count afterwards)."""
    torch.set_num_threads(1)

# ---------------------------------------------------------------------------
# The documents' training set-ups: model, loss, optimizer, one fixed batch.
# ---------------------------------------------------------------------------


def _linear_regression_001(device):
    """001's opening example: nn.Linear(1, 1) fitted to y = 2x with SGD(lr=0.01) and MSELoss."""
    model = SimpleLinearRegression().to(device)
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]], device=device)
    y = torch.tensor([[2.0], [4.0], [6.0], [8.0]], device=device)
    return model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.01), x, y


def _adam_001(device):
    """001's Adam entry: nn.Linear(10, 1), Adam(lr=0.001), inputs randn(32, 10), targets randn(32, 1)."""
    model = nn.Linear(10, 1).to(device)
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    inputs, targets = torch.randn(32, 10), torch.randn(32, 1)
    return model, nn.MSELoss(), optimizer, inputs.to(device), targets.to(device)


def _sgd_001(device):
    """001's SGD entry: nn.Linear(10, 1), SGD(lr=0.01), inputs randn(10), targets randn(1)."""
    model = nn.Linear(10, 1).to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    inputs, targets = torch.randn(10), torch.randn(1)
    return model, nn.MSELoss(), optimizer, inputs.to(device), targets.to(device)


def _backward_001(device):
    """001's Backward Method entry: nn.Linear(1, 1), SGD(lr=0.01), inputs [[1],[2],[3]] (requires_grad)."""
    model = nn.Linear(1, 1).to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    inputs = torch.tensor([[1.0], [2.0], [3.0]], device=device, requires_grad=True)
    targets = torch.tensor([[2.0], [4.0], [6.0]], device=device)
    return model, nn.MSELoss(), optimizer, inputs, targets


def _mlp_001(device):
    """001's torch.nn entry: SimpleNN(784, 500, 10), CrossEntropyLoss, SGD(lr=0.01); a batch of 16."""
    model = SimpleNN(784, 500, 10).to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    inputs, labels = torch.randn(16, 784), torch.randint(0, 10, (16,))
    return model, nn.CrossEntropyLoss(), optimizer, inputs.to(device), labels.to(device)


def _lenet_002(device):
    """002's flow: LeNet, input randn(1, 1, 32, 32), target randn(10).view(1, -1), MSELoss, SGD(lr=0.01)."""
    model = LeNet().to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    inputs, target = torch.randn(1, 1, 32, 32), torch.randn(10).view(1, -1)
    return model, nn.MSELoss(), optimizer, inputs.to(device), target.to(device)


def _lenet_004(device):
    """004's three steps on a LeNet classifier: a batch of 8 images, CrossEntropyLoss, SGD(lr=0.01)."""
    model = LeNet().to(device)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    inputs, labels = torch.randn(8, 1, 32, 32), torch.randint(0, 10, (8,))
    return model, nn.CrossEntropyLoss(), optimizer, inputs.to(device), labels.to(device)


SETUPS = {
    "001-linear-regression": _linear_regression_001,
    "001-adam": _adam_001,
    "001-sgd": _sgd_001,
    "001-backward": _backward_001,
    "001-mlp": _mlp_001,
    "002-lenet": _lenet_002,
    "004-lenet": _lenet_004,
}


def _grads_state(params) -> str:
    """'none' if no parameter has a gradient, 'all' if every one has, else 'some'."""
    have = [p.grad is not None for p in params]
    return "all" if all(have) else ("none" if not any(have) else "some")


# ---------------------------------------------------------------------------
# The three steps: forward (loss), backward (gradients), step (update).
# ---------------------------------------------------------------------------


@checker
def forward_loss(device, setup):
    """Forward a set-up's batch and compute its loss: output shape, loss shape, whether the loss has a graph."""
    _one_thread()
    model, criterion, _, inputs, targets = SETUPS[setup](device)
    outputs = model(inputs)
    loss = criterion(outputs, targets)
    return {"output_shape": outputs.shape, "loss_shape": loss.shape, "loss_has_grad_fn": loss.grad_fn is not None}


@checker
def backward_fills_grads(device, setup):
    """Which parameters hold a gradient before and after loss.backward(); whether backward moved any."""
    _one_thread()
    model, criterion, _, inputs, targets = SETUPS[setup](device)
    params = list(model.parameters())
    before_values = [p.detach().clone() for p in params]
    before = _grads_state(params)
    criterion(model(inputs), targets).backward()
    return {
        "grads_before": before,
        "grads_after": _grads_state(params),
        "params_unchanged_by_backward": all(torch.equal(b, p.detach()) for b, p in zip(before_values, params)),
    }


@checker
def step_update(device, setup):
    """One zero_grad/forward/backward/step with an SGD set-up: did step() move every parameter,
    and by exactly -lr * grad (the SGD rule theta <- theta - eta * grad)?"""
    _one_thread()
    model, criterion, optimizer, inputs, targets = SETUPS[setup](device)
    assert isinstance(optimizer, optim.SGD), "step_update checks the plain SGD rule"
    lr = optimizer.param_groups[0]["lr"]
    optimizer.zero_grad()
    criterion(model(inputs), targets).backward()
    params = list(model.parameters())
    before = [p.detach().clone() for p in params]
    grads = [p.grad.detach().clone() for p in params]
    optimizer.step()
    return {
        "every_param_changed": all(not torch.equal(b, p.detach()) for b, p in zip(before, params)),
        "follows_sgd_rule": all(torch.allclose(p.detach(), b - lr * g, rtol=1e-5, atol=1e-7)
                                for b, g, p in zip(before, grads, params)),
    }


@checker
def loss_after_steps(device, setup, steps):
    """Train a set-up on its one fixed batch for `steps` steps; is the loss then lower than at the start?"""
    _one_thread()
    model, criterion, optimizer, inputs, targets = SETUPS[setup](device)
    model.train()
    with torch.no_grad():
        first = criterion(model(inputs), targets).item()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        last = criterion(model(inputs), targets).item()
    return {"loss_decreased": last < first}


@checker
def grads_after_zero_grad(device, setup):
    """Forward, backward, step, then optimizer.zero_grad() (default arguments): each parameter's .grad."""
    _one_thread()
    model, criterion, optimizer, inputs, targets = SETUPS[setup](device)
    criterion(model(inputs), targets).backward()
    optimizer.step()
    optimizer.zero_grad()
    return [p.grad for p in model.parameters()]


@checker
def train_mode(device, setup):
    """model.eval() then model.train(): is every module (the model and its children) in training mode?"""
    _one_thread()
    model = SETUPS[setup](device)[0]
    model.eval()
    after_eval = [m.training for m in model.modules()]
    model.train()
    after_train = [m.training for m in model.modules()]
    return {"training_after_eval": any(after_eval), "training_after_train": all(after_train)}


# ---------------------------------------------------------------------------
# 001's opening example: linear regression on y = 2x.
# ---------------------------------------------------------------------------


def _run_linear_regression(device, epochs, lr, log_every):
    model, criterion, optimizer, x, y = _linear_regression_001(device)
    for group in optimizer.param_groups:
        group["lr"] = lr
    printed = []
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        outputs = model(x)
        loss = criterion(outputs, y)
        loss.backward()
        optimizer.step()
        if (epoch + 1) % log_every == 0:
            printed.append(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")
    return model, loss.item(), printed


@checker
def linear_regression_fit(device, epochs=1000, lr=0.01):
    """001's loop, run as written: the fitted weight and bias and the last epoch's loss."""
    _one_thread()
    model, last_loss, _ = _run_linear_regression(device, epochs, lr, log_every=100)
    return {"weight": model.linear.weight.item(), "bias": model.linear.bias.item(), "final_loss": last_loss}


@checker
def linear_regression_log(device, epochs=1000, lr=0.01):
    """001's loop prints the loss every 100 epochs: is each printed loss (4 places) below the one before?
    (Which epochs it prints is the loop's own arithmetic, not torch's, and is not observed.)"""
    _one_thread()
    _, _, printed = _run_linear_regression(device, epochs, lr, log_every=100)
    losses = [float(line.rsplit(" ", 1)[1]) for line in printed]
    return {"printed_losses_decrease": all(b < a for a, b in zip(losses, losses[1:]))}


# ---------------------------------------------------------------------------
# 001's Gradient Descent entry: f(x) = x**2 from x = 10.
# ---------------------------------------------------------------------------


def _f(x):
    return x ** 2


def _gradient(x):
    return 2 * x


def _descend(device, start, lr, steps, use_optimizer=False):
    """The trajectory of gradient descent on x**2: 001's hand-written loop, or torch.optim.SGD with autograd."""
    if use_optimizer:
        x = torch.tensor(float(start), device=device, requires_grad=True)
        optimizer = optim.SGD([x], lr=lr)
        path = [x.item()]
        for _ in range(steps):
            optimizer.zero_grad()
            _f(x).backward()
            optimizer.step()
            path.append(x.item())
        return path
    x = torch.tensor(float(start), device=device, requires_grad=True)
    path = [x.item()]
    for _ in range(steps):
        grad = _gradient(x)
        x = x - lr * grad
        x.grad = None
        path.append(x.item())
    return path


@checker
def gd_step_lengths(device, starts, lr=0.1):
    """The length of one gradient-descent step on x**2 from each starting point."""
    _one_thread()
    return [abs(path[1] - path[0]) for path in (_descend(device, s, lr, 1) for s in starts)]


@checker
def gd_learning_rate_effect(device, lr, start=10.0, steps=100, use_optimizer=False):
    """Gradient descent on x**2 with learning rate `lr`: does it jump past the minimum (x changes sign),
    and does it converge (|x| below 1e-3 of its start after `steps` steps)?"""
    _one_thread()
    path = _descend(device, start, lr, steps, use_optimizer)
    overshoots = any(a * b < 0 for a, b in zip(path, path[1:]))
    return {"overshoots": overshoots, "converges": abs(path[-1]) < 1e-3 * abs(start)}


@checker
def gd_objective_decreases(device, lr=0.1, start=10.0, steps=100):
    """001's loop: does f(x) = x**2 fall at every one of its `steps` iterations?"""
    _one_thread()
    values = [x * x for x in _descend(device, start, lr, steps)]
    return all(b < a for a, b in zip(values, values[1:]))


@checker
def hand_gradient_matches_autograd(device, points):
    """001's gradient(x) = 2*x against the gradient PyTorch's autograd computes for f(x) = x**2."""
    _one_thread()
    x = torch.tensor([float(p) for p in points], device=device, requires_grad=True)
    (autograd,) = torch.autograd.grad(_f(x).sum(), x)
    return bool(torch.allclose(_gradient(x.detach()), autograd))


# ---------------------------------------------------------------------------
# 004's MNIST practice: a LeNet on MNIST files read by torchvision.datasets.MNIST.
# ---------------------------------------------------------------------------


@checker
def mnist_lenet_accuracy(device, train_samples=512, test_samples=256, epochs=3, batch_size=32, lr=0.001):
    """Write small MNIST-format train/test files, read them with torchvision.datasets.MNIST and a
    DataLoader, train torchclaims' LeNet (inputs padded 28 -> 32) with Adam, return test accuracy."""
    _one_thread()
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    from torchclaims.ondisk import synthetic_digits, write_mnist

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,)),
                                    transforms.Pad(2)])
    with tempfile.TemporaryDirectory() as root:
        write_mnist(Path(root), *synthetic_digits(train_samples, seed=0), train=True)
        write_mnist(Path(root), *synthetic_digits(test_samples, seed=1), train=False)
        train_set = datasets.MNIST(root=root, train=True, transform=transform, download=False)
        test_set = datasets.MNIST(root=root, train=False, transform=transform, download=False)
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
        model = LeNet().to(device)
        criterion = nn.CrossEntropyLoss()
        optimizer = optim.Adam(model.parameters(), lr=lr)
        for _ in range(epochs):
            model.train()
            for images, labels in loader:
                images, labels = images.to(device), labels.to(device)
                optimizer.zero_grad()
                loss = criterion(model(images), labels)
                loss.backward()
                optimizer.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for images, labels in DataLoader(test_set, batch_size=256):
                predicted = model(images.to(device)).argmax(dim=1).cpu()
                correct += int((predicted == labels).sum())
    return {"test_accuracy": correct / len(test_set)}
