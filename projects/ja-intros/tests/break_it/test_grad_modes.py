import contextlib
import sys
import threading

import torch

from torchclaims.testing import breaks


def _no_grad_does_nothing(monkeypatch):
    monkeypatch.setattr(torch, "no_grad", contextlib.nullcontext)


@breaks("grad_modes.no-grad-block-computes-no-grad")
def test_no_grad_that_does_nothing(monkeypatch):
    _no_grad_does_nothing(monkeypatch)


@breaks("grad_modes.no-grad-for-inference-only")
def test_no_grad_that_does_nothing_allows_backward(monkeypatch):
    _no_grad_does_nothing(monkeypatch)


@breaks("grad_modes.no-grad-every-result")
def test_multiplication_that_ignores_no_grad(monkeypatch):
    real = torch.Tensor.__mul__

    def mul(self, other):
        with torch.enable_grad():
            return real(self, other)

    monkeypatch.setattr(torch.Tensor, "__mul__", mul)


@breaks("grad_modes.no-grad-saves-memory")
def test_no_grad_that_does_nothing_saves_as_much(monkeypatch):
    _no_grad_does_nothing(monkeypatch)


def _set_grad_enabled_always_on(monkeypatch):
    """set_grad_enabled that enables grad whatever its argument when called from outside torch
    (torch's own no_grad, used by nn.init, keeps working)."""
    real = torch.set_grad_enabled

    class always_on(real):
        def __init__(self, mode):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            inside_torch = caller == "torch" or caller.startswith("torch.")
            super().__init__(mode if inside_torch else True)

    monkeypatch.setattr(torch, "set_grad_enabled", always_on)


@breaks("grad_modes.train-val-in-one-loop")
def test_set_grad_enabled_ignoring_its_mode_breaks_val(monkeypatch):
    _set_grad_enabled_always_on(monkeypatch)


@breaks("grad_modes.example-function-false")
def test_set_grad_enabled_ignoring_false(monkeypatch):
    _set_grad_enabled_always_on(monkeypatch)


@breaks("grad_modes.enable-grad-overrides-set-grad-enabled")
def test_set_grad_enabled_ignored_inside_enable_grad(monkeypatch):
    """A torch that behaves as the quoted note says: the material holds again, so the spec must change."""
    _set_grad_enabled_always_on(monkeypatch)


@breaks("grad_modes.thread-local-context")
def test_grad_mode_shared_with_new_threads(monkeypatch):
    """Threads that start in their creator's grad mode, as if the mode were process-wide."""
    real = threading.Thread

    class SharingThread(real):
        def __init__(self, *args, target=None, **kwargs):
            mode = torch.is_grad_enabled()

            def run_in_creators_mode(*a, **k):
                torch._C._set_grad_enabled(mode)
                return target(*a, **k)

            super().__init__(*args, target=run_in_creators_mode, **kwargs)

    monkeypatch.setattr(threading, "Thread", SharingThread)


# ---- breaks that vary the fields no break above changes (tests/test_break_it_coverage.py)

@breaks("grad_modes.thread-local-context")
def test_set_grad_enabled_ignoring_false_in_this_thread(monkeypatch):
    _set_grad_enabled_always_on(monkeypatch)


@breaks("grad_modes.train-val-in-one-loop")
def test_set_grad_enabled_ignoring_true(monkeypatch):
    """set_grad_enabled that disables grad whatever its argument when a checker calls it
    (torch's own calls, and the harness restoring the grad mode after the claim, keep working)."""
    real = torch.set_grad_enabled

    class always_off(real):
        def __init__(self, mode):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            harness = caller in ("torch", "torchclaims") or caller.startswith(("torch.", "torchclaims."))
            super().__init__(mode if harness else False)

    monkeypatch.setattr(torch, "set_grad_enabled", always_off)
