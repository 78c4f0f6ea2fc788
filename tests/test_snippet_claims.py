"""Snippet claims can fail: the document's own code is run and its printed output judged against
what the document shows. A break-it test for them changes torch in the process the code runs in."""

from __future__ import annotations

import os
import textwrap

import pytest

from torchclaims.catalogue import load_checked_catalogue
from torchclaims.devices import Target
from torchclaims.evaluate import evaluate

from tests.test_own_project import DOCUMENT as SHAPES_DOCUMENT  # its first block prints a 2x3 view

DOCUMENT = SHAPES_DOCUMENT + '''
An author who misremembered the output:

```python
y = torch.arange(6)
print(y.view(3, 2))
```

```output
tensor([[0, 1, 2],
        [3, 4, 5]])
```

```python
z = torch.arange(6)
z.view(4, 2)
```

```output
tensor([[0, 1], [2, 3], [4, 5], [6, 7]])
```
'''

SOURCES = "documents:\n  - {file: shapes.md, title: Shapes, author: someone, site: here, date: '2026-12', language: en}\n"

SPEC = '''\
claims:
  - id: shapes.view-prints
    source: shapes.md
    quote: print(x.view(2, 3))
    says: The first example prints a 2x3 tensor of 0..5.
    snippet: {block: "import torch"}
    devices: cpu
  - id: shapes.view-3-2-prints
    source: shapes.md
    quote: print(y.view(3, 2))
    says: The second example prints what the document shows after it.
    snippet: {block: "y = torch.arange(6)", after: ["import torch"]}
    devices: cpu
  - id: shapes.view-4-2-works
    source: shapes.md
    quote: z.view(4, 2)
    says: The third example gives a 4x2 view of six elements.
    snippet: {block: "z = torch.arange(6)", after: ["import torch"]}
    devices: cpu
'''

# runs in the snippet's own process before its code: torch's view now reverses the elements
BROKEN_TORCH = '''\
import torch

_view = torch.Tensor.view
torch.Tensor.view = lambda self, *shape: _view(self.flip(0), *shape)
'''


@pytest.fixture
def claims(tmp_path) -> dict:
    (tmp_path / "specs").mkdir()
    (tmp_path / "suites").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "shapes.md").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "specs" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "specs" / "shapes.yaml").write_text(textwrap.dedent(SPEC), encoding="utf-8")
    catalogue = load_checked_catalogue(tmp_path / "specs", tmp_path / "sources")
    return {claim.id: claim for claim in catalogue.claims}


def verdict(claim) -> tuple[str, str]:
    outcome = evaluate(claim, Target("cpu"))
    return outcome.verdict.value, outcome.message


def test_the_documents_code_printing_what_the_document_shows_holds(claims):
    assert verdict(claims["shapes.view-prints"])[0] == "holds"


def test_output_the_code_does_not_print_fails(claims):
    found, message = verdict(claims["shapes.view-3-2-prints"])
    assert found == "fails", message


def test_a_block_that_raises_is_an_error_naming_the_block(claims):
    found, message = verdict(claims["shapes.view-4-2-works"])
    assert found == "error" and "block 3" in message and "invalid for input of size 6" in message, message


def test_break_it_a_torch_that_prints_otherwise_fails_the_claim(claims, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "sitecustomize.py").write_text(BROKEN_TORCH, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(broken), os.environ.get("PYTHONPATH")])))
    found, message = verdict(claims["shapes.view-prints"])
    assert found == "fails", message


# torch's view warns as a deprecation would, from torch's side (a module of its own)
WARNING_TORCH = '''\
import torch, warnings

_view = torch.Tensor.view


def view(self, *shape):
    warnings.warn("view will copy in a later release", FutureWarning)
    return _view(self, *shape)


torch.Tensor.view = view
'''


def test_break_it_a_warning_in_the_snippets_process_is_recorded(claims, tmp_path, monkeypatch):
    warning = tmp_path / "warning"
    warning.mkdir()
    (warning / "sitecustomize.py").write_text(WARNING_TORCH, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(warning), os.environ.get("PYTHONPATH")])))
    outcome = evaluate(claims["shapes.view-prints"], Target("cpu"))
    assert outcome.verdict.value == "holds", outcome.message
    assert outcome.warnings == [{"category": "FutureWarning", "message": "view will copy in a later release",
                                 "module": "sitecustomize"}]
