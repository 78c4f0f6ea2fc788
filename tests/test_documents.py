"""Documents read as their readers see them, and printed output parsed for the judge."""

from __future__ import annotations

import nbformat

from torchclaims.documents.reading import find_block, read
from torchclaims.judge import mismatch
from torchclaims.documents.printed import parse
from torchclaims.documents.quotes import closest_passage, squeeze

MARKDOWN = """\
# Title

Some *emphasised* text and `code`.

```python
import torch
print(torch.ones(2))
```

```output
tensor([1., 1.])
```

```python
x = 1
```
"""


def test_markdown_text_has_no_markup_and_blocks_pair_with_their_output(tmp_path):
    (tmp_path / "d.md").write_text(MARKDOWN)
    reading = read(tmp_path / "d.md")
    assert "Some emphasised text and code." in reading.text and "*" not in reading.text
    assert [b.number for b in reading.blocks] == [1, 2]
    assert reading.blocks[0].output == "tensor([1., 1.])\n" and reading.blocks[1].output is None
    assert find_block(reading, "import torch").number == 1 and find_block(reading, 2).code == "x = 1\n"


def test_rst_literal_blocks_and_text(tmp_path):
    (tmp_path / "d.rst").write_text("Title\n=====\n\nSome **bold** words.\n\n.. code-block:: python\n\n"
                                    "   print(1)\n\n.. code-block:: text\n\n   1\n")
    reading = read(tmp_path / "d.rst")
    assert "Some bold words." in reading.text
    assert reading.blocks[0].code == "print(1)\n" and reading.blocks[0].output == "1\n"


def test_notebook_cells_and_saved_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Make a **tensor**."),
        nbformat.v4.new_code_cell("print(2)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")]),
    ])
    nbformat.write(notebook, tmp_path / "n.ipynb")
    reading = read(tmp_path / "n.ipynb")
    assert "Make a **tensor**." in reading.text and "2\n" in reading.text
    assert reading.blocks[0].code == "print(2)\n" and reading.blocks[0].output == "2\n"


def test_gallery_script_comments_lose_their_markers(tmp_path):
    (tmp_path / "g.py").write_text('# -*- coding: utf-8 -*-\n"""\nTensors\n=======\n"""\nimport torch\n\n'
                                   "######################################################################\n"
                                   "# Tensors are like **ndarrays**.\n#\n\nx = torch.ones(2)\n"
                                   "###############################################################\n"
                                   "# Addition: in-place\n\n# adds x to y\nx.add_(x)\n")
    reading = read(tmp_path / "g.py")
    assert "Tensors are like **ndarrays**." in reading.text and "# Tensors" not in reading.text
    assert "Tensors\n=======" in reading.text and "coding" not in reading.text
    # a comment inside code stays code, as sphinx-gallery renders it
    assert [b.code.strip() for b in reading.blocks] == ["import torch", "x = torch.ones(2)", "# adds x to y\nx.add_(x)"]


def test_printed_tensors_sizes_and_dtypes_parse_structurally():
    items = parse("tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)\ntorch.Size([5, 3]) torch.int32\nloss 0.5")
    assert items == [{"tensor": {"shape": [2, 2], "dtype": "torch.float64", "values": [[1.0, 2.0], [3.0, 4.0]]}},
                     {"size": [5, 3]}, {"dtype": "torch.int32"}, {"text": ["loss", 0.5]}]


def test_values_marked_random_compare_by_shape_and_dtype_only():
    document, run = "tensor([0.1, 0.2])", "tensor([0.7, 0.9])"
    assert mismatch(parse(run), parse(document)) is not None
    assert mismatch(parse(run, [0]), parse(document, [0])) is None
    assert mismatch(parse("tensor([0.7, 0.9, 1.0])", True), parse(document, True)) is not None


def test_closest_passage_is_the_nearest_lines_in_full(tmp_path):
    (tmp_path / "d.txt").write_text("alpha beta\nThe default dtype is float32 for every tensor made here.\ngamma\n")
    passage = closest_passage("The default dtype is float64 for every tensor made here.", tmp_path / "d.txt")
    assert squeeze(passage) == squeeze("The default dtype is float32 for every tensor made here.")
