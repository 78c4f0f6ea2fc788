"""Fixtures for the harness's own tests: small throwaway projects with specs and suites."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from torchclaims.paths import REPO_ROOT

pytest_plugins = ["pytester"]

SOURCES_YAML = """\
documents:
  - {file: doc.txt, title: A tutorial, author: someone, site: somewhere, date: "2024-01-01", language: en}
"""
DOCUMENT = "The default dtype is float32. Adding one to two gives three.\n"


class Project:
    """A tmp project laid out like the checkout: specs/, suites/, sources/, conftest.py."""

    def __init__(self, root: Path):
        self.root = root
        self.specs = root / "specs"
        self.suites = root / "suites"
        self.sources = root / "sources"
        for folder in (self.specs, self.suites, self.sources):
            folder.mkdir(parents=True, exist_ok=True)
        (self.specs / "sources.yaml").write_text(SOURCES_YAML, encoding="utf-8")
        (self.sources / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
        (self.suites / "__init__.py").write_text("", encoding="utf-8")
        (root / "conftest.py").write_text('pytest_plugins = ["torchclaims.plugin"]\n', encoding="utf-8")

    def spec(self, topic: str, text: str) -> Path:
        path = self.specs / f"{topic}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def suite(self, topic: str, text: str) -> Path:
        path = self.suites / f"{topic}.py"
        path.write_text("from torchclaims.checkers import checker, NotRun\n" + textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def run_claims(pytester, monkeypatch):
    """Run `pytest specs ...` in a subprocess inside the pytester project (so its suites/ is imported)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))

    def run(*args, timeout=240, report=False):
        # the report (pandas, Jinja2: about a second) only where a test looks at it
        quiet = [] if report or "--no-report" in args else ["--no-report"]
        return pytester.runpytest_subprocess("specs", "-p", "no:cacheprovider", *quiet, *args, timeout=timeout)

    return run


# A spec file whose claims exercise every verdict, over the checkers in ARITHMETIC_SUITE.
ARITHMETIC_SPEC = """\
claims:
  - id: arith.default-dtype
    source: doc.txt
    quote: The default dtype is float32.
    says: The default dtype is float32.
    check: default_dtype
    expect: torch.float32
    devices: any
  - id: arith.one-plus-two
    source: doc.txt
    quote: Adding one to two gives three.
    says: 1 + 2 == 3.
    check: add
    args: {a: 1, b: 2}
    expect: 3
    devices: cpu
  - id: arith.wrong-sum
    source: doc.txt
    quote: Adding one to two gives three.
    says: 1 + 3 == 3 (wrong on purpose).
    check: add
    args: {a: 1, b: 3}
    expect: 3
    devices: cpu
  - id: arith.known-wrong
    source: doc.txt
    quote: Adding one to two gives three.
    says: 2 + 2 == 3, known to be 4.
    check: add
    args: {a: 2, b: 2}
    expect: 3
    devices: cpu
    known: {observed: 4, why: arithmetic}
  - id: arith.raises
    source: doc.txt
    quote: Adding one to two gives three.
    says: the checker crashes.
    check: crash
    expect: 3
    devices: cpu
  - id: arith.on-gpu
    source: doc.txt
    quote: Adding one to two gives three.
    says: adds on an accelerator.
    check: add
    args: {a: 1, b: 2}
    expect: 3
    devices: accelerator
"""

ARITHMETIC_SUITE = """\
import torch


@checker
def default_dtype(device):
    return torch.tensor([1.0], device=device).dtype


@checker
def add(device, a, b):
    return int((torch.tensor(a, device=device) + b).item())


@checker
def crash(device):
    raise ZeroDivisionError("checker bug")
"""


@pytest.fixture
def arithmetic(pytester):
    """A pytester project with the arithmetic spec and suite."""
    project = Project(pytester.path)
    project.spec("arith", ARITHMETIC_SPEC)
    project.suite("arith", ARITHMETIC_SUITE)
    return project
