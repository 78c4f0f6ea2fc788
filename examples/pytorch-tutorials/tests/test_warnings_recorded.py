"""Warnings are data: torch 2.4 and 2.5 warned (FutureWarning) on the tutorial's torch.load of a whole
model before 2.6 refused it. Here torch.load is made to behave as 2.4's did: it loads, and warns."""

import warnings

import torch

from torchclaims.testing import evaluate_claim

WARNING = ("You are using `torch.load` with `weights_only=False` (the current default value), which uses the "
           "default pickle module implicitly.")


def test_break_it_torch_load_warns_as_in_2_4_and_the_warning_is_recorded(monkeypatch):
    real = torch.load

    def load_as_in_2_4(f, *args, **kwargs):
        if kwargs.get("weights_only") is None:
            warnings.warn(WARNING + " It is possible to construct malicious pickle data...", FutureWarning)
            kwargs["weights_only"] = False
        return real(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", load_as_in_2_4)
    outcome = evaluate_claim("basics_saveload.load-whole-model", near=__file__)
    assert outcome.observed == {"loaded": "Sequential"}  # loads, as on 2.5.1 (so `fails` against known)
    assert {"category": "FutureWarning", "message": WARNING + " It is possible to construct malicious pickle data...",
            "module": __name__} in outcome.warnings
