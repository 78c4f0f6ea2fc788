"""Checkers for autograd: backward, .grad, grad_fn, the recorded graph, leaves, detach, accumulation."""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from torchclaims.checkers import checker
from ._models import LeNet, OneConvNet, SimpleNet
from torchclaims.observe import raised


# ---------------------------------------------------------------------------------------------
# The documents' small functions, by name (specs are data; the code lives here).

def _pow_sum(x):            # 003: out = x.pow(2).sum()
    return x.pow(2).sum()


def _five_x_plus_two(x):    # 003: y = 5*x + 2
    return 5 * x + 2


def _square(x):             # 001 Autograd: y = x ** 2
    return x ** 2


def _square_then_sum(x):    # 004: y = x^2, z = sum_ij y_ij
    y = x ** 2
    return y.sum()


def _sum_of_squares(x, y):  # 001 Computational Graph: z = x**2 + y**2
    return x ** 2 + y ** 2


FUNCTIONS = {
    "pow_sum": _pow_sum,
    "five_x_plus_two": _five_x_plus_two,
    "square": _square,
    "square_then_sum": _square_then_sum,
    "sum_of_squares": _sum_of_squares,
}


def _node_name(node):
    return None if node is None else type(node).__name__


@checker
def backward_of(device, function, inputs, report=("grads",)):
    """Leaves from `inputs` (requires_grad=True); out = FUNCTIONS[function](*leaves); out.backward().

    Reports the keys named in `report`: 'value' (out), 'grad_fn' (its node's name), 'grads'
    (each leaf's .grad, a list in input order), 'grad_reprs' (repr of each .grad, as print shows it).
    """
    leaves = [torch.tensor(v, dtype=torch.float32, device=device, requires_grad=True) for v in inputs]
    out = FUNCTIONS[function](*leaves)
    seen = {"value": out.detach().clone(), "grad_fn": _node_name(out.grad_fn)}
    out.backward()
    seen["grads"] = [leaf.grad for leaf in leaves]
    seen["grad_reprs"] = [repr(leaf.grad) for leaf in leaves]
    return {key: seen[key] for key in report}


@checker
def affine_reprs(device):
    """003's REPL session: x = torch.tensor(2.5, requires_grad=True); y = 5*x + 2; y.backward(); reprs."""
    x = torch.tensor(2.5, requires_grad=True)
    y = 5 * x + 2
    y.backward()
    return {"y": repr(y), "x": repr(x), "x_grad": repr(x.grad)}


@checker
def result_of_tensor_op(device, requires_grad=False):
    """y = 5*x + 2 for x made with requires_grad=`requires_grad`: does y carry autograd information?"""
    x = torch.tensor([1.0, 2.0], device=device, requires_grad=requires_grad)
    y = 5 * x + 2
    return {"has_grad_fn": y.grad_fn is not None, "requires_grad": y.requires_grad}


@checker
def grad_fn_and_backward(device, requires_grad):
    """y = 5*x + 2: y.grad_fn's name, and whether y.backward() raises."""
    x = torch.tensor(2.5, device=device, requires_grad=requires_grad)
    y = 5 * x + 2
    return {"grad_fn": _node_name(y.grad_fn), "backward_raises": raised(y.backward)["raises"]}


@checker
def autograd_of_affine(device, requires_grad=True, dtype="float32"):
    """Make x = tensor(2.5 or 2, dtype, requires_grad); y = 5*x + 2; y.backward(); x.grad.

    `raises` is the exception raised at any step (creation or backward), else None.
    """
    value = 2.5 if getattr(torch, dtype).is_floating_point else 2
    state = {}

    def run():
        x = torch.tensor(value, dtype=getattr(torch, dtype), device=device, requires_grad=requires_grad)
        state["x"] = x
        (5 * x + 2).backward()

    outcome = raised(run)
    x = state.get("x")
    return {"raises": outcome["raises"], "message": outcome["message"],
            "grad": None if x is None or x.grad is None else x.grad}


@checker
def inplace_on_leaf(device):
    """x = torch.ones(3, requires_grad=True); x.add_(1): an in-place operation on the leaf one made."""
    x = torch.ones(3, device=device, requires_grad=True)
    return raised(lambda: x.add_(1))


@checker
def detach_of(device):
    """d = (x * 2).detach() for x with requires_grad=True: what autograd information d keeps."""
    x = torch.ones(2, device=device, requires_grad=True)
    d = (x * 2).detach()
    return {"requires_grad": d.requires_grad, "grad_fn": _node_name(d.grad_fn), "is_leaf": d.is_leaf}


@checker
def weight_data(device):
    """dense = nn.Linear(3, 2); w = dense.weight.data: a tensor without gradient information?"""
    dense = nn.Linear(3, 2).to(device)
    data = dense.weight.data
    return {
        "type": type(data).__name__,
        "requires_grad": data.requires_grad,
        "grad_fn": _node_name(data.grad_fn),
        "repr_shows_requires_grad": "requires_grad" in repr(data),
        "same_values": bool(torch.equal(data, dense.weight.detach())),
    }


@checker
def non_leaf_grad(device):
    """004: x leaf, y = x**2, z = y.sum(), z.backward(): y.grad, and the warning reading it gives."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    y = x ** 2
    z = y.sum()
    z.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grad = y.grad
    return {"grad": grad, "warning": caught[0].category.__name__ if caught else None}


@checker
def signal_flow(device):
    """004: y = x**2, z = y.sum(); hooks on y and x record the order and value of what reaches them."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    y = x ** 2
    order, arriving = [], {}

    def record(name):
        def hook(grad):
            order.append(name)
            arriving[name] = grad.detach().clone()
        return hook

    y.register_hook(record("y"))
    x.register_hook(record("x"))
    y.sum().backward()
    return {"order": order, "at_y": arriving.get("y"), "at_x": arriving.get("x")}


@checker
def simple_net_forward(device, report=("shape", "forward_ran", "equals_layers_by_hand")):
    """001 Forward Method: output = model(torch.randn(1, 784)). Reports the keys named in `report`:
    'shape' (the output's), 'forward_ran' (model(x) called the module once), 'equals_layers_by_hand'
    (the output is fc3(relu(fc2(relu(fc1(x))))) computed with torch.nn.functional)."""
    model = SimpleNet().to(device)
    dummy_input = torch.randn(1, 784).to(device)
    calls = []
    model.register_forward_hook(lambda module, args, out: calls.append(module))
    output = model(dummy_input)
    by_hand = F.linear(F.relu(F.linear(F.relu(F.linear(dummy_input, model.fc1.weight, model.fc1.bias)),
                                       model.fc2.weight, model.fc2.bias)), model.fc3.weight, model.fc3.bias)
    seen = {
        "shape": output.shape,
        "forward_ran": len(calls) == 1,
        "equals_layers_by_hand": bool(torch.allclose(output, by_hand, rtol=1e-5, atol=1e-6)),
    }
    return {key: seen[key] for key in report}


# ---------------------------------------------------------------------------------------------
# Backward of the documents' models: every parameter gets a gradient, and it is the right one.

def _linear_case():
    """001 Backward Method: nn.Linear(1, 1), inputs [[1],[2],[3]] (requires_grad=True), MSELoss to [[2],[4],[6]]."""
    model = nn.Linear(1, 1)
    inputs = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    targets = torch.tensor([[2.0], [4.0], [6.0]])
    return model, inputs, targets


def _one_conv_case():
    """000: Net (one conv, 1350 features), input torch.randn(1, 1, 32, 32); out.backward(torch.ones(1, 10))."""
    return OneConvNet(), torch.randn(1, 1, 32, 32), None


def _lenet_case():
    """002: LeNet, input torch.randn(1, 1, 32, 32), MSELoss to torch.randn(10).view(1, -1)."""
    model = LeNet()
    inputs = torch.randn(1, 1, 32, 32)
    return model, inputs, torch.randn(10).view(1, -1)


def _simple_net_case():
    """001 Forward Method's SimpleNet, with an MSE loss on a batch of 4."""
    return SimpleNet(), torch.randn(4, 784), torch.randn(4, 10)


MODEL_CASES = {"linear": _linear_case, "one_conv_net": _one_conv_case, "lenet": _lenet_case,
               "simple_net": _simple_net_case}


def _scalar(model, inputs, targets):
    """What is backpropagated: the MSE loss, or, without targets, out.backward(ones) == out.sum()."""
    out = model(inputs)
    return out.sum() if targets is None else nn.MSELoss()(out, targets)


@checker
def model_backward(device, model):
    """Backward through a document's model; float64 so the gradient can be checked by central differences.

    `matches_finite_difference`: for a random direction v over all parameters,
    <grad, v> equals (L(p + eps v) - L(p - eps v)) / 2 eps.
    """
    net, inputs, targets = MODEL_CASES[model]()
    net = net.to(device=device, dtype=torch.float64)
    inputs = inputs.to(device=device, dtype=torch.float64).detach().requires_grad_(inputs.requires_grad)
    targets = None if targets is None else targets.to(device=device, dtype=torch.float64)
    params = list(net.parameters())
    if targets is None:
        out = net(inputs)
        out.backward(torch.ones_like(out))  # 000: out.backward(torch.ones(1, 10))
    else:
        _scalar(net, inputs, targets).backward()
    grads = [p.grad for p in params]
    observed = {
        "all_params_have_grad": all(g is not None for g in grads),
        "grad_shapes_match": all(g is not None and g.shape == p.shape for g, p in zip(grads, params)),
    }
    if not observed["all_params_have_grad"]:
        observed["matches_finite_difference"] = False
        return observed
    generator = torch.Generator().manual_seed(1)
    directions = [torch.randn(p.shape, generator=generator, dtype=torch.float64).to(device) for p in params]
    predicted = sum(float((g * v).sum()) for g, v in zip(grads, directions))
    eps = 1e-6
    with torch.no_grad():
        originals = [p.detach().clone() for p in params]
        values = []
        for sign in (1, -1):
            for p, p0, v in zip(params, originals, directions):
                p.copy_(p0 + sign * eps * v)
            values.append(float(_scalar(net, inputs, targets)))
        for p, p0 in zip(params, originals):
            p.copy_(p0)
    numeric = (values[0] - values[1]) / (2 * eps)
    observed["matches_finite_difference"] = abs(numeric - predicted) <= 1e-5 * max(1.0, abs(predicted))
    return observed


@checker
def param_grad_order(device, model):
    """loss.backward() through a document's model: the order in which its layers' weights receive gradients."""
    net, inputs, targets = MODEL_CASES[model]()
    net = net.to(device)
    order = []
    for name, layer in net.named_children():
        if getattr(layer, "weight", None) is not None:
            layer.weight.register_hook(lambda grad, name=name: order.append(name))
    _scalar(net, inputs.to(device), None if targets is None else targets.to(device)).backward()
    return order


@checker
def non_scalar_backward(device, gradient=None):
    """000's Net: out = net(torch.randn(1, 1, 32, 32)) is 1x10; out.backward() or out.backward(ones(1, 10))."""
    net = OneConvNet().to(device)
    out = net(torch.randn(1, 1, 32, 32).to(device))
    arg = None if gradient is None else torch.full(out.shape, float(gradient), device=device)
    outcome = raised(lambda: out.backward(arg))
    return {**outcome, "shape": out.shape}


# ---------------------------------------------------------------------------------------------
# Accumulation

@checker
def two_backwards(device, clear_between=None):
    """Two backward passes through nn.Linear(3, 2) on different inputs; `clear_between`:
    None, or 'module_zero_grad' (net.zero_grad()).

    Reports whether weight.grad afterwards is the sum of both passes' gradients or only the last's.
    """
    net = nn.Linear(3, 2).to(device)
    first, second = torch.randn(4, 3).to(device), torch.randn(4, 3).to(device)

    def grad_of(batch):
        w = net.weight.detach().clone().requires_grad_(True)
        F.linear(batch, w, net.bias.detach()).pow(2).sum().backward()
        return w.grad

    g1, g2 = grad_of(first), grad_of(second)
    net(first).pow(2).sum().backward()
    if clear_between == "module_zero_grad":
        net.zero_grad()
    elif clear_between is not None:
        raise ValueError(clear_between)
    net(second).pow(2).sum().backward()
    grad = net.weight.grad
    return {"sum_of_both": bool(torch.allclose(grad, g1 + g2, rtol=1e-5, atol=1e-6)),
            "last_only": bool(torch.allclose(grad, g2, rtol=1e-5, atol=1e-6))}


# ---------------------------------------------------------------------------------------------
# The recorded graph

def _walk(root):
    """All nodes reachable from `root` through next_functions; and whether a node is met again on its own path."""
    seen, cyclic = [], False

    def visit(node, path):
        nonlocal cyclic
        if node is None:
            return
        if any(node is p for p in path):
            cyclic = True
            return
        if not any(node is s for s in seen):
            seen.append(node)
        for child, _ in getattr(node, "next_functions", ()):
            visit(child, path + [node])

    visit(root, [])
    return seen, cyclic


@checker
def recorded_ops(device):
    """x (requires_grad) -> x * 2 -> .exp() -> .sum(): the chain of recorded backward nodes from the result."""
    x = torch.ones(3, device=device, requires_grad=True)
    out = (x * 2).exp().sum()
    chain, node = [], out.grad_fn
    while node is not None:
        chain.append(type(node).__name__)
        nxt = [n for n, _ in node.next_functions if n is not None]
        node = nxt[0] if nxt else None
    return chain


def _is_autograd_node(node) -> bool:
    """An operation recorded by autograd: torch.autograd.graph.Node, which torch 1.13 lacks."""
    node_type = getattr(torch.autograd.graph, "Node", None)
    if node_type is not None:
        return isinstance(node, node_type)
    return hasattr(node, "next_functions") and not isinstance(node, torch.Tensor)  # torch < 2.0


def _node_kind(node):
    """What a graph node is: a tensor, a variable (AccumulateGrad, holding a leaf), or an operation."""
    if isinstance(node, torch.Tensor):
        return "tensor"
    if getattr(node, "variable", None) is not None:
        return "variable"
    return "operation" if _is_autograd_node(node) else type(node).__name__


@checker
def sum_of_squares_graph(device, report=("output", "intermediate", "inputs", "acyclic")):
    """001: z = x**2 + y**2 at x = 2, y = 3, and the graph torch links from z (z.grad_fn, then
    next_functions). A node that is one of the computation's tensors (z, x**2, y**2, x, y), or an
    AccumulateGrad holding x or y, is named by that tensor; any other node by its type.

    Reports the keys named in `report`: 'output' (z's node), 'intermediate' (what it links to),
    'inputs' (what those link to), 'acyclic' (nodes were found and no path meets a node twice),
    'kinds' (the sorted kinds of all nodes: 'tensor', 'variable', 'operation').
    """
    x = torch.tensor(2.0, device=device, requires_grad=True)
    y = torch.tensor(3.0, device=device, requires_grad=True)
    x_squared, y_squared = x ** 2, y ** 2
    z = x_squared + y_squared
    names = [(z, "z"), (x_squared, "x**2"), (y_squared, "y**2"), (x, "x"), (y, "y")]

    def name(node):
        held = getattr(node, "variable", node)
        return next((label for tensor, label in names if held is tensor), _node_name(node))

    root = z.grad_fn
    nodes, cyclic = _walk(root)
    middle = [n for n, _ in getattr(root, "next_functions", ())]
    seen = {
        "output": name(root),
        "intermediate": [name(n) for n in middle],
        "inputs": [name(leaf) for node in middle for leaf, _ in getattr(node, "next_functions", ())],
        "acyclic": bool(nodes) and not cyclic,
        "kinds": sorted({_node_kind(n) for n in nodes}),
    }
    return {key: seen[key] for key in report}


@checker
def dynamic_graph(device):
    """The graph follows Python control flow at run time: f(x) = x * 3 if x > 0 else x ** 2."""
    def f(x):
        return x * 3 if bool(x > 0) else x ** 2

    seen = {}
    for label, value in (("positive", 2.0), ("negative", -2.0)):
        x = torch.tensor(value, device=device, requires_grad=True)
        y = f(x)
        y.backward()
        seen[label] = {"grad_fn": _node_name(y.grad_fn), "grad": x.grad}
    return seen


@checker
def weights_changed(device, after):
    """001 Backward Method's example: nn.Linear(1, 1), MSELoss, SGD(lr=0.01); loss.backward() and,
    if `after` is 'step', optimizer.step(). Did the weights change?"""
    model, inputs, targets = _linear_case()
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    before = [p.detach().clone() for p in model.parameters()]
    nn.MSELoss()(model(inputs.to(device)), targets.to(device)).backward()
    if after == "step":
        optimizer.step()
    elif after != "backward":
        raise ValueError(after)
    return any(not torch.equal(b, p.detach()) for b, p in zip(before, model.parameters()))
