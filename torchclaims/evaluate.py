"""Evaluate one claim on one target: run its checker isolated, then let the judge decide."""

from __future__ import annotations

import time
import traceback
from dataclasses import asdict, dataclass, field, replace
import importlib
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from torchclaims.checkers import NotRun, SuiteImportError, checker_function
from torchclaims.devices import Target
from torchclaims.isolation import isolated
from torchclaims.judge import Judgement, Verdict, judge
from torchclaims.observe import plain
from torchclaims.warned import add as add_warnings, recording


@dataclass
class Outcome:
    """One claim on one target: what was expected, what was seen, and the verdict."""

    claim: str
    device: str
    verdict: Verdict
    expected: Any = None
    observed: Any = None
    message: str = ""
    duration_s: float = 0.0
    details: str = field(default="", repr=False)  # a traceback, for errors
    # what torch, torchvision, numpy... warned while it ran (warned.py): [{category, message, module}]
    warnings: list[dict] = field(default_factory=list)

    def to_record(self, claim) -> dict:
        record = asdict(self)
        record["verdict"] = self.verdict.value
        record.update(source=claim.source, quote=claim.quote, says=claim.says, topic=claim.topic)
        if claim.quoted_from:
            record["quoted_from"] = claim.quoted_from
        return record


def torch_version() -> str:
    import torch

    return torch.__version__.split("+")[0]


def missing_package(name: str) -> str | None:
    """Why module `name` (an import name: torchvision, PIL) cannot be used here, or None if it imports."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return f"needs {name}, which is not installed"
        return f"needs {name}, which fails to import here: {exc}"
    except Exception as exc:  # e.g. a torchvision built for another torch
        return f"needs {name}, which fails to import here: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


def not_run_reason(claim, target: Target) -> str | None:
    if claim.torch and Version(torch_version()) not in SpecifierSet(claim.torch):
        return f"applies to torch {claim.torch}; this is {torch_version()}"
    for package in claim.requires:
        if (reason := missing_package(package)):
            return reason
    return target.missing_reason()


def observe(claim, device: str) -> Any:
    if claim.is_snippet:
        from torchclaims.documents.snippets import run_snippet, snippet_warnings

        try:
            return run_snippet(claim, device)
        finally:  # a kernel's cell warned on its own stderr, where catch_warnings cannot see it
            add_warnings(snippet_warnings(claim, device))
    check = checker_function(claim.suite_path, claim.check)  # imported outside the isolation
    with isolated():
        return plain(check(device, **claim.args))


def evaluate(claim, target: Target) -> Outcome:
    """The verdict of `claim` on `target`. Never raises for a checker's failure."""
    start = time.perf_counter()
    if claim.is_snippet:
        from torchclaims.documents.snippets import expected_output

        # the document's printed output, parsed: what the claim expects
        claim = replace(claim, expect=expected_output(claim))

    warned: list[dict] = []

    def outcome(judgement: Judgement, observed=None, expected=claim.expect, details="") -> Outcome:
        return Outcome(claim.id, target.label, judgement.verdict, expected, observed, judgement.message,
                       round(time.perf_counter() - start, 6), details, warned)

    if (reason := not_run_reason(claim, target)):
        return outcome(Judgement(Verdict.NOT_RUN, reason))
    try:
        if not claim.is_snippet:  # the suite's import (once per process) is not the claim's to warn about
            checker_function(claim.suite_path, claim.check)
        with recording() as warned:
            observed = observe(claim, target.device)
            expected = observe(claim, "cpu") if target.parity else None
    except NotRun as exc:
        return outcome(Judgement(Verdict.NOT_RUN, str(exc)))
    except SuiteImportError as exc:  # this suite cannot be imported here (e.g. an API this torch lacks)
        return outcome(Judgement(Verdict.ERROR, str(exc)), details=exc.details)
    except Exception as exc:  # the checker raised: that is the verdict, not a harness crash
        return outcome(Judgement(Verdict.ERROR, f"{type(exc).__name__}: {exc}"), details=traceback.format_exc())
    if target.parity:
        return outcome(judge(claim, observed, torch_version(), expected=expected), observed, expected)
    return outcome(judge(claim, observed, torch_version()), observed)
