import math

import pytest
import torch
import torch.nn as nn

from torchclaims.testing import backward_replaces_gradients, breaks, catalogue, suite

reference_optim = suite("_reference_optim", __file__)  # the suites' NumPy reference (suites/_reference_optim.py)

RealSGD = torch.optim.SGD
RealAdam = torch.optim.Adam


def _sgd_with_lr_scaled(monkeypatch, factor=1.1):
    class SGD(RealSGD):
        def __init__(self, params, lr=1e-3, *args, **kwargs):
            super().__init__(params, lr * factor, *args, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


def _zero_grad_does_nothing(monkeypatch):
    monkeypatch.setattr(torch.optim.Optimizer, "zero_grad", lambda self, set_to_none=True: None)


# ---- update rules

@breaks("optim.sgd-weight-minus-lr-gradient")
def test_sgd_lr_off_by_ten_percent(monkeypatch):
    _sgd_with_lr_scaled(monkeypatch)


@breaks("optim.sgd-momentum-hyperparameter")
def test_sgd_dampened_momentum(monkeypatch):
    class SGD(RealSGD):
        def __init__(self, params, *args, **kwargs):
            if kwargs.get("momentum"):
                kwargs["dampening"] = 0.5
            super().__init__(params, *args, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


@breaks("optim.momentum-converges-faster")
def test_sgd_ignores_momentum(monkeypatch):
    class SGD(RealSGD):
        def __init__(self, params, *args, **kwargs):
            kwargs["momentum"] = 0.0
            super().__init__(params, *args, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


@breaks("optim.adam-update-rule-defaults")
def test_adam_with_other_first_moment_decay(monkeypatch):
    class Adam(RealAdam):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), *args, **kwargs):
            super().__init__(params, lr, (0.5, betas[1]), *args, **kwargs)

    monkeypatch.setattr(torch.optim, "Adam", Adam)


@breaks("optim.adam-update-rule-other-hyperparameters")
def test_adam_eps_inside_the_square_root(monkeypatch):
    class Adam(RealAdam):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, *args, **kwargs):
            super().__init__(params, lr, betas, math.sqrt(eps), *args, **kwargs)

    monkeypatch.setattr(torch.optim, "Adam", Adam)


@breaks("optim.gradient-descent-doc-code")
def test_tensor_subtraction_adds(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "__sub__", torch.Tensor.__add__)


# ---- one step on a model

@breaks("optim.lenet-sgd-step")
def test_lenet_step_lr_off(monkeypatch):
    _sgd_with_lr_scaled(monkeypatch)


@breaks("optim.per-layer-learning-rates")
def test_param_groups_share_the_first_lr(monkeypatch):
    class SGD(RealSGD):
        def __init__(self, params, *args, **kwargs):
            params = list(params)
            if params and isinstance(params[0], dict):
                params = [{**group, "lr": params[0].get("lr", 1e-3)} for group in params]
            super().__init__(params, *args, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


# ---- zero_grad and accumulation

@breaks("optim.zero-grad-sets-zero-lenet")
def test_optimizer_zero_grad_does_nothing(monkeypatch):
    _zero_grad_does_nothing(monkeypatch)


@breaks("optim.zero-grad-every-backward")
def test_zeroing_between_backwards_does_nothing(monkeypatch):
    _zero_grad_does_nothing(monkeypatch)


@breaks("optim.net-zero-grad-before-backward")
def test_backward_overwrites_grad(monkeypatch):
    backward_replaces_gradients(monkeypatch)  # so it overwrites instead of adding


@breaks("optim.optimizer-zero-grad-same-as-net")
def test_module_zero_grad_keeps_zero_tensors(monkeypatch):
    real = nn.Module.zero_grad
    monkeypatch.setattr(nn.Module, "zero_grad", lambda self, set_to_none=True: real(self, set_to_none=False))


# ---- construction, param_groups, availability

@breaks("optim.sgd-needs-params-and-lr-only")
def test_sgd_demands_momentum(monkeypatch):
    class SGD(RealSGD):
        def __init__(self, params, lr=1e-3, momentum=None, **kwargs):
            if momentum is None:
                raise TypeError("SGD() missing required argument: 'momentum'")
            super().__init__(params, lr, momentum, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


@breaks("optim.param-groups-hold-everything")
def test_sgd_splits_params_into_two_groups(monkeypatch):
    class SGD(RealSGD):
        def __init__(self, params, *args, **kwargs):
            params = list(params)
            super().__init__([{"params": params[:1]}, {"params": params[1:]}], *args, **kwargs)

    monkeypatch.setattr(torch.optim, "SGD", SGD)


@breaks("optim.optimizer-uses-passed-parameters")
def test_sgd_step_does_nothing(monkeypatch):
    monkeypatch.setattr(RealSGD, "step", lambda self, closure=None: None)


@breaks("optim.torch-optim-has-rmsprop-adam-sgd")
def test_no_rmsprop(monkeypatch):
    monkeypatch.delattr(torch.optim, "RMSprop")


@breaks("optim.adam-entry-loop")
def test_adam_step_does_nothing(monkeypatch):
    monkeypatch.setattr(RealAdam, "step", lambda self, closure=None: None)


# ---- the expected trajectories are the reference's, not hand-typed numbers

_REFERENCE_CHECKS = {"trajectory", "gradient_descent_doc_code"}


def _reference_for(claim):
    args = dict(claim.args or {})
    name = claim.checker_name.rsplit(".", 1)[-1]
    if name == "trajectory":
        return reference_optim.trajectory(args.pop("optimizer"), args.pop("steps"), **args)
    x = reference_optim.scalar_gradient_descent(100, 0.1, 10.0)[-1]
    return {"x": x, "f_decreased": x * x < 100.0}


_CLAIMS = [claim for claim in catalogue(__file__).by_id().values()
           if claim.id.startswith("optim.") and claim.checker_name.rsplit(".", 1)[-1] in _REFERENCE_CHECKS]


@pytest.mark.parametrize("claim", _CLAIMS, ids=lambda claim: claim.id)
def test_expect_is_the_numpy_reference(claim):
    from torchclaims.judge import mismatch

    assert mismatch(claim.expect, _reference_for(claim), rtol=1e-9, atol=1e-9) is None, \
        f"{claim.id}: expect differs from suites/_reference_optim.py; regenerate it"


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("optim.sgd-entry-one-step")
def test_item_gives_a_numpy_float(monkeypatch):
    import numpy as np

    real = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: np.float32(real(self)))


@breaks("optim.param-groups-hold-everything")
def test_sgd_reversing_params_and_changing_its_hyperparameters(monkeypatch):
    real = RealSGD.__init__

    def init(self, params, lr=1e-3, momentum=0, **kwargs):
        real(self, list(params)[::-1], lr=lr * 2, momentum=momentum / 2, **kwargs)

    monkeypatch.setattr(RealSGD, "__init__", init)


@breaks("optim.lenet-sgd-step")
def test_sgd_leaving_out_the_last_parameter(monkeypatch):
    real = RealSGD.__init__

    def init(self, params, *args, **kwargs):
        params = list(params)
        if params and isinstance(params[0], dict):
            params = [{**group, "params": list(group["params"])[:-1]} for group in params]
        else:
            params = params[:-1]
        real(self, params, *args, **kwargs)

    monkeypatch.setattr(RealSGD, "__init__", init)


@breaks("optim.sgd-needs-params-and-lr-only")
def test_sgd_keeping_twice_the_lr_it_is_given(monkeypatch):
    real = RealSGD.__init__

    def init(self, params, lr=1e-3, *args, **kwargs):
        real(self, params, lr * 2, *args, **kwargs)

    monkeypatch.setattr(RealSGD, "__init__", init)


@breaks("optim.torch-optim-has-rmsprop-adam-sgd")
def test_torch_optim_without_sgd_and_adam(monkeypatch):
    monkeypatch.delattr(torch.optim, "SGD")
    monkeypatch.delattr(torch.optim, "Adam")
