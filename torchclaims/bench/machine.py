"""asv machine names that say the torch version and the device kind.

`asv run --python=same` records results under the asv machine name. Naming the machine
`<host>-torch<version>-<cpu|cuda>` keeps the GPU and CPU histories (and each torch
version's) apart, and lets bench-compare read the torch version back from the name.
For the virtualenv matrix the torch version is an environment parameter instead, and the
machine is `<host>-matrix-<cpu|cuda>`.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys

NAME = re.compile(r"^(?P<host>.+?)(?:-torch(?P<torch>\d[\w.]*)|-matrix)?-(?P<kind>cpu|cuda)$")


def torch_version() -> str:
    """torch's version without a local tag: 2.14.1+cu130 -> 2.14.1."""
    import torch
    from packaging.version import Version

    return Version(torch.__version__).public


def device_kind() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def host_name() -> str:
    host = socket.gethostname().split(".")[0] or "host"
    return re.sub(r"[^A-Za-z0-9_]+", "_", host)


def machine_name(host: str | None = None, torch: str | None = None, kind: str | None = None,
                 matrix: bool = False) -> str:
    host = host or host_name()
    kind = kind or device_kind()
    if matrix:
        return f"{host}-matrix-{kind}"
    return f"{host}-torch{torch or torch_version()}-{kind}"


def parse_machine_name(name: str) -> dict:
    """{'group': host-kind, 'torch': version or None, 'kind': cpu|cuda|None}."""
    match = NAME.match(name)
    if not match:
        return {"group": name, "torch": None, "kind": None}
    return {"group": f"{match['host']}-{match['kind']}", "torch": match["torch"], "kind": match["kind"]}


def register(name: str) -> int:
    """`asv machine --yes --machine NAME`: the other fields are asv's defaults for this host."""
    return subprocess.run([sys.executable, "-m", "asv", "machine", "--yes", "--machine", name],
                          stdout=sys.stderr, check=False).returncode
