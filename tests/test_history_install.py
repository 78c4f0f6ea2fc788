"""Issue 17 item 5: `torchclaims history` from any install, not only an editable one. Each release
environment gets the torchclaims that runs the command: the checkout (editable) when it runs from
one, else a wheel written from the installed distribution. No torch is installed here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from torchclaims.history.ownwheel import checkout_of, install_args
from torchclaims.paths import PACKAGE_DIR, REPO_ROOT

needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to make the venvs")


def test_from_a_checkout_the_environments_get_the_checkout_editable(tmp_path):
    assert checkout_of(PACKAGE_DIR) == REPO_ROOT
    assert install_args(tmp_path) == ["-e", str(REPO_ROOT)]
    assert not list(tmp_path.iterdir())  # no wheel written


def _venv(where: Path) -> Path:
    """A fresh venv that sees this environment's packages through a plain path line (no torch installed)."""
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.mark.slow_install
@needs_uv
def test_from_a_non_editable_install_the_environments_get_a_wheel_of_that_install(tmp_path):
    build = tmp_path / "src"
    build.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / part, build / part)
    shutil.copytree(REPO_ROOT / "torchclaims", build / "torchclaims", ignore=shutil.ignore_patterns("__pycache__"))
    installed = _venv(tmp_path / "installed")
    subprocess.run(["uv", "pip", "install", "-q", "--no-deps", "--python", str(installed), str(build)], check=True)
    shutil.rmtree(build)  # nothing of the source is left: only the install
    asked = subprocess.run([str(installed), "-c", "import json, sys; from torchclaims.history.ownwheel import install_args;"
                            " print(json.dumps(install_args(sys.argv[1])))", str(tmp_path / "wheels")],
                           check=True, capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    (wheel,) = json.loads(asked.stdout)
    names = zipfile.ZipFile(wheel).namelist()
    assert "torchclaims/history/runner.py" in names and "torchclaims/schemas/spec.schema.json" in names
    assert not any("__pycache__" in n or n.endswith(("INSTALLER", "direct_url.json")) for n in names)
    # a release environment: the wheel installs, the engine imports, pytest finds the plugin
    release_env = _venv(tmp_path / "release")
    subprocess.run(["uv", "pip", "install", "-q", "--no-deps", "--python", str(release_env), wheel], check=True)
    seen = subprocess.run([str(release_env), "-c", "import importlib.metadata as m, torchclaims.plugin, torchclaims;"
                           " print(torchclaims.__file__); print([e.value for e in m.entry_points(group='pytest11')])"],
                          check=True, capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    assert str(tmp_path / "release") in seen.stdout.splitlines()[0] and "torchclaims.plugin" in seen.stdout
