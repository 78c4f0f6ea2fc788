"""Which devices a claim runs on, found at run time (never at import)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

# Named so that a CPU-only machine still lists the accelerator claims, as not-run.
DEFAULT_ACCELERATOR = "cuda"


@dataclass(frozen=True)
class Target:
    """Where one claim instance runs: a device, or a device compared with the CPU."""

    device: str
    parity: bool = False

    @property
    def label(self) -> str:
        return f"{self.device}-vs-cpu" if self.parity else self.device

    def missing_reason(self) -> str | None:
        if self.device in available_devices():
            return None
        return f"no {self.device.upper()} device"


@cache
def available_devices() -> tuple[str, ...]:
    """'cpu' plus each accelerator torch reports, e.g. ('cpu', 'cuda')."""
    import torch

    found = ["cpu"]
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and accelerator.is_available():
        found.append(accelerator.current_accelerator().type)
    elif torch.cuda.is_available():
        found.append("cuda")
    return tuple(found)


def accelerators() -> list[str]:
    return [d for d in available_devices() if d != "cpu"] or [DEFAULT_ACCELERATOR]


def targets(devices: str, wanted: list[str] | None = None) -> list[Target]:
    """Expand a claim's `devices` field into targets, limited to `wanted` devices if given."""
    if devices == "cpu":
        found = [Target("cpu")]
    elif devices == "any":
        found = [Target(d) for d in available_devices()]
    elif devices == "accelerator":
        found = [Target(d) for d in accelerators()]
    elif devices == "parity":
        found = [Target(d, parity=True) for d in accelerators()]
    else:
        raise ValueError(f"unknown devices value {devices!r}")
    if wanted:
        found = [t for t in found if t.device in wanted]
        if devices == "any":  # a device asked for but absent is reported, not silently dropped
            found += [Target(d) for d in wanted if d not in available_devices() and d != "cpu"]
    return found
