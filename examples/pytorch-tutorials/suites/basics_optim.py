"""Checkers for specs/basics_optim.yaml: "Learn the Basics", Optimizing Model Parameters
(optimization_tutorial.py). The network is suites/_nets.py's OptimizationNeuralNetwork, as the
tutorial defines it; nothing is downloaded: the data are a few random 28x28 images with random
labels (FashionMNIST's shapes), enough for the loop's mechanics.
"""

import torch
from torch import nn

from torchclaims.checkers import checker

from ._nets import OptimizationNeuralNetwork

LEARNING_RATE = 1e-3  # the tutorial's learning_rate


def _batch(device, size=8):
    return torch.rand(size, 28, 28, device=device), torch.randint(0, 10, (size,), device=device)


def _grads(model):
    return [None if p.grad is None else p.grad.clone() for p in model.parameters()]


def _all_close(first, second, **tolerance):
    return all(a is not None and b is not None and a.shape == b.shape and bool(torch.allclose(a, b, **tolerance))
               for a, b in zip(first, second))


@checker
def cross_entropy_combines(device):
    """nn.CrossEntropyLoss() on logits, against nn.NLLLoss() of nn.LogSoftmax(dim=1) of the same logits."""
    logits = torch.randn(6, 10, device=device)
    y = torch.randint(0, 10, (6,), device=device)
    combined = nn.CrossEntropyLoss()(logits, y)
    separate = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), y)
    return {"same_as_log_softmax_then_nll": bool(torch.allclose(combined, separate, atol=1e-6))}


@checker
def gradient_accumulation(device, zero_grad):
    """Two training iterations on one batch (forward, loss, [optimizer.zero_grad()], backward), no step:
    with zero_grad, are the gradients those of one backward? without, are they twice those?"""
    model = OptimizationNeuralNetwork().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    X, y = _batch(device)
    grads = []
    for _ in range(2):
        if zero_grad:
            optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        grads.append(_grads(model))
    once, twice = grads
    if zero_grad:
        return {"second_equals_one_backward": _all_close(twice, once, atol=1e-7)}
    doubled = [None if g is None else 2 * g for g in once]
    return {"second_is_double": _all_close(twice, doubled, atol=1e-7)}


@checker
def backward_deposits(device):
    """loss.backward() on the tutorial's model: does every parameter get a .grad of its own shape?"""
    model = OptimizationNeuralNetwork().to(device)
    X, y = _batch(device)
    nn.CrossEntropyLoss()(model(X), y).backward()
    params = list(model.parameters())
    return {
        "every_parameter_has_grad": all(p.grad is not None for p in params),
        "grad_shapes_match": all(p.grad is not None and p.grad.shape == p.shape for p in params),
    }


@checker
def sgd_step(device):
    """optimizer.step() of SGD(model.parameters(), lr=1e-3) after a backward: is every parameter now p - lr * grad?"""
    model = OptimizationNeuralNetwork().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    X, y = _batch(device)
    optimizer.zero_grad()
    nn.CrossEntropyLoss()(model(X), y).backward()
    with torch.no_grad():
        by_hand = [p - LEARNING_RATE * p.grad for p in model.parameters()]
    optimizer.step()
    return {"parameters_moved_by_gradients": _all_close([p.detach() for p in model.parameters()], by_hand, atol=1e-7, rtol=1e-6)}


@checker
def training_lowers_loss(device):
    """The tutorial's train_loop (lr 1e-3, SGD, CrossEntropyLoss) over 4 batches of 16 random images, 2 epochs:
    the mean loss over the data before and after."""
    model = OptimizationNeuralNetwork().to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    X_all, y_all = _batch(device, size=64)
    batches = [(X_all[i:i + 16], y_all[i:i + 16]) for i in range(0, 64, 16)]

    def mean_loss():
        with torch.no_grad():
            return loss_fn(model(X_all), y_all).item()

    before = mean_loss()
    for _ in range(2):
        model.train()
        for X, y in batches:
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return {"loss_decreased": mean_loss() < before}


@checker
def train_eval_modes(device, model):
    """Outputs of a module in train() and in eval() mode, on the same input: for nn.Dropout and
    nn.BatchNorm1d (do they differ?), or for the tutorial's network (are they the same?)."""
    if model == "dropout_batchnorm":
        x = torch.randn(16, 8, device=device) * 3 + 2
        seen = {}
        for name, module in (("dropout", nn.Dropout(0.5)), ("batchnorm", nn.BatchNorm1d(8))):
            module = module.to(device)
            module.train()
            trained = module(x)
            module.eval()
            evaluated = module(x)
            seen[f"{name}_differs"] = not torch.allclose(trained, evaluated)
        return seen
    if model == "tutorial":
        network = OptimizationNeuralNetwork().to(device)
        X = torch.rand(4, 28, 28, device=device)
        network.train()
        trained = network(X)
        network.eval()
        return {"same_output": bool(torch.equal(trained, network(X)))}
    raise ValueError(model)


@checker
def evaluation_no_grad(device):
    """The tutorial's test_loop step, pred = model(X) inside torch.no_grad(): does pred require grad (a graph to compute gradients)?"""
    model = OptimizationNeuralNetwork().to(device)
    model.eval()
    X, _ = _batch(device)
    with torch.no_grad():
        pred = model(X)
    return {"pred_requires_grad": pred.requires_grad, "pred_has_grad_fn": pred.grad_fn is not None}
