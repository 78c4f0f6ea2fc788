"""Checkers for specs/basics_model.yaml: "Learn the Basics", Build the Neural Network
(buildmodel_tutorial.py). The network is suites/_nets.py's NeuralNetwork, as the tutorial defines
it; the layer-by-layer checkers build the tutorial's flatten, layer1 and seq_modules.
"""

import torch
from torch import nn

from torchclaims.checkers import checker

from ._nets import NeuralNetwork


class _CountingNetwork(NeuralNetwork):
    """The tutorial's network, counting the calls of its forward."""

    def __init__(self):
        super().__init__()
        self.forward_calls = 0

    def forward(self, x):
        self.forward_calls += 1
        return super().forward(x)


@checker
def model_call(device, observe):
    """model(X) for X = torch.rand(1, 28, 28). observe "call": how often forward ran, and whether a
    forward hook (one of the call's background operations) ran; "output": the output's shape."""
    model = _CountingNetwork().to(device)
    hooked = []
    model.register_forward_hook(lambda module, inputs, output: hooked.append(module))
    logits = model(torch.rand(1, 28, 28, device=device))
    if observe == "call":
        return {"forward_calls": model.forward_calls, "hook_ran": len(hooked) == 1}
    if observe == "output":
        return {"shape": logits.shape}
    raise ValueError(observe)


@checker
def flatten_images(device):
    """nn.Flatten() on a minibatch of 3 28x28 images: shape, contiguity, and whether row i is image i's pixels in order."""
    input_image = torch.rand(3, 28, 28, device=device)
    flat_image = nn.Flatten()(input_image)
    rows_are_images = all(torch.equal(flat_image[i], input_image[i].reshape(-1)) for i in range(3))
    return {"shape": flat_image.shape, "contiguous": flat_image.is_contiguous(), "rows_are_images": rows_are_images}


@checker
def linear_layer(device):
    """nn.Linear(in_features=28*28, out_features=20) on 3 flattened images: the output's shape, and
    whether it is input @ weight.T + bias with the layer's own stored weight and bias."""
    flat_image = torch.rand(3, 28 * 28, device=device)
    layer1 = nn.Linear(in_features=28 * 28, out_features=20).to(device)
    hidden1 = layer1(flat_image)
    with torch.no_grad():
        by_hand = flat_image @ layer1.weight.T + layer1.bias
    same = hidden1.shape == by_hand.shape and bool(torch.allclose(hidden1, by_hand, atol=1e-5))
    return {"shape": hidden1.shape, "uses_weight_and_bias": same}


@checker
def sequential_order(device):
    """The tutorial's seq_modules on 3 images: the modules in the order the data passed through them, and the output's shape."""
    seq_modules = nn.Sequential(nn.Flatten(), nn.Linear(in_features=28 * 28, out_features=20), nn.ReLU(), nn.Linear(20, 10)).to(device)
    order = []
    for module in seq_modules:
        module.register_forward_hook(lambda module, inputs, output: order.append(type(module).__name__))
    logits = seq_modules(torch.rand(3, 28, 28, device=device))
    return {"order": order, "shape": logits.shape}


@checker
def softmax_probabilities(device):
    """nn.Softmax(dim=1) on seq_modules' logits for 3 images: all values in [0, 1]? the sums along dim 1."""
    seq_modules = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 20), nn.ReLU(), nn.Linear(20, 10)).to(device)
    logits = seq_modules(torch.rand(3, 28, 28, device=device))
    pred_probab = nn.Softmax(dim=1)(logits)
    return {"in_0_1": bool(((pred_probab >= 0) & (pred_probab <= 1)).all()), "sums_along_dim_1": pred_probab.sum(dim=1)}


@checker
def model_parameters(device):
    """model.named_parameters(): each name with its size; and whether model.parameters() gives the same tensors in order."""
    model = NeuralNetwork().to(device)
    named = list(model.named_parameters())
    plain = list(model.parameters())
    same = len(named) == len(plain) and all(p is q for (_, p), q in zip(named, plain))
    return {"sizes": {name: param.size() for name, param in named}, "parameters_same": same}
