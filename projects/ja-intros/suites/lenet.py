"""Checkers for 002's LeNet (the official "Neural Networks" tutorial with 3x3 convolutions).

The model is suites/_models.py's LeNet; where the document's class name shows (the repr),
the checker subclasses it as `Net`, the name the document gives it.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from torchclaims.checkers import checker
from ._models import LeNet
from torchclaims.observe import raised


class Net(LeNet):
    """The document's class name: its repr starts with `Net(`."""


def _grad_fn_name(tensor):
    return None if tensor.grad_fn is None else type(tensor.grad_fn).__name__


@checker
def lenet_repr(device):
    """print(net): the module's repr, line by line."""
    return str(Net().to(device)).splitlines()


@checker
def lenet_parameters(device, indices=None):
    """list(net.parameters()): how many, and the shape of each (or of those at `indices`)."""
    params = list(LeNet().to(device).parameters())
    chosen = params if indices is None else [params[i] for i in indices]
    return {"count": len(params), "shapes": [p.size() for p in chosen]}


@checker
def lenet_parameter_count(device, modules=None):
    """The number of scalar parameters, of the whole net or of the named submodules."""
    net = LeNet().to(device)
    chosen = [net] if modules is None else [getattr(net, name) for name in modules]
    return sum(p.numel() for module in chosen for p in module.parameters())


@checker
def conv_pool_trace(device, size, conv1_kernel=3, conv2_kernel=3, channels=(6, 16)):
    """Run conv(k1) -> relu -> 2x2 max-pool -> conv(k2) -> relu -> 2x2 max-pool on a size x size image.

    Returns the side after each of the four stages, the flat feature count per sample, and
    whether a pooling layer met an odd side (and so floored a row/column away).
    """
    conv1 = nn.Conv2d(1, channels[0], conv1_kernel).to(device)
    conv2 = nn.Conv2d(channels[0], channels[1], conv2_kernel).to(device)
    x = torch.randn(1, 1, size, size, device=device)
    sides, floored = [], False
    x = F.relu(conv1(x))
    sides.append(x.shape[-1])
    floored |= x.shape[-1] % 2 == 1
    x = F.max_pool2d(x, (2, 2))
    sides.append(x.shape[-1])
    x = F.relu(conv2(x))
    sides.append(x.shape[-1])
    floored |= x.shape[-1] % 2 == 1
    x = F.max_pool2d(x, 2)
    sides.append(x.shape[-1])
    return {"sides": sides, "flat_features": x[0].numel(), "floored": floored}


@checker
def lenet_forward(device, input_shape):
    """net(torch.randn(*input_shape)): the output's shape, or the exception raised."""
    net = LeNet().to(device)
    x = torch.randn(*input_shape, device=device)
    outcome = raised(lambda: net(x))
    if outcome["raises"] is not None:
        return {"raises": outcome["raises"], "message": outcome["message"], "shape": None}
    return {"raises": None, "shape": net(x).shape}


@checker
def lenet_grad_fn(device, of):
    """The class name of the grad_fn of net(input) (of='output') or of nn.MSELoss()(output, target) (of='loss')."""
    net = LeNet().to(device)
    out = net(torch.randn(1, 1, 32, 32, device=device))
    if of == "loss":
        out = nn.MSELoss()(out, torch.randn(10, device=device).view(1, -1))
    return _grad_fn_name(out)


@checker
def lenet_with_resize_layer(device, sizes):
    """The remedy the document suggests: a layer that makes the maps 6x6 before fc1
    (here nn.AdaptiveMaxPool2d(6) after the second pooling). Which square sizes it then accepts."""

    class ResizedLeNet(LeNet):
        def __init__(self):
            super().__init__()
            self.to_six = nn.AdaptiveMaxPool2d(6)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = self.to_six(F.max_pool2d(F.relu(self.conv2(x)), 2))
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    net = ResizedLeNet().to(device)
    return [size for size in sizes
            if raised(lambda: net(torch.randn(1, 1, size, size, device=device)))["raises"] is None]


@checker
def conv_minibatch(device, batch):
    """LeNet's conv1, nn.Conv2d(1, 6, 3), on a mini-batch of `batch` 32x32 images: the output's shape, and
    whether each image's maps equal those conv1 gives for that image alone."""
    conv = nn.Conv2d(1, 6, 3).to(device)
    x = torch.randn(batch, 1, 32, 32, device=device)
    out = conv(x)
    alone = torch.cat([conv(x[i:i + 1]) for i in range(batch)])
    # allclose, not equal: a batched kernel may sum in another order than the single-image one
    return {"shape": out.shape, "each_sample_alone": out.shape == alone.shape and torch.allclose(out, alone, rtol=1e-5, atol=1e-6)}


@checker
def lenet_flattened(device, input_shape=(1, 1, 32, 32)):
    """What num_flat_features gives inside forward, and the shape after x.view(-1, num_flat_features(x))."""
    net = LeNet().to(device)
    x = torch.randn(*input_shape, device=device)
    x = F.max_pool2d(F.relu(net.conv1(x)), (2, 2))
    x = F.max_pool2d(F.relu(net.conv2(x)), 2)
    features = net.num_flat_features(x)
    return {"num_flat_features": features, "flattened_shape": x.view(-1, features).shape}


@checker
def num_flat_features(device, shape):
    """LeNet.num_flat_features of a tensor of `shape`: the product of all but the first dimension."""
    return LeNet().num_flat_features(torch.zeros(*shape, device=device))


@checker
def lenet_mse_shapes(device):
    """002's output = net(input) for one image, and target = torch.randn(10).view(1, -1): their shapes."""
    net = LeNet().to(device)
    output = net(torch.randn(1, 1, 32, 32, device=device))
    target = torch.randn(10, device=device).view(1, -1)
    return {"output_shape": output.shape, "target_shape": target.shape}


@checker
def max_pool_2x2(device, kernel):
    """F.max_pool2d on a fixed 4x4 image (values 0..15 in a known order) with kernel `kernel`."""
    image = torch.tensor([[1., 5., 2., 0.],
                          [3., 4., 8., 6.],
                          [9., 0., 7., 15.],
                          [2., 13., 11., 10.]], device=device).view(1, 1, 4, 4)
    size = tuple(kernel) if isinstance(kernel, list) else kernel
    out = F.max_pool2d(image, size)
    return {"shape": out.shape[-2:], "values": out[0, 0]}


@checker
def relu_values(device, values):
    return F.relu(torch.tensor(values, device=device))


@checker
def linear_output(device, weight, bias, x):
    """nn.Linear with the given weight and bias, applied to x."""
    weight = torch.tensor(weight)
    layer = nn.Linear(weight.shape[1], weight.shape[0]).to(device)
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(torch.tensor(bias))
        return layer(torch.tensor(x, device=device))


@checker
def conv_channels(device, in_channels, out_channels, kernel_size, side=8):
    """nn.Conv2d(in, out, k): its weight's shape and the channels of its output for a side x side image."""
    conv = nn.Conv2d(in_channels, out_channels, kernel_size).to(device)
    out = conv(torch.randn(1, in_channels, side, side, device=device))
    return {"weight_shape": conv.weight.shape, "output_channels": out.shape[1]}


@checker
def conv_sums_channels(device):
    """A 1-filter Conv2d over 3 channels: is its output the sum of three per-channel convolutions?"""
    conv = nn.Conv2d(3, 1, 3).to(device)
    x = torch.randn(1, 3, 5, 5, device=device)
    whole = conv(x)
    parts = sum(F.conv2d(x[:, c:c + 1], conv.weight[:, c:c + 1]) for c in range(3)) + conv.bias.view(1, -1, 1, 1)
    return bool(torch.allclose(whole, parts, atol=1e-5))


@checker
def module_init(device, call_super):
    """A Net whose __init__ calls super(Net, self).__init__() ('long'), super().__init__() ('short'),
    or nothing ('none') before assigning its layers: its parameter shapes, or the exception."""

    class Net(nn.Module):
        def __init__(self):
            if call_super == "long":
                super(Net, self).__init__()
            elif call_super == "short":
                super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.fc1 = nn.Linear(16 * 6 * 6, 120)

    outcome = raised(Net)
    if outcome["raises"] is not None:
        return outcome
    return {"raises": None, "shapes": [p.shape for p in Net().parameters()]}
