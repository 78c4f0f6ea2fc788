"""Run each claim seeded, and leave torch's global state as it was found."""

from __future__ import annotations

import random
from contextlib import contextmanager

SEED = 0


@contextmanager
def isolated(seed: int = SEED):
    """Seed every generator; restore default dtype, grad mode, threads, anomaly and determinism flags."""
    import numpy as np
    import torch

    saved = {
        "dtype": torch.get_default_dtype(),
        "grad": torch.is_grad_enabled(),
        "threads": torch.get_num_threads(),
        "anomaly": torch.is_anomaly_enabled(),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "deterministic_warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
        "python_random": random.getstate(),
        "numpy_random": np.random.get_state(),
    }
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA, lazily: no CUDA init here
    try:
        yield
    finally:
        torch.set_default_dtype(saved["dtype"])
        torch.set_grad_enabled(saved["grad"])
        torch.set_num_threads(saved["threads"])
        torch.set_anomaly_enabled(saved["anomaly"])
        determinism = (saved["deterministic"], saved["deterministic_warn_only"])
        if (torch.are_deterministic_algorithms_enabled(),
                torch.is_deterministic_algorithms_warn_only_enabled()) != determinism:
            # only when changed: the setter imports torch._dynamo, seconds on first use
            torch.use_deterministic_algorithms(determinism[0], warn_only=determinism[1])
        random.setstate(saved["python_random"])
        np.random.set_state(saved["numpy_random"])
