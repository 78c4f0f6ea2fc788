"""Notebooks as their authors wrote them: extract a spec from a saved notebook, run its claims in one kernel.

The notebook (tests/notebook_material.py) is saved with its author's outputs: a displayed result,
stdout and stderr, an unseeded random cell, %%time and %timeit, a shell command, a device cell, a
deliberate shape error, a warning and a plot. One extraction (two kernel runs, two seeds) is shared
by the module; the claims are judged on its seed-0 run, as `torchclaims run` would in one worker.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests import notebook_material as nb
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.cli import main
from torchclaims.devices import Target, targets
from torchclaims.documents import cells, kernel, notebooks
from torchclaims.documents.extract import extract
from torchclaims.documents.snippets import snippet_warnings
from torchclaims.evaluate import evaluate
from torchclaims.init import scaffold
from torchclaims.judge import mismatch
from torchclaims.project import Project
from torchclaims.spec import SpecError

TOPIC = "course"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("course-project")
    scaffold(root)
    outside = nb.write_course_notebook(tmp_path_factory.mktemp("downloads") / "course.ipynb")
    extract(outside, Project(root), TOPIC)
    return Project(root)


@pytest.fixture(scope="module")
def claims(project) -> dict:
    catalogue = load_checked_catalogue(project.specs_dir, project.sources_dir)
    return {claim.id: claim for claim in catalogue.claims if claim.source == "course.ipynb"}


@pytest.fixture(scope="module")
def by_cell(claims) -> dict:
    return {notebooks.cell_number(claim): claim for claim in claims.values()}


@pytest.fixture(scope="module")
def run(project) -> kernel.DocumentRun:
    return notebooks.document_run(project.sources_dir / "course.ipynb", "cpu")


def test_extract_writes_one_claim_per_cell_with_saved_output(project, by_cell):
    # the import cell shows nothing: no claim; every other code cell has one
    assert sorted(by_cell) == list(range(2, 16))
    displayed = by_cell[nb.DISPLAYED]
    assert displayed.id == "course.making-tensors-1"  # nearest heading + the cell's place under it
    assert displayed.quote == "x = torch.tensor([[1, 2], [3, 4]])"  # the cell's own first line
    assert "int64 tensor of shape [2, 2]" in displayed.says
    assert (project.sources_dir / "course.ipynb").exists()  # copied in, and listed in sources.yaml
    assert "course.ipynb" in (project.specs_dir / "sources.yaml").read_text(encoding="utf-8")


def test_machine_dependent_outputs_are_environment_or_need_their_device(by_cell):
    environment = {n: c.snippet.get("environment") for n, c in by_cell.items() if c.snippet.get("environment")}
    assert environment == {nb.VERSION: "a version string", nb.TIMEIT: "a timing", nb.SHELL: "a shell command",
                           nb.AVAILABILITY: "an availability check"}
    assert by_cell[nb.ON_GPU].devices == "accelerator"  # its saved output says device='cuda:0'
    assert {c.devices for n, c in by_cell.items() if n != nb.ON_GPU} == {"cpu"}
    # %%time's own lines are not compared; the rest of its output is
    assert "environment" not in by_cell[nb.TIMED].snippet


def test_extract_marks_what_changes_with_the_seed_as_random(by_cell):
    assert by_cell[nb.RANDOM].snippet["random"] == [0]
    assert all(not c.snippet["random"] for n, c in by_cell.items() if n != nb.RANDOM)


def test_images_are_not_compared_and_the_claim_says_so(by_cell, run):
    plot = by_cell[nb.PLOT]
    assert "not compared" in plot.note
    assert plot.requires == ("matplotlib",)  # it uses plt: without matplotlib, not-run saying so (not a failure)
    assert all(not c.requires for n, c in by_cell.items() if n != nb.PLOT)
    assert {"image": "image/png"} in notebooks.expected(plot)
    assert any("image/png" in o.get("data", {}) for o in run.cells[nb.PLOT].outputs)


def test_every_claim_holds_or_is_not_run_with_its_reason(claims):
    verdicts = {}
    for claim in claims.values():
        for target in targets(claim.devices):
            outcome = evaluate(claim, target)
            verdicts[claim.id] = (outcome.verdict.value, outcome.message)
    failing = {i: v for i, v in verdicts.items() if v[0] not in ("holds", "not-run")}
    assert not failing, failing
    not_run = {i: m for i, (v, m) in verdicts.items() if v == "not-run"}
    assert all(m.startswith("records the environment") or m == "no CUDA device" for m in not_run.values()), not_run
    assert len(not_run) == 5 and sum(v == "holds" for v, _ in verdicts.values()) == 9


def test_outputs_are_captured_as_jupyter_does(run):
    kinds = {n: [(o["output_type"], o.get("name")) for o in cell.outputs] for n, cell in run.cells.items()}
    assert kinds[nb.DISPLAYED] == [("execute_result", None)]
    assert kinds[nb.STDERR] == [("stream", "stdout"), ("stream", "stderr")]
    assert cells.stderr_text(run.cells[nb.STDERR].outputs) == "a note on stderr\n"
    assert ("stream", "stdout") in kinds[nb.SHELL]  # IPython syntax: !shell, %%time, %timeit run
    assert run.cells[nb.TIMEIT].status == run.cells[nb.TIMED].status == "ok"
    assert run.kernel == sys.executable


def test_an_intended_error_is_recorded_and_the_kernel_goes_on(run, by_cell):
    assert run.cells[nb.ERROR].status == "error"
    assert run.cells[nb.AFTER_ERROR].status == "ok"
    assert notebooks.observe(by_cell[nb.ERROR], "cpu") == [{"error": {"ename": "RuntimeError", "message": [
        "mat1", "and", "mat2", "shapes", "cannot", "be", "multiplied", "(2x3", "and", "2x3)"]}}]


def test_an_error_message_is_compared_word_by_word_with_numbers_within_tolerance():
    def error(message):
        return cells.observation([{"output_type": "error", "ename": "ValueError", "evalue": message}])

    assert mismatch(error("loss is 0.25000001 here"), error("loss is 0.25 here")) is None
    assert mismatch(error("expected 3 dims, got 4"), error("expected 3 dims, got 2")) is not None
    assert mismatch(cells.observation([{"output_type": "error", "ename": "TypeError", "evalue": "x"}]), error("x"))


def test_a_cells_warnings_are_parsed_from_its_stderr(run, by_cell):
    assert run.cells[nb.WARNING].warnings == [
        {"category": "DeprecationWarning", "message": "this API is deprecated", "module": "__main__"}]
    assert notebooks.cell_warnings(by_cell[nb.WARNING], "cpu") == run.cells[nb.WARNING].warnings
    assert snippet_warnings(by_cell[nb.WARNING], "cpu") == run.cells[nb.WARNING].warnings  # for Outcome.warnings
    assert run.cells[nb.DISPLAYED].warnings == []
    assert kernel.warnings_in("/x/site-packages/torch/nn/modules/module.py:12: UserWarning: one\n  code\n"
                              "/x/site-packages/torch/nn/modules/module.py:12: UserWarning: one\n") == [
        {"category": "UserWarning", "message": "one", "module": "torch.nn.modules.module"}]


def test_a_cells_warnings_reach_its_outcome(by_cell):
    outcome = evaluate(by_cell[nb.WARNING], Target("cpu"))  # the notebook's run is shared: no second kernel
    assert outcome.warnings == [
        {"category": "DeprecationWarning", "message": "this API is deprecated", "module": "__main__"}]
    assert evaluate(by_cell[nb.DISPLAYED], Target("cpu")).warnings == []


def test_reextracting_keeps_what_the_user_wrote(project, claims):
    spec = project.specs_dir / f"{TOPIC}.yaml"
    original = spec.read_text(encoding="utf-8")
    try:
        edited = original.replace("says: Running this cell shows torch.Size([2, 2]), torch.int64.",
                                  "says: x has shape 2x2 and dtype int64.\n  known: {observed: [], why: measured}")
        assert edited != original
        spec.write_text(edited, encoding="utf-8")
        done = extract(project.sources_dir / "course.ipynb", project, TOPIC)  # the seeds' runs are cached
        again = {c["id"]: c for c in done.claims}
        assert again["course.making-tensors-2"]["says"] == "x has shape 2x2 and dtype int64."
        assert again["course.making-tensors-2"]["known"] == {"observed": [], "why": "measured"}
        assert set(again) == set(claims) and len(done.kept) == len(claims) and not done.removed
    finally:
        spec.write_text(original, encoding="utf-8")


def test_a_notebook_that_does_not_parse_is_refused_naming_the_file(project, tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    assert main(["extract", str(broken), "--project", str(project.root)]) == 2
    assert "broken.ipynb" in capsys.readouterr().err
    other = tmp_path / "other"
    scaffold(other)
    (other / "sources" / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    with (other / "specs" / "sources.yaml").open("a", encoding="utf-8") as out:
        out.write("- {file: broken.ipynb, title: b, author: a, site: s, date: '2026', language: en}\n")
    with pytest.raises(SpecError) as raised:
        load_checked_catalogue(other / "specs", other / "sources")
    assert any("broken.ipynb" in str(p) and "not a readable" in p.message for p in raised.value.problems)


def test_a_hanging_cell_times_out_alone_and_a_dead_kernel_is_reported():
    done = kernel.execute(["x = 1\nimport sys\nsys.executable", "import time\ntime.sleep(60)", "x + 1",
                           "import os\nos._exit(1)", "x"], timeout=2)
    statuses = {n: (c.status, c.reason) for n, c in done.cells.items()}
    assert statuses[1][0] == "ok" and statuses[3][0] == "ok"
    # the kernel is this python (a release's environment runs its own torch), not a kernelspec's `python`
    assert done.cells[1].outputs[0]["data"]["text/plain"] == repr(sys.executable)
    assert statuses[2][0] == "timeout" and "timeout" in statuses[2][1]
    assert done.cells[3].outputs[0]["data"]["text/plain"] == "2"  # the kernel went on after the interrupt
    assert statuses[4] == ("dead", "the kernel died while running cell 4")
    assert statuses[5] == ("not-run", "the kernel died at cell 4")


# runs in the kernel's own process before any cell: torch's tensor() now reverses its rows
BROKEN_TORCH = '''\
import torch

_tensor = torch.tensor
torch.tensor = lambda data, *args, **kwargs: _tensor(data, *args, **kwargs).flip(0)
'''


def test_break_it_torch_changed_in_the_kernel_fails_the_cells_claim(tmp_path, monkeypatch):
    # a notebook of its own, three cells long, with its claim written by hand: the course notebook's plot
    # and timings would only slow the kernel down (the course test shows this claim holds unbroken)
    import nbformat

    root = tmp_path / "project"
    scaffold(root)
    notebook = nb.course_notebook()
    notebook.cells = [c for c in notebook.cells if c.cell_type == "code"][:nb.DISPLAYED]
    nbformat.write(notebook, str(root / "sources" / "small.ipynb"))
    with (root / "specs" / "sources.yaml").open("a", encoding="utf-8") as out:
        out.write("- {file: small.ipynb, title: s, author: a, site: s, date: '2026', language: en}\n")
    (root / "specs" / "small.yaml").write_text(
        "claims:\n  - {id: small.displayed, source: small.ipynb, quote: 'x = torch.tensor([[1, 2], [3, 4]])',\n"
        "     says: x shows its rows in order., devices: cpu, snippet: {block: 3}}\n", encoding="utf-8")
    claim = {c.id: c for c in load_checked_catalogue(root / "specs", root / "sources").claims}["small.displayed"]

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "sitecustomize.py").write_text(BROKEN_TORCH, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(broken), os.environ.get("PYTHONPATH")])))
    saved = dict(kernel._RUNS)
    kernel.forget_runs()  # the same notebook again, in a kernel whose torch is broken
    try:
        outcome = evaluate(claim, Target("cpu"))
    finally:
        kernel.forget_runs()
        kernel._RUNS.update(saved)
    assert outcome.verdict.value == "fails", outcome.message
    assert "[[3, 4], [1, 2]]" in json.dumps(outcome.observed)


SESSION = """\
Tensors at the prompt
=====================

Shapes
------

>>> import torch
>>> x = torch.arange(6)
>>> x.view(2, 3)
tensor([[0, 1, 2],
        [3, 4, 5]])
>>> print("sum:", x.sum().item())
sum: 15

Errors
------

::

    >>> x.view(4, 2)
    Traceback (most recent call last):
      ...
    RuntimeError: shape '[4, 2]' is invalid for input of size 6
"""


def test_a_rest_documents_session_runs_with_the_repls_display(tmp_path):
    root = tmp_path / "project"
    scaffold(root)
    document = tmp_path / "prompt.rst"
    document.write_text(SESSION, encoding="utf-8")
    done = extract(document, Project(root), "prompt", seeds=(0,))
    assert [(c["id"], c["quote"], c["snippet"]["session"]) for c in done.claims] == [
        ("prompt.shapes-1", ">>> x.view(2, 3)", "x.view(2, 3)"),
        ("prompt.shapes-2", '>>> print("sum:", x.sum().item())', 'print("sum:", x.sum().item())'),
        ("prompt.errors-1", ">>> x.view(4, 2)", "x.view(4, 2)")]
    catalogue = load_checked_catalogue(root / "specs", root / "sources")
    verdicts = {c.id: evaluate(c, Target("cpu")) for c in catalogue.claims if c.topic == "prompt"}
    assert {i: o.verdict.value for i, o in verdicts.items()} == dict.fromkeys(verdicts, "holds"), verdicts
    assert verdicts["prompt.errors-1"].observed == [{"error": {"ename": "RuntimeError", "message": [
        "shape", "'[4,", "2]'", "is", "invalid", "for", "input", "of", "size", 6]}}]


def _shown(text):
    return [{"output_type": "execute_result", "data": {"text/plain": text}}]


@pytest.mark.parametrize("code, saved, why", [
    ("!nvidia-smi", _shown("Tue Dec  8 ... | NVIDIA-SMI 535.104.05"), "a shell command"),
    ("%%bash\nls", _shown("data"), "a shell command"),
    ("%pip install torchinfo", [{"output_type": "stream", "name": "stdout", "text": "Successfully installed\n"}],
     "a shell command"),
    ("from google.colab import drive\ndrive.mount('/content/drive')",
     [{"output_type": "stream", "name": "stdout", "text": "Mounted at /content/drive\n"}], "a hosted notebook's own set-up"),
    ("%timeit torch.randn(100)", [{"output_type": "stream", "name": "stdout", "text": "5 µs ± 1 µs per loop (x)\n"}],
     "a timing"),
    ("print(torch.__version__)", [{"output_type": "stream", "name": "stdout", "text": "1.13.1+cu117\n"}],
     "a version string"),
    ("torch.cuda.get_device_name(0)", _shown("'Tesla T4'"), "an availability check"),
    ("torch.backends.mps.is_available()", _shown("False"), "an availability check"),
    ("from datetime import datetime\ndatetime.now()", _shown("datetime.datetime(2023, 1, 1)"), "a clock"),
    ("v", _shown("'2.0.1'"), "a version string"),
    ("x.float().mean().item()", _shown("2.5"), None),
    ("%%time\ny = x * 2\ny", _shown("tensor([2, 4])"), None),
    ("os.environ['CUDA_VISIBLE_DEVICES'] = '0'\ntorch.ones(1)", _shown("tensor([1.])"), None),
])
def test_machine_dependent_cells_are_recognised_in_real_notebooks_idioms(code, saved, why):
    from torchclaims.documents.extract import environment_of

    assert environment_of(code, saved) == why


@pytest.mark.parametrize("text, device", [
    ("tensor([1., 2.], device='cuda:0')", "accelerator"), ("'cuda'", "accelerator"),
    ("Using device: mps", "accelerator"), ("tensor([1., 2.])", "cpu"), ("device(type='cpu')", "cpu"),
])
def test_a_saved_output_naming_an_accelerator_needs_one(text, device):
    from torchclaims.documents.extract import needed_device

    assert needed_device(_shown(text)) == device


def test_ids_come_from_headings_and_stay_valid_for_any_heading():
    from torchclaims.documents.extract import _claim_ids

    assert _claim_ids("t", ["", "テンソルの作り方", "2. Building a Model!", "2. Building a Model!"], [1, 2, 3, 4]) == {
        1: "t.cell-1", 2: "t.cell-2", 3: "t.2-building-a-model-1", 4: "t.2-building-a-model-2"}


def test_under_xdist_a_notebooks_claims_on_one_device_are_one_unit_of_work():
    from torchclaims.plugin import scheduling_scope

    groups = {"course.a-1": "course.ipynb", "course.b-1": "course.ipynb"}
    scopes = {nodeid: scheduling_scope(nodeid, groups) for nodeid in [
        "specs/course.yaml::course.a-1[cpu]", "specs/course.yaml::course.b-1[cpu]",
        "specs/course.yaml::course.a-1[cuda]", "specs/basics.yaml::basics.x[cpu]", "specs/basics.yaml::basics.y[cpu]"]}
    assert len(set(scopes.values())) == 4  # the two cpu claims of the notebook share one; the rest are alone
    assert scopes["specs/course.yaml::course.a-1[cpu]"] == scopes["specs/course.yaml::course.b-1[cpu]"]


def test_a_quote_skips_the_cells_leading_imports():
    from torchclaims.documents.extract import first_lines

    assert first_lines("import sys\nfrom torch import nn\nprint(sys.version)") == "print(sys.version)"
    assert first_lines("import torch") == "import torch"   # nothing else to quote
    assert first_lines("important = 3\nimportant") == "important = 3"   # a name, not an import
