"""Checkers for specs/neural_networks.yaml: the 60-minute blitz's "Neural Networks" (LeNet, MSELoss,
backprop, zero_grad, the SGD update). The network is suites/_nets.py's Net, as the tutorial defines it.
"""

import re

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.checkers import checker
from torchclaims.observe import raised

from ._nets import Net

STAGES = ("C1", "S2", "C3", "S4", "flatten", "F5", "F6", "OUTPUT")


def _shape_or_raised(action):
    outcome = raised(action)
    return outcome if outcome["raises"] is not None else action().shape


@checker
def stage_shape(device, stage, batch=2):
    """The shape after one stage of Net.forward (the tutorial's C1 ... OUTPUT comments) for a
    batch of `batch` 1x32x32 inputs, or the exception raised on the way."""
    net = Net().to(device)
    steps = [lambda x: F.relu(net.conv1(x)), lambda x: F.max_pool2d(x, (2, 2)),
             lambda x: F.relu(net.conv2(x)), lambda x: F.max_pool2d(x, 2),
             lambda x: torch.flatten(x, 1), lambda x: F.relu(net.fc1(x)),
             lambda x: F.relu(net.fc2(x)), lambda x: net.fc3(x)]

    def run():
        x = torch.randn(batch, 1, 32, 32, device=device)
        for step in steps[:STAGES.index(stage) + 1]:
            x = step(x)
        return x

    return _shape_or_raised(run)


@checker
def first_parameter(device):
    """list(net.parameters())[0]: is it conv1's weight, and its size."""
    net = Net().to(device)
    params = list(net.parameters())
    return {"is_conv1_weight": params[0] is net.conv1.weight, "size": params[0].size()}


@checker
def net_output(device, input_shape, unsqueeze=False):
    """net(torch.randn(*input_shape)) (after .unsqueeze(0) if asked): the output's shape, or the exception."""
    net = Net().to(device)
    x = torch.randn(*input_shape, device=device)
    if unsqueeze:
        x = x.unsqueeze(0)
    outcome = raised(lambda: net(x))
    return {"raises": outcome["raises"], "shape": None if outcome["raises"] else net(x).shape}


@checker
def conv2d_accepts_single_sample(device):
    """nn.Conv2d(1, 6, 5) on one 1x32x32 sample (no batch dimension): does it run?"""
    conv = nn.Conv2d(1, 6, 5).to(device)
    return {"accepts_single_sample": raised(lambda: conv(torch.randn(1, 32, 32, device=device)))["raises"] is None}


@checker
def parameters_with_grad(device):
    """After net(input).sum().backward() on a Net that defines only forward: how many of its
    parameters have a .grad, of how many."""
    net = Net().to(device)
    net(torch.randn(1, 1, 32, 32, device=device)).sum().backward()
    params = list(net.parameters())
    return {"with_grad": sum(p.grad is not None for p in params), "parameters": len(params)}


@checker
def mse_loss(device, output, target):
    """nn.MSELoss()(output, target) for the given values."""
    return nn.MSELoss()(torch.tensor(output, device=device), torch.tensor(target, device=device)).item()


@checker
def target_view(device):
    """torch.randn(10).view(1, -1): its shape, and whether it equals the shape of net(input)."""
    net = Net().to(device)
    output = net(torch.randn(1, 1, 32, 32, device=device))
    target = torch.randn(10, device=device).view(1, -1)
    return {"shape": target.shape, "same_as_output": target.shape == output.shape}


def _node_name(node):
    return None if node is None else re.sub(r"Backward\d*$", "", type(node).__name__)


@checker
def grad_fn_chain(device):
    """loss.grad_fn, then .next_functions[0][0] twice (the tutorial's three prints): node names,
    'Backward<N>' stripped."""
    net = Net().to(device)
    output = net(torch.randn(1, 1, 32, 32, device=device))
    loss = nn.MSELoss()(output, torch.randn(1, 10, device=device))
    first = loss.grad_fn
    second = first.next_functions[0][0]
    third = second.next_functions[0][0]
    return {"first": _node_name(first), "second": _node_name(second), "third": _node_name(third)}


@checker
def gradient_accumulation(device):
    """conv1.bias.grad after two loss.backward() calls over fresh graphs, divided by it after one."""
    net = Net().to(device)
    x, target = torch.randn(1, 1, 32, 32, device=device), torch.randn(1, 10, device=device)
    nn.MSELoss()(net(x), target).backward()
    once = net.conv1.bias.grad.clone()
    nn.MSELoss()(net(x), target).backward()
    twice = net.conv1.bias.grad
    return {"twice_over_once": (twice.sum() / once.sum()).item()}


@checker
def grad_after_zero_grad(device, via):
    """After a backward pass, net.zero_grad() or optimizer.zero_grad(): conv1.bias.grad."""
    net = Net().to(device)
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    net(torch.randn(1, 1, 32, 32, device=device)).sum().backward()
    if via == "net":
        net.zero_grad()
    else:
        optimizer.zero_grad()
    grad = net.conv1.bias.grad
    return {"conv1.bias.grad": None if grad is None else grad.cpu()}


@checker
def sgd_update(device, how, lr=0.01):
    """w = [1, 2] with gradient [0.5, -1] (from (w * [0.5, -1]).sum()), updated once with learning
    rate `lr`: by the tutorial's loop over f.data.sub_, or by optim.SGD's step(). The new w."""
    w = nn.Parameter(torch.tensor([1.0, 2.0], device=device))
    (w * torch.tensor([0.5, -1.0], device=device)).sum().backward()
    if how == "manual":
        for f in [w]:
            f.data.sub_(f.grad.data * lr)
    else:
        optimizer = optim.SGD([w], lr=lr)
        optimizer.step()
    return w.detach().cpu()


@checker
def parameter_registration(device):
    """An nn.Parameter assigned as a module attribute: is it a Tensor, and the module's parameter names."""
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(3, device=device))

    module = Scale()
    return {"is_tensor": isinstance(module.scale, torch.Tensor),
            "parameters": [name for name, _ in module.named_parameters()]}


@checker
def operations_record_history(device):
    """For x that requires grad: does each operation's result have a grad_fn node linked to x's?"""
    x = torch.randn(2, 2, device=device, requires_grad=True)
    results = {"x + 1": x + 1, "x * 2": x * 2, "x.view(4)": x.view(4), "x.sum()": x.sum(),
               "x @ x": x @ x, "F.relu(x)": F.relu(x)}

    def linked(tensor):
        node = tensor.grad_fn
        return node is not None and any(child is not None and getattr(child, "variable", None) is x
                                         for child, _ in node.next_functions)

    return {name: linked(tensor) for name, tensor in results.items()}
