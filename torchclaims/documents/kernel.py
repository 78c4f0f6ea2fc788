"""Run a document's cells in a real Jupyter kernel (nbclient + ipykernel), as Jupyter does.

One execution per document, device and seed in this process (`run_cells` caches it): the claims of
a notebook share it, and each claim reads its own cell's outputs. The kernel is the Python running
the claims (sys.executable's ipykernel), so a release's environment uses its own kernel. It is
seeded before the first cell (harness set-up, not document code). A cell that raises records its
error and the kernel goes on, as the author's session did; a cell past its timeout is interrupted
and recorded as timed out; a kernel that dies or does not come back leaves the later cells not run,
with the reason.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from torchclaims.warned import deduplicated

DEFAULT_CELL_TIMEOUT = 300.0
# after a timeout the kernel is interrupted; a cell this short must then answer, or the kernel is lost
PROBE_TIMEOUT = 20.0
SETUP_TIMEOUT = 120.0
TIMEOUT_ENAME = "CellTimeoutError"
KERNEL_LOG = "TORCHCLAIMS_KERNEL_LOG"

# the kernel's own set-up: the seeds the snippet runner sets (torch, numpy, random), and
# `print(warnings)` style output left as it is
SEED_CODE = """\
import random as _tc_random
_tc_random.seed({seed})
try:
    import numpy as _tc_numpy
    _tc_numpy.random.seed({seed})
except ImportError:
    pass
try:
    import torch as _tc_torch
    _tc_torch.manual_seed({seed})
except ImportError:
    pass
del _tc_random
"""

# `path:line: Category: message`, as warnings.showwarning writes it to stderr
_WARNING_LINE = re.compile(r"^(?P<path>\S[^\n]*?):(?P<line>\d+): (?P<category>[A-Za-z_][\w.]*(?:Warning|Error)): (?P<message>.*)$",
                           re.MULTILINE)


@dataclass
class CellRun:
    """What one code cell did: its Jupyter outputs, how it ended, and the warnings it printed."""

    number: int  # 1-based among the document's code cells (its block number)
    outputs: list[dict] = field(default_factory=list)
    status: str = "ok"  # ok | error | timeout | dead | not-run
    reason: str = ""  # for timeout, dead and not-run
    warnings: list[dict] = field(default_factory=list)
    duration_s: float = 0.0


@dataclass
class DocumentRun:
    cells: dict[int, CellRun]
    duration_s: float
    kernel: str  # the python the kernel ran on
    document: str = ""


def _kernel_manager_class():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        """The kernel of the python running the claims, never a kernelspec found on the machine."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name=f"torchclaims ({sys.executable})", language="python")
            return self._kernel_spec

    return ThisPythonKernelManager


def kernel_environment(device: str) -> dict:
    """The kernel's environment: a CPU run hides the accelerators, as a machine without them would."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def warnings_in(stderr: str) -> list[dict]:
    """The warnings a cell printed on stderr: {category, message (first line), module}, each once."""
    return deduplicated([{"category": match["category"].rsplit(".", 1)[-1], "message": match["message"].strip(),
                          "module": module_of(match["path"])} for match in _WARNING_LINE.finditer(stderr)])


def module_of(path: str) -> str:
    """A warning's file as a module name: site-packages/torch/nn/modules/module.py -> torch.nn.modules.module."""
    parts = Path(path).with_suffix("").parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return ".".join(parts[parts.index(marker) + 1:])
    if any(part.startswith("ipykernel_") for part in parts):  # a cell of the notebook itself
        return "__main__"
    return Path(path).stem


def _stderr_of(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")


def execute(sources: list[str], *, device: str = "cpu", seed: int = 0, timeout: float = DEFAULT_CELL_TIMEOUT,
            cwd: Path | None = None, document: str = "") -> DocumentRun:
    """Run `sources` (code cells, in order) in one fresh kernel; cell numbers are 1-based positions."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # cell 0 is the harness's seeding (nbclient writes each executed cell back at its index)
    seed_cell = nbformat.v4.new_code_cell(SEED_CODE.format(seed=seed))
    notebook = nbformat.v4.new_notebook(cells=[seed_cell, *(nbformat.v4.new_code_cell(s) for s in sources)])
    timed_out: set[int] = set()

    class Client(NotebookClient):
        async def _async_handle_timeout(self, timeout, cell=None):
            timed_out.add(id(cell))
            return await super()._async_handle_timeout(timeout, cell)

    runs = {n: CellRun(n) for n in range(1, len(sources) + 1)}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="torchclaims-kernel-") as scratch:
        client = Client(notebook, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                        error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": f"the cell ran past its timeout ({timeout:g} s)",
                                          "traceback": []},
                        kernel_manager_class=_kernel_manager_class(), record_timing=False,
                        # its log's warnings (TCP without encryption, on every start) are noise in a run's output
                        extra_arguments=["--IPKernelApp.log_level=ERROR"],
                        resources={"metadata": {"path": str(cwd or scratch)}}, startup_timeout=120)
        lost = ""  # why the cells after this point cannot run
        try:
            with client.setup_kernel(env=kernel_environment(device)):
                client.timeout = max(timeout, SETUP_TIMEOUT)  # it imports torch
                client.execute_cell(seed_cell, 0, store_history=False)
                client.timeout = timeout
                if seed_cell.outputs and any(o.output_type == "error" for o in seed_cell.outputs):
                    lost = "the kernel's set-up (seeding) raised: " + _error_text(seed_cell.outputs)
                for index, cell in enumerate(notebook.cells[1:], start=1):
                    run = runs[index]
                    if lost:
                        run.status, run.reason = "not-run", lost
                        continue
                    began = time.perf_counter()
                    try:
                        client.execute_cell(cell, index)
                    except DeadKernelError:
                        run.status, run.reason = "dead", f"the kernel died while running cell {run.number}"
                        lost = f"the kernel died at cell {run.number}"
                    except CellTimeoutError:
                        run.status, run.reason = "timeout", f"cell {run.number} ran past its timeout ({timeout:g} s)"
                        lost = f"the kernel did not come back after cell {run.number} timed out"
                    run.duration_s = round(time.perf_counter() - began, 6)
                    run.outputs = [dict(o) for o in cell.get("outputs", [])]
                    run.warnings = warnings_in(_stderr_of(run.outputs))
                    if run.status != "ok":
                        continue
                    if id(cell) in timed_out:
                        run.status, run.reason = "timeout", f"cell {run.number} ran past its timeout ({timeout:g} s) and was interrupted"
                        if not _answers(client):
                            lost = f"the kernel did not come back after cell {run.number} timed out"
                    elif any(o.get("output_type") == "error" for o in run.outputs):
                        run.status = "error"
        except DeadKernelError as exc:  # while starting or shutting down
            for run in runs.values():
                if run.status == "ok" and not run.outputs:
                    run.status, run.reason = "dead", f"the kernel died: {exc}"
        except RuntimeError as exc:  # the kernel did not start
            for run in runs.values():
                run.status, run.reason = "dead", f"the kernel did not start ({sys.executable}): {exc}"
    done = DocumentRun(runs, round(time.perf_counter() - start, 6), sys.executable, document)
    _log(done, device, seed)
    return done


def _log(run: DocumentRun, device: str, seed: int) -> None:
    """One JSON line per execution in $TORCHCLAIMS_KERNEL_LOG, if set: which documents ran, where, how long."""
    if not (log := os.environ.get(KERNEL_LOG)):
        return
    import json

    statuses = {}
    for cell in run.cells.values():
        statuses[cell.status] = statuses.get(cell.status, 0) + 1
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps({"pid": os.getpid(), "device": device, "seed": seed, "cells": len(run.cells),
                              "statuses": statuses, "duration_s": run.duration_s, "document": run.document}) + "\n")


def _answers(client) -> bool:
    """Whether the kernel runs a trivial cell after an interrupt (a cell stuck in C code ignores SIGINT)."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    probe = nbformat.v4.new_code_cell("pass")
    saved = client.timeout
    client.timeout = PROBE_TIMEOUT
    client.interrupt_on_timeout = False
    try:
        client.execute_cell(probe, 0, store_history=False)
        return True
    except (CellTimeoutError, DeadKernelError):
        return False
    finally:
        client.timeout = saved
        client.interrupt_on_timeout = True


def _error_text(outputs) -> str:
    for output in outputs:
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return ""


_RUNS: dict[tuple, DocumentRun] = {}


def run_cells(key: tuple, sources: list[str], *, device: str, seed: int = 0,
              timeout: float = DEFAULT_CELL_TIMEOUT) -> DocumentRun:
    """The document's one execution on `device` in this process (the first claim of it to run makes it)."""
    cache_key = (*key, device, seed)
    if cache_key not in _RUNS:
        _RUNS[cache_key] = execute(sources, device=device, seed=seed, timeout=timeout, document=str(key[0]))
    return _RUNS[cache_key]


def forget_runs() -> None:
    """Drop the cached executions (a test that changes the kernel's environment runs the document again)."""
    _RUNS.clear()
