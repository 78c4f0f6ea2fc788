"""Device expansion and the plain-value conversion of observations."""

import numpy as np
import pytest
import torch

from torchclaims import devices
from torchclaims.observe import plain, raised


@pytest.fixture
def machine(monkeypatch):
    def with_devices(*found):
        monkeypatch.setattr(devices, "available_devices", lambda: ("cpu", *found))
    return with_devices


def labels(found):
    return [t.label for t in found]


def test_cpu_only_machine(machine):
    machine()
    assert labels(devices.targets("any")) == ["cpu"]
    assert labels(devices.targets("cpu")) == ["cpu"]
    # accelerator claims still appear, to be reported not-run
    assert labels(devices.targets("accelerator")) == ["cuda"]
    assert labels(devices.targets("parity")) == ["cuda-vs-cpu"]
    assert devices.Target("cuda").missing_reason() == "no CUDA device"


def test_gpu_machine(machine):
    machine("cuda")
    assert labels(devices.targets("any")) == ["cpu", "cuda"]
    assert labels(devices.targets("any", ["cuda"])) == ["cuda"]
    assert devices.Target("cuda").missing_reason() is None


def test_asking_for_an_absent_device_reports_it(machine):
    machine()
    assert labels(devices.targets("any", ["cuda"])) == ["cuda"]
    assert labels(devices.targets("cpu", ["cuda"])) == []


def test_plain_values():
    observed = plain({"dtype": torch.float64, "shape": torch.Size([2, 3]), "device": torch.device("cpu"),
                      "tensor": torch.tensor([[1, 2]]), "array": np.array([1.5]), "scalar": np.float32(2.5),
                      "tuple": (1, 2), "nan": float("nan"), "type": ValueError})
    assert observed == {"dtype": "torch.float64", "shape": [2, 3], "device": "cpu", "tensor": [[1, 2]],
                        "array": [1.5], "scalar": 2.5, "tuple": [1, 2], "nan": "nan", "type": "ValueError"}


def test_plain_refuses_opaque_objects():
    with pytest.raises(TypeError, match="not a plain value"):
        plain(object())


def test_raised_observes_exceptions():
    assert raised(lambda: 1 / 0) == {"raises": "ZeroDivisionError", "message": "division by zero"}
    assert raised(lambda: None) == {"raises": None, "message": ""}
