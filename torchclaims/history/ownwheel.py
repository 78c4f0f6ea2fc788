"""The torchclaims that runs `torchclaims history`, as something uv can install in each release's env.

- From a checkout (the package sits beside a pyproject.toml naming torchclaims): the checkout,
  editable, as before.
- From any other install (a path, wheel or git install: site-packages): a wheel written from the
  installed distribution's own files (its RECORD), so every environment gets exactly this code.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from importlib import metadata
from pathlib import Path

from torchclaims.paths import PACKAGE_DIR

# written by the installer, not part of the distribution
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def checkout_of(package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source checkout this package was imported from, or None for an installed copy."""
    pyproject = Path(package_dir).parent / "pyproject.toml"
    if pyproject.is_file() and 'name = "torchclaims"' in pyproject.read_text(encoding="utf-8"):
        return Path(package_dir).parent
    return None


def install_args(out_dir: Path, package_dir: Path = PACKAGE_DIR) -> list[str]:
    """What `uv pip install` is given for torchclaims: `-e CHECKOUT`, or a wheel of this install."""
    checkout = checkout_of(package_dir)
    if checkout is not None:
        return ["-e", str(checkout)]
    return [str(wheel_of_installed(out_dir))]


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_of_installed(out_dir: Path, distribution: metadata.Distribution | None = None) -> Path:
    """Write torchclaims-V-py3-none-any.whl from the installed files (no __pycache__) into out_dir."""
    dist = distribution or metadata.distribution("torchclaims")
    version = dist.version
    info_dir = f"torchclaims-{version}.dist-info"
    files = [f for f in dist.files or [] if "__pycache__" not in f.parts and not str(f).startswith("..")
             and not (f.parts[0].endswith(".dist-info") and f.name in INSTALLER_FILES)]
    if not any(f.parts[0] == "torchclaims" for f in files):
        raise RuntimeError("the installed torchclaims lists no package files (RECORD); reinstall it")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"torchclaims-{version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=str):
            parts = file.parts
            name = "/".join((info_dir, *parts[1:]) if parts[0].endswith(".dist-info") else parts)
            data = Path(file.locate()).read_bytes()
            archive.writestr(name, data)
            record.append(f"{name},{_record_hash(data)},{len(data)}")
        if not any(f.parts[0].endswith(".dist-info") and f.name == "WHEEL" for f in files):
            wheel_meta = b"Wheel-Version: 1.0\nGenerator: torchclaims\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            archive.writestr(f"{info_dir}/WHEEL", wheel_meta)
            record.append(f"{info_dir}/WHEEL,{_record_hash(wheel_meta)},{len(wheel_meta)}")
        record.append(f"{info_dir}/RECORD,,")
        archive.writestr(f"{info_dir}/RECORD", "\n".join(record) + "\n")
    return wheel
