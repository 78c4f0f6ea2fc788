"""Helpers for checkers: turn what torch did into plain, JSON-ready values."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any


def plain(value: Any) -> Any:
    """Convert an observation to plain values: lists, dicts, str, int, float, bool, None.

    torch objects become what a reader would write in a spec: a dtype is
    'torch.float32', a Size is a list, a device is 'cuda:0', a tensor its nested list.
    """
    import numpy as np
    import torch

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, torch.dtype):
        return str(value)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.Size):
        return list(value)
    if isinstance(value, torch.Tensor):
        return plain(value.detach().cpu().tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [plain(v) for v in items]
    if isinstance(value, type):
        return value.__name__
    raise TypeError(f"checker returned a {type(value).__name__}, which is not a plain value: {value!r}")


def raised(action: Callable[[], Any]) -> dict:
    """Run `action`; observe the exception it raises: {'raises': 'TypeError', 'message': ...}.

    'raises' is None when nothing was raised. The judge compares 'raises' and treats
    'message' as context unless a spec expects it.
    """
    try:
        action()
    except Exception as exc:  # the exception is the observation
        return {"raises": type(exc).__name__, "message": str(exc).strip().splitlines()[0] if str(exc).strip() else ""}
    return {"raises": None, "message": ""}

