"""Issue 12's "done when": a new user's own project, in an empty directory, with torchclaims installed.

torchclaims is installed from this checkout (not editable: the installed package must carry its
schemas, templates and scaffold) into a fresh venv that sees this environment's torch and other
dependencies through a plain path line, so no torch is installed again. Then: init, add a
document, a claim with its checker and break-it test, and a snippet claim; run, pytest specs,
report, validate --strict, from directories inside the project, with no PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from torchclaims.paths import REPO_ROOT

pytestmark = [pytest.mark.slow_install,
              pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to make the venv")]

DOCUMENT = '''\
# Shapes

A tensor's `view` keeps its elements and changes its shape.

```python
import torch
x = torch.arange(6)
print(x.view(2, 3))
```

```output
tensor([[0, 1, 2],
        [3, 4, 5]])
```
'''

SPEC = '''\
claims:
  - id: shapes.view-keeps-elements
    source: shapes.md
    quote: keeps its elements and changes its shape
    says: view returns the same elements in the new shape.
    check: viewed
    expect: {shape: [2, 3], elements: [0, 1, 2, 3, 4, 5]}
    devices: cpu
  - id: shapes.view-prints
    source: shapes.md
    quote: print(x.view(2, 3))
    says: The example prints a 2x3 int64 tensor of 0..5.
    snippet: {block: "import torch"}
    devices: cpu
'''

SUITE = '''\
import torch
from torchclaims.checkers import checker


@checker
def viewed(device):
    y = torch.arange(6, device=device).view(2, 3)
    return {"shape": y.shape, "elements": y.flatten().tolist()}
'''

BREAK_IT = '''\
import torch
from torchclaims.testing import breaks


@breaks("shapes.view-keeps-elements")
def test_view_reverses_elements_and_shape(monkeypatch):
    real = torch.Tensor.view
    monkeypatch.setattr(torch.Tensor, "view", lambda self, *shape: real(self.flip(0), *shape[::-1]))
'''


INSTALL_LINE = re.compile(r"(?:python3? -m )?pip install (?P<targets>[^#]*torchclaims[^#]*?)\s*(?:#.*)?")
CLONE_LINE = re.compile(r"git clone \S.*\s(?P<folder>[\w.-]+)\s*(?:#.*)?")


def _readme_line(pattern: re.Pattern) -> re.Match:
    found = [m for line in (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if (m := pattern.fullmatch(line.strip()))]
    assert len(found) == 1, f"the README should have one line like {pattern.pattern}: {[m.group(0) for m in found]}"
    return found[0]


def readme_install_targets() -> list[str]:
    """What the README's install line for your own material installs (`pip install ./torchclaims`)."""
    targets = shlex.split(_readme_line(INSTALL_LINE).group("targets"))
    assert targets and not any(t.startswith("-") for t in targets), targets
    return targets


def readme_clone_folder() -> str:
    return _readme_line(CLONE_LINE).group("folder")


def test_the_readme_installs_from_the_clone_it_makes():
    """No `pip install torchclaims` (no such package is published): a path into the README's own clone."""
    folder = readme_clone_folder()
    for target in readme_install_targets():
        assert target.split("[")[0].rstrip("/") in (folder, f"./{folder}"), (target, folder)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A venv with torchclaims installed from the checkout; its environment for subprocesses."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # a plain path line: this env's packages are importable, its .pth files (our editable install) are not run
    Path(site, "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    build = tmp_path_factory.mktemp("build")
    clone = build / readme_clone_folder()  # where the README's `git clone` puts the checkout
    clone.mkdir()
    for part in ("pyproject.toml", "README.md"):  # what the package is built from
        shutil.copy(REPO_ROOT / part, clone / part)
    shutil.copytree(REPO_ROOT / "torchclaims", clone / "torchclaims", ignore=shutil.ignore_patterns("__pycache__"))
    # the README's own install line, run where the clone is (uv's pip, --no-deps: the dependencies come from outer.pth)
    subprocess.run(["uv", "pip", "install", "-q", "--no-deps", "--python", str(python), *readme_install_targets()],
                   cwd=build, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def sh(env, cwd, *command) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_a_new_project_runs_from_anywhere_inside_it(installed, tmp_path):
    where = sh(installed, tmp_path, "python", "-c", "import torchclaims; print(torchclaims.__file__)")
    assert str(REPO_ROOT) not in where.stdout and "site-packages" in where.stdout, where.stdout + where.stderr

    made = sh(installed, tmp_path, "torchclaims", "init", "mine")
    assert made.returncode == 0, made.stderr
    root = tmp_path / "mine"
    (root / "sources" / "shapes.md").write_text(DOCUMENT)
    with (root / "specs" / "sources.yaml").open("a") as sources:
        sources.write("- {file: shapes.md, title: Shapes for beginners, author: me, site: here, "
                      "date: '2026-12', language: en}\n")
    (root / "specs" / "shapes.yaml").write_text(SPEC)
    (root / "suites" / "shapes.py").write_text(SUITE)

    strict = sh(installed, root / "suites", "torchclaims", "validate", "--strict")
    assert strict.returncode == 2 and "shapes.viewed" in strict.stderr, strict.stdout + strict.stderr
    (root / "tests" / "break_it" / "test_shapes.py").write_text(BREAK_IT)
    strict = sh(installed, root / "suites", "torchclaims", "validate", "--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr

    run = sh(installed, root / "sources", "torchclaims", "run", "--results", str(tmp_path / "r.json"),
             "--report", str(tmp_path / "r.html"), "-p", "no:cacheprovider")
    assert run.returncode == 0, run.stdout + run.stderr
    records = {(r["claim"], r["device"]): r["verdict"] for r in json.loads((tmp_path / "r.json").read_text())["results"]}
    assert records == {("basics.zeros-default-float32", "cpu"): "holds", ("shapes.view-keeps-elements", "cpu"): "holds",
                       ("shapes.view-prints", "cpu"): "holds"}
    assert "Shapes for beginners" in (tmp_path / "r.html").read_text()

    plain = sh(installed, root, "python", "-m", "pytest", "specs", "tests", "-q", "-p", "no:cacheprovider",
               "--results", str(tmp_path / "p.json"))
    # 3 claims; 3 + 1 breaks; the coverage test's break check and its field check of each of the 2 checkers
    assert plain.returncode == 0 and "10 passed" in plain.stdout and "holds" in plain.stdout, plain.stdout + plain.stderr
