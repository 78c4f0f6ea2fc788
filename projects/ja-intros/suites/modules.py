"""Checkers for nn.Module and friends: subclassing, reprs, parameters, state_dict, forward/backward."""

import contextlib
import inspect
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from torchclaims.checkers import checker
from ._models import ConvBnReluNet, OneConvNet, SimpleModel, SimpleNet, SimpleNN, sequential_cnn
from torchclaims.observe import raised


class TwoLayers(nn.Module):
    """004_e705451bae665f13.txt speaks of a state_dict like {'layer1': Tensor()...}: a model with layer1, layer2."""

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(4, 3)
        self.layer2 = nn.Linear(3, 2)

    def forward(self, x):
        return self.layer2(torch.relu(self.layer1(x)))


def _named(cls, name):
    """`cls` under the class name the document prints (the repr starts with the class name)."""
    return type(name, (cls,), {})


# model name -> (builder, the class name the document uses or None)
MODEL_BUILDERS = {
    "one_conv_net": lambda: _named(OneConvNet, "Net")(),            # 000
    "conv_bn_relu_net": lambda: _named(ConvBnReluNet, "Net")(),     # 003
    "sequential_cnn": sequential_cnn,                               # 001 Sequential
    "simple_nn": lambda: SimpleNN(784, 500, 10),                    # 001 torch.nn
    "simple_model": SimpleModel,                                    # 001 Module
    "simple_net": SimpleNet,                                        # 001 Forward Method
    "two_layers": TwoLayers,                                        # 004
    "dense": lambda: nn.Linear(3, 2),                               # 003
}


def build(model, device="cpu"):
    return MODEL_BUILDERS[model]().to(device)


@checker
def module_repr(device, model):
    """print(model): the module's repr."""
    return repr(build(model))


@checker
def named_parameter_shapes(device, model):
    """[name, shape] for each of model.named_parameters(), in order."""
    return [[name, list(p.shape)] for name, p in build(model, device).named_parameters()]


@checker
def parameters_listing(device, model):
    """What `for p in model.parameters(): print(p)` shows of each: type, shape, requires_grad."""
    return [{"type": type(p).__name__, "shape": list(p.shape), "requires_grad": p.requires_grad}
            for p in build(model, device).parameters()]


@checker
def parameter_values(device, model, names):
    """The values of the named parameters of a freshly built model."""
    params = dict(build(model, device).named_parameters())
    return {name: params[name] for name in names}


@checker
def state_dict_keys(device, model):
    """type(model.state_dict()) and its keys, in order."""
    state = build(model, device).state_dict()
    return {"type": type(state).__name__, "keys": list(state.keys())}


@checker
def state_dict_keys_not_parameters(device, model):
    """model.state_dict()'s keys against model.named_parameters()' names: keys that name no parameter,
    and parameters with no key."""
    net = build(model, device)
    keys = list(net.state_dict().keys())
    names = [name for name, _ in net.named_parameters()]
    return {"not_parameters": [key for key in keys if key not in names],
            "parameters_missing": [name for name in names if name not in keys]}


@checker
def state_dict_form(device, model):
    """What a state_dict maps: the layer names its keys start with, and the types of its values."""
    state = build(model, device).state_dict()
    return {"layers": sorted({key.split(".")[0] for key in state}),
            "value_types": sorted({type(value).__name__ for value in state.values()})}


@checker
def param_groups_view(device, field):
    """optimizer = optim.SGD(net.parameters(), lr=1e-3) on 003's Net; one aspect of optimizer.param_groups."""
    net = build("conv_bn_relu_net", device)
    optimizer = optim.SGD(net.parameters(), lr=1e-3)
    groups = optimizer.param_groups
    names = {id(p): name for name, p in net.named_parameters()}
    if field == "params":  # which of net's parameters (by name) the groups hold, in order
        return {"groups": len(groups),
                "params": [names.get(id(p), "not a parameter of net") for g in groups for p in g["params"]]}
    raise ValueError(field)


@checker
def output_shape(device, model, input_shape):
    """model(torch.randn(*input_shape)).shape."""
    net = build(model, device)
    return list(net(torch.randn(*input_shape, device=device)).shape)


class _TracingNet(OneConvNet):
    """000's Net.forward as the document writes it, its print(x.size()) calls recording the sizes."""

    def forward(self, x):
        self.sizes.append(list(x.size()))
        x = self.conv1(x)
        x = F.relu(x)
        self.sizes.append(list(x.size()))
        x = F.max_pool2d(x, (2, 2))
        x = F.relu(x)
        self.sizes.append(list(x.size()))
        x = x.view(x.size()[0], -1)
        self.sizes.append(list(x.size()))
        return self.fc1(x)


@checker
def forward_size_trace(device):
    """The sizes 000's Net prints in forward for input = torch.randn(1, 1, 32, 32)."""
    net = _TracingNet().to(device)
    net.sizes = []
    net(torch.randn(1, 1, 32, 32, device=device))
    return net.sizes


@checker
def layer_shapes(device, layer, input_shape):
    """A layer built by the document's call: the shape of the weight torch makes, and of its output
    for an input of `input_shape` (its stored arguments would only echo the call)."""
    built = {"conv2d_1_6_3": lambda: nn.Conv2d(1, 6, 3), "linear_1350_10": lambda: nn.Linear(1350, 10)}[layer]()
    built = built.to(device)
    return {"weight": built.weight.shape, "output": built(torch.randn(*input_shape, device=device)).shape}


def _grad_state(p):
    if p.grad is None:
        return "none"
    return "zero" if bool((p.grad == 0).all()) else "nonzero"


@checker
def grads_after_zero_grad(device, model, input_shape):
    """After a backward, model.zero_grad(): each parameter's grad is 'none', 'zero' or 'nonzero'."""
    net = build(model, device)
    out = net(torch.randn(*input_shape, device=device))
    out.backward(torch.ones_like(out))
    net.zero_grad()
    return sorted({_grad_state(p) for p in net.parameters()})


@checker
def unbatched_input(device, model, input_shape, remedy=None):
    """Feed one sample without a batch dimension; remedy 'unsqueeze' adds it first. Raises? output shape?"""
    built = {"conv2d_1_6_3": lambda: nn.Conv2d(1, 6, 3), "one_conv_net": lambda: build("one_conv_net")}[model]().to(device)
    x = torch.randn(*input_shape, device=device)
    if remedy == "unsqueeze":
        x = x.unsqueeze(0)
    result = {}
    outcome = raised(lambda: result.setdefault("out", built(x)))
    return {**outcome, "shape": list(result["out"].shape) if "out" in result else None}


@checker
def subclass_without_super_init(device):
    """A Module subclass whose __init__ assigns a layer without calling super().__init__() first."""

    class Net(nn.Module):
        def __init__(self):
            self.conv1 = nn.Conv2d(1, 6, 3)

    return raised(Net)


@checker
def python_control_flow_in_forward(device):
    """forward with a for loop, an if, print and log: its output, and the gradient backward gives."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.tensor(1.5))

        def forward(self, x):
            for _ in range(2):
                x = x * self.w
            if x.sum() > 0:
                x = torch.log(x)
            else:
                x = -x
            print(x.size())
            return x

    net = Net().to(device)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        out = net(torch.tensor(2.0, device=device))
    out.backward()
    return {"output": out.item(), "grad": net.w.grad.item(), "printed": printed.getvalue().strip()}


@checker
def forward_calls(device, model, input_shape):
    """How many times model(x) runs model.forward, and whether model(x) equals model.forward(x)."""
    net = build(model, device)
    calls = []
    real_forward = net.forward

    def counting_forward(*args, **kwargs):
        calls.append(1)
        return real_forward(*args, **kwargs)

    net.forward = counting_forward
    x = torch.randn(*input_shape, device=device)
    out = net(x)
    counted = len(calls)
    same = out is not None and torch.equal(out, real_forward(x))
    return {"forward_calls": counted, "same_as_forward": same}


@checker
def module_without_forward(device):
    """Calling an nn.Module subclass that defines no forward."""

    class NoForward(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer1 = nn.Linear(2, 2)

    net = NoForward().to(device)
    return raised(lambda: net(torch.ones(1, 2, device=device)))


@checker
def backward_owner(device):
    """Where backward lives: whether the model (an nn.Module) has a backward method, and whether the tensor it outputs has one."""
    net = build("two_layers", device)
    out = net(torch.randn(5, 4, device=device))
    return {"module_has_backward": callable(getattr(net, "backward", None)),
            "output_has_backward": callable(getattr(out, "backward", None))}


@checker
def is_module_class(device, names):
    """For each name, whether torch.nn.<name> exists and is a subclass of nn.Module."""
    found = {}
    for name in names:
        obj = getattr(nn, name, None)
        found[name] = inspect.isclass(obj) and issubclass(obj, nn.Module)
    return found


@checker
def functional_forms(device, pairs):
    """For each [F name, nn name]: whether the F form is a plain function (not a Module) and how many
    learnable parameters the nn module form has."""
    found = {}
    for f_name, module_name in pairs:
        func = getattr(F, f_name)
        module = getattr(nn, module_name)(**({"kernel_size": 2} if "Pool" in module_name else {}))
        found[f_name] = {"function": callable(func) and not isinstance(func, nn.Module),
                         "module_parameters": sum(p.numel() for p in module.parameters())}
    return found


@checker
def relu_forms_agree(device):
    """nn.ReLU()(x) and F.relu(x) on the same input: equal?"""
    x = torch.randn(1000, device=device)
    return torch.equal(nn.ReLU()(x), F.relu(x))


@checker
def sequential_accepts(device, item):
    """nn.Sequential(nn.Linear(4, 4), <item>): raises? ('relu_module' = nn.ReLU(), 'relu_function' = F.relu)"""
    candidate = {"relu_module": lambda: nn.ReLU(), "relu_function": lambda: F.relu}[item]()
    return raised(lambda: nn.Sequential(nn.Linear(4, 4), candidate))


class _ReluModuleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.fc(x))


class _ReluFunctionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return F.relu(self.fc(x))


@checker
def repr_shows_relu(device, form):
    """Whether print(model) shows ReLU, for a model using nn.ReLU ('module') or F.relu ('function')."""
    model = {"module": _ReluModuleNet, "function": _ReluFunctionNet}[form]()
    return "ReLU" in repr(model)


@checker
def dense_weight_and_bias(device):
    """dense = nn.Linear(3, 2): type, shape and requires_grad of dense.weight and dense.bias."""
    dense = nn.Linear(3, 2).to(device)
    return {name: {"type": type(p).__name__, "shape": list(p.shape), "requires_grad": p.requires_grad}
            for name, p in (("weight", dense.weight), ("bias", dense.bias))}


@checker
def output_tracks_autograd(device):
    """nn.Linear's output on an input that needs no grad: does it require grad, has it a grad_fn?"""
    out = nn.Linear(3, 2).to(device)(torch.randn(4, 3, device=device))
    return {"requires_grad": out.requires_grad, "has_grad_fn": out.grad_fn is not None}


@checker
def sequential_is_composition(device, model, input_shape):
    """Whether model(x) equals applying its children in order, one after the other."""
    net = build(model, device)
    x = torch.randn(*input_shape, device=device)
    y = x
    for layer in net:
        y = layer(y)
    out = net(x)
    # allclose, not equal: an accelerator may pick a different (still exact-to-rounding) kernel per call
    return out.shape == y.shape and torch.allclose(out, y, rtol=1e-5, atol=1e-6)


@checker
def sequential_stage_shapes(device, model, input_shape):
    """[layer type, output shape] after each child of a Sequential."""
    net = build(model, device)
    x = torch.randn(*input_shape, device=device)
    shapes = []
    for layer in net:
        x = layer(x)
        shapes.append([type(layer).__name__, list(x.shape)])
    return shapes
