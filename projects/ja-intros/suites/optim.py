"""Checkers for torch.optim: SGD and Adam update rules, zero_grad, param_groups, the documents' loops.

Design (see suites/_reference_optim.py): a trajectory checker only runs torch.optim on
a fixed small problem and returns the parameters after each step. The values the documents'
formulas predict for that problem are computed by an independent NumPy float64 reference
and stored in the specs' `expect`; the judge compares. Where a claim is about one update on
a real model, the checker returns the step torch took per unit of gradient,
(before - after) / grad, which the document's rule predicts to be the learning rate.
"""

import torch
import torch.nn as nn

from torchclaims.checkers import checker
from torchclaims.observe import raised

from . import _reference_optim as problem
from ._models import ConvBnReluNet, LeNet


def _model(name, device):
    """A model from the documents, in float64 so that a step's size can be read back exactly."""
    torch.manual_seed(0)
    if name == "lenet":  # 002
        model, x = LeNet(), torch.randn(1, 1, 32, 32)
    elif name == "one_conv_net":  # 000
        from ._models import OneConvNet
        model, x = OneConvNet(), torch.randn(1, 1, 32, 32)
    elif name == "linear10":  # 001's SGD entry: nn.Linear(10, 1) on torch.randn(10)
        model, x = nn.Linear(10, 1), torch.randn(10)
    else:
        raise ValueError(name)
    return model.double().to(device), x.double().to(device)


def _loss(model, x):
    out = model(x)
    return nn.MSELoss()(out, torch.linspace(-1, 1, out.numel(), dtype=out.dtype, device=out.device).view_as(out))


def _fixed_problem(device, theta0=problem.THETA0):
    theta = torch.tensor(theta0, device=device, requires_grad=True)
    curvature = torch.tensor(problem.CURVATURE, device=device)
    target = torch.tensor(problem.TARGET, device=device)
    return theta, lambda: (curvature * (theta - target) ** 2).sum()


@checker
def trajectory(device, optimizer, steps, theta0=problem.THETA0, **hyper):
    """torch.optim.<optimizer>([θ], **hyper) on L(θ) = Σ c_i (θ_i − t_i)² from θ0 (float32, autograd):
    θ after each of `steps` steps of zero_grad, backward, step."""
    if "betas" in hyper:
        hyper["betas"] = tuple(hyper["betas"])
    theta, loss_fn = _fixed_problem(device, theta0)
    opt = getattr(torch.optim, optimizer)([theta], **hyper)
    seen = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        seen.append(theta.detach().clone())
    return seen


@checker
def gradient_descent_doc_code(device):
    """001's Gradient Descent code, as written: x = 10, lr 0.1, 100 iterations of x = x - lr * 2x."""
    def f(x):
        return x ** 2

    def gradient(x):
        return 2 * x

    x = torch.tensor(10.0, requires_grad=True, device=device)
    learning_rate = 0.1
    start = f(x).item()
    for _ in range(100):
        grad = gradient(x)
        x = x - learning_rate * grad
        x.grad = None
    return {"x": x.item(), "f_decreased": f(x).item() < start}


@checker
def step_per_unit_gradient(device, model, lr=None, groups=None, optimizer="SGD"):
    """One optimizer step on a document's model (float64, MSE loss on a fixed target).

    For each parameter group: the smallest and largest (before - after) / grad over all
    elements with a gradient, i.e. the learning rate the step applied; plus how many
    parameters the step changed. `groups`: a list of [first_child, last_child, lr], the
    model's children split into groups by name order (for per-layer learning rates).
    """
    net, x = _model(model, device)
    if groups is None:
        param_groups = [{"params": list(net.parameters())}]
    else:
        names = [name for name, _ in net.named_children()]
        param_groups = []
        for first, last, group_lr in groups:
            chosen = names[names.index(first): names.index(last) + 1]
            param_groups.append({"params": [p for n in chosen for p in getattr(net, n).parameters()],
                                 "lr": group_lr})
    kwargs = {} if lr is None else {"lr": lr}
    opt = getattr(torch.optim, optimizer)(param_groups, **kwargs)
    opt.zero_grad()
    _loss(net, x).backward()
    before = [[p.detach().clone() for p in g["params"]] for g in opt.param_groups]
    opt.step()
    ratios, changed = [], 0
    for group, olds in zip(opt.param_groups, before):
        values = []
        for p, old in zip(group["params"], olds):
            changed += int(not torch.equal(p.detach(), old))
            mask = p.grad.abs() > 1e-12
            values.append(((old - p.detach())[mask] / p.grad[mask]))
        values = torch.cat(values)
        ratios.append([values.min().item(), values.max().item()])
    total = sum(len(g["params"]) for g in opt.param_groups)
    return {"step_per_unit_gradient": ratios, "parameters_changed": changed, "parameters": total}


def _grad_state(params):
    grads = [p.grad for p in params]
    if all(g is None for g in grads):
        return "none"
    if all(g is not None and not g.any() for g in grads):
        return "zeros"
    return "mixed" if any(g is None or not g.any() for g in grads) else "nonzero"


@checker
def grad_state_after_zero_grad(device, model, via="optimizer"):
    """Backward once, then optimizer.zero_grad() (via='optimizer') or net.zero_grad() (via='module'):
    are the parameters' .grad None, zero tensors, or still nonzero?"""
    net, x = _model(model, device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    _loss(net, x).backward()
    (opt if via == "optimizer" else net).zero_grad()
    return _grad_state(list(net.parameters()))


@checker
def zero_grad_same_effect(device, model):
    """Do optimizer.zero_grad() and net.zero_grad() leave the same .grad behind (both None or both equal)?"""
    states = []
    for via in ("optimizer", "module"):
        net, x = _model(model, device)
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        _loss(net, x).backward()
        (opt if via == "optimizer" else net).zero_grad()
        states.append([None if p.grad is None else p.grad.clone() for p in net.parameters()])
    a, b = states
    return all((g is None and h is None) or (g is not None and h is not None and torch.equal(g, h))
               for g, h in zip(a, b))


@checker
def grad_after_second_backward(device, model, zero_between):
    """Backward the same loss twice (zeroing the gradients between, or not): the second .grad over the first."""
    net, x = _model(model, device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    opt.zero_grad()
    _loss(net, x).backward()
    first = [p.grad.clone() for p in net.parameters()]
    if zero_between:
        opt.zero_grad()
    _loss(net, x).backward()
    ratios = torch.cat([(p.grad / g)[g.abs() > 1e-12] for p, g in zip(net.parameters(), first)])
    return {"min": ratios.min().item(), "max": ratios.max().item()}


@checker
def optimizers_in_torch_optim(device, names):
    """For each algorithm name, whether torch.optim has an optimizer class of that name (case ignored)."""
    available = {name.lower() for name in dir(torch.optim)
                 if isinstance(getattr(torch.optim, name), type)
                 and issubclass(getattr(torch.optim, name), torch.optim.Optimizer)}
    return {name: name.lower() in available for name in names}


@checker
def sgd_construction(device, lr=None):
    """torch.optim.SGD(net.parameters()[, lr=lr]): whether it constructs, and the lr it holds."""
    net = LeNet().to(device)
    kwargs = {} if lr is None else {"lr": lr}
    outcome = raised(lambda: torch.optim.SGD(net.parameters(), **kwargs))
    if outcome["raises"] is not None:
        return {"raises": outcome["raises"], "lr": None}
    return {"raises": None, "lr": torch.optim.SGD(net.parameters(), **kwargs).param_groups[0]["lr"]}


@checker
def param_groups_of(device, model="conv_bn_relu", lr=1e-3, momentum=None):
    """optim.SGD(net.parameters(), lr=...).param_groups: how many groups, the first group's lr
    (and momentum), how many of the net's parameters it holds, and whether params[0] is the
    first parameter of the net."""
    net = (ConvBnReluNet() if model == "conv_bn_relu" else LeNet()).to(device)
    kwargs = {"lr": lr} if momentum is None else {"lr": lr, "momentum": momentum}
    opt = torch.optim.SGD(net.parameters(), **kwargs)
    group = opt.param_groups[0]
    params = list(net.parameters())
    seen = {
        "groups": len(opt.param_groups),
        "lr": group["lr"],
        "params": len(group["params"]),
        "all_net_parameters": len(group["params"]) == len(params)
        and all(a is b for a, b in zip(group["params"], params)),
        "first_is_first_parameter": group["params"][0] is params[0],
    }
    if momentum is not None:
        seen["momentum"] = group["momentum"]
    return seen


@checker
def parameters_stepped(device, passed):
    """003's Net (conv1 -> bn -> relu), optim.SGD(lr=1e-3) given only the parameters of the children
    named in `passed`: after one backward and step, the sorted names of the net's parameters that changed."""
    net = ConvBnReluNet().to(device)
    opt = torch.optim.SGD([p for name in passed for p in getattr(net, name).parameters()], lr=1e-3)
    before = {name: p.detach().clone() for name, p in net.named_parameters()}
    opt.zero_grad()
    net(torch.randn(4, 3, 8, 8, device=device)).pow(2).mean().backward()
    opt.step()
    return sorted(name for name, p in net.named_parameters() if not torch.equal(before[name], p.detach()))


@checker
def momentum_speeds_convergence(device, lr, momentum, steps):
    """On the fixed ill-conditioned problem: is L(θ) after `steps` SGD steps lower with momentum than without?"""
    final = []
    for mu in (0.0, momentum):
        theta, loss_fn = _fixed_problem(device)
        opt = torch.optim.SGD([theta], lr=lr, momentum=mu)
        for _ in range(steps):
            opt.zero_grad()
            loss_fn().backward()
            opt.step()
        final.append(loss_fn().item())
    return final[1] < final[0]


@checker
def doc_training_loop(device, example):
    """The documents' optimizer loops, run as written (data drawn with the run's seed).

    'optim-entry' (001, torch.optim): nn.Linear(10, 1), a new torch.randn(10) each epoch,
        target [1.0], MSELoss, SGD lr=0.01, 100 epochs.
    'sgd-entry' (001, SGD): nn.Linear(10, 1), torch.randn(10) -> torch.randn(1), one step.
    'adam-entry' (001, Adam): nn.Linear(10, 1), fixed inputs (32, 10) and targets (32, 1),
        MSELoss, Adam lr=0.001, 100 epochs.
    Returns: whether the loss on the loop's data (for 'optim-entry', on 256 other draws) is lower
    after the loop than before it, whether every parameter changed, and the type of loss.item().
    """
    criterion = nn.MSELoss()
    if example == "optim-entry":
        model, epochs = nn.Linear(10, 1).to(device), 100
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        # the loop draws new inputs each epoch; it is judged on 256 other draws
        held_out = torch.randn(256, 10, device=device), torch.ones(256, 1, device=device)

        def batch():
            return torch.randn(10, device=device), torch.tensor([1.0], device=device)
    elif example == "sgd-entry":
        model, epochs = nn.Linear(10, 1).to(device), 1
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        held_out = torch.randn(10, device=device), torch.randn(1, device=device)

        def batch():
            return held_out
    elif example == "adam-entry":
        model, epochs = nn.Linear(10, 1).to(device), 100
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
        held_out = torch.randn(32, 10, device=device), torch.randn(32, 1, device=device)

        def batch():
            return held_out
    else:
        raise ValueError(example)
    initial = [p.detach().clone() for p in model.parameters()]
    with torch.no_grad():
        before = criterion(model(held_out[0]), held_out[1]).item()
    loss = None
    for _ in range(epochs):
        inputs, targets = batch()
        opt.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        opt.step()
    with torch.no_grad():
        after = criterion(model(held_out[0]), held_out[1]).item()
    return {
        "loss_decreased": after < before,
        "all_parameters_changed": all(not torch.equal(p.detach(), q) for p, q in zip(model.parameters(), initial)),
        "item_type": type(loss.item()).__name__,
    }
