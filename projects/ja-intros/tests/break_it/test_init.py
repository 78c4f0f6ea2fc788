"""Break nn.init and nn.Linear's default init, and see the init claims fail."""

import torch
import torch.nn as nn

from torchclaims.testing import breaks


@breaks("init.xavier-normal-std")
def test_xavier_doubles_gain(monkeypatch):
    real = nn.init.xavier_normal_
    monkeypatch.setattr(nn.init, "xavier_normal_", lambda tensor, gain=1.0, **k: real(tensor, gain=2 * gain, **k))


@breaks("init.normal-mean-std")
def test_normal_swaps_mean_and_std(monkeypatch):
    real = nn.init.normal_
    monkeypatch.setattr(nn.init, "normal_", lambda tensor, mean=0.0, std=1.0, **k: real(tensor, std, mean, **k))


@breaks("init.uniform-bounds")
def test_uniform_symmetric(monkeypatch):
    real = nn.init.uniform_
    monkeypatch.setattr(nn.init, "uniform_", lambda tensor, a=0.0, b=1.0, **k: real(tensor, -b, b, **k))


@breaks("init.normal-in-place-on-weight")
def test_normal_returns_a_new_tensor(monkeypatch):
    monkeypatch.setattr(nn.init, "normal_",
                        lambda tensor, mean=0.0, std=1.0, **k: tensor.detach().clone().normal_(mean, std))


@breaks("init.he-as-written")
def test_typo_accepted(monkeypatch):
    # torch behaving as the material says: the claim must then fail until the spec is updated
    monkeypatch.setattr(nn.init, "kamiming_normal_", nn.init.kaiming_normal_, raising=False)


@breaks("init.bias-like-weight")
def test_normal_refuses_vectors(monkeypatch):
    real = nn.init.normal_

    def matrices_only(tensor, *args, **kwargs):
        if tensor.dim() < 2:
            raise ValueError("normal_ needs a matrix")
        return real(tensor, *args, **kwargs)

    monkeypatch.setattr(nn.init, "normal_", matrices_only)


@breaks("init.linear-default-is-he")
def test_linear_default_really_he(monkeypatch):
    # torch behaving as the material says: the claim must then fail until the spec is updated
    real = nn.init.kaiming_normal_
    monkeypatch.setattr(nn.init, "kaiming_uniform_",
                        lambda tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", **k: real(tensor, 0, mode, "relu"))


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("init.uniform-bounds")
def test_uniform_upper_bound_one_too_high(monkeypatch):
    real = nn.init.uniform_
    monkeypatch.setattr(nn.init, "uniform_", lambda tensor, a=0.0, b=1.0, **k: real(tensor, a, b + 1, **k))


@breaks("init.bias-like-weight")
def test_inits_swapping_what_they_accept(monkeypatch):
    """uniform_ and constant_ refuse a vector when called with keywords, as the document writes its calls
    (nn.Linear's own reset_parameters calls them positionally, so layers still build); xavier_normal_
    and kaiming_normal_ accept one (drawing it as normal_ does)."""
    for name in ("uniform_", "constant_"):
        real = getattr(nn.init, name)

        def matrices_only(tensor, *args, real=real, **kwargs):
            if tensor.dim() < 2 and kwargs:
                raise ValueError("needs a matrix")
            return real(tensor, *args, **kwargs)

        monkeypatch.setattr(nn.init, name, matrices_only)
    for name in ("xavier_normal_", "kaiming_normal_"):
        real = getattr(nn.init, name)

        def vectors_too(tensor, *args, real=real, **kwargs):
            if tensor.dim() < 2:
                with torch.no_grad():
                    return tensor.normal_()
            return real(tensor, *args, **kwargs)

        monkeypatch.setattr(nn.init, name, vectors_too)
