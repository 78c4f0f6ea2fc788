"""What a run ran on: versions, CPU, accelerators, harness commit."""

from __future__ import annotations

import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version

import torchclaims
from torchclaims.devices import available_devices
from torchclaims.paths import REPO_ROOT


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def harness_version() -> str:
    try:
        commit = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=10,
                                check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return torchclaims.__version__
    return f"{torchclaims.__version__}+g{commit}"


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def accelerator_info() -> list[dict]:
    import torch

    found = []
    for device in available_devices():
        if device == "cuda":
            for index in range(torch.cuda.device_count()):
                major, minor = torch.cuda.get_device_capability(index)
                found.append({"type": "cuda", "name": torch.cuda.get_device_name(index),
                              "capability": f"{major}.{minor}", "cuda": torch.version.cuda})
        elif device != "cpu":
            found.append({"type": device, "name": device, "capability": None, "cuda": None})
    return found


def run_info() -> dict:
    """The environment the claims ran in; the caller adds when the run started and its duration."""
    import torch

    return {
        "torch": str(torch.__version__),  # a TorchVersion, which xdist cannot send
        "torchvision": package_version("torchvision"),
        "numpy": package_version("numpy"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_name(),
        "threads": torch.get_num_threads(),
        "accelerators": accelerator_info(),
        "harness": harness_version(),
    }
