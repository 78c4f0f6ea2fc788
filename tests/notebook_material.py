"""A small course notebook in its real format (nbformat 4), saved with outputs as its author's session showed them.

The outputs are written here as the author's machine printed them, not made by running the cells:
a GPU machine on torch 1.13.1, an unseeded random cell, a %%time cell, a shell command, a deliberate
shape error, a plot. Cell numbers (1-based among code cells) are named for the tests.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def result(text: str, count: int):
    return new_output("execute_result", data={"text/plain": text}, execution_count=count)


def stdout(text: str):
    return new_output("stream", name="stdout", text=text)


def stderr(text: str):
    return new_output("stream", name="stderr", text=text)


# (markdown above, code, saved outputs); None: a markdown cell only
CELLS = [
    ("# Tensors, a first course", None, None),
    ("## Imports", "import torch\nimport numpy as np", []),
    ("## Versions", "torch.__version__", [result("'1.13.1+cu117'", 2)]),
    ("## Making tensors", "x = torch.tensor([[1, 2], [3, 4]])\nx", [result("tensor([[1, 2],\n        [3, 4]])", 3)]),
    (None, "print(x.shape)\nprint(x.dtype)", [stdout("torch.Size([2, 2])\ntorch.int64\n")]),
    (None, "import sys\nprint('mean of x:', x.float().mean().item())\nprint('a note on stderr', file=sys.stderr)",
     [stdout("mean of x: 2.5\n"), stderr("a note on stderr\n")]),
    ("## Random numbers", "random_tensor = torch.rand(2, 3)\nrandom_tensor",
     [result("tensor([[0.6580, 0.2151, 0.1907],\n        [0.8316, 0.3472, 0.7312]])", 6)]),
    ("## Timing", "%%time\ny = x * 2\ny",
     [stdout("CPU times: user 115 µs, sys: 38 µs, total: 153 µs\nWall time: 160 µs\n"),
      result("tensor([[2, 4],\n        [6, 8]])", 7)]),
    (None, "%timeit -n 10 -r 2 x.sum()", [stdout("2.91 µs ± 42.1 ns per loop (mean ± std. dev. of 2 runs, 10 loops each)\n")]),
    ("## The machine", "!echo the GPU is a Tesla T4", [stdout("the GPU is a Tesla T4\n")]),
    (None, "device = 'cuda' if torch.cuda.is_available() else 'cpu'\ndevice", [result("'cuda'", 10)]),
    (None, "on_gpu = torch.ones(2, device='cuda')\non_gpu", [result("tensor([1., 1.], device='cuda:0')", 11)]),
    ("## Shape errors", "torch.ones(2, 3) @ torch.ones(2, 3)",
     [new_output("error", ename="RuntimeError", evalue="mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
                 traceback=["RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"])]),
    (None, "torch.ones(2, 3) @ torch.ones(3, 2)", [result("tensor([[3., 3.],\n        [3., 3.]])", 13)]),
    ("## A warning", "import warnings\nwarnings.warn('this API is deprecated', DeprecationWarning)\nprint('warned')",
     [stdout("warned\n"),
      stderr("/tmp/ipykernel_4242/1234.py:2: DeprecationWarning: this API is deprecated\n"
             "  warnings.warn('this API is deprecated', DeprecationWarning)\n")]),
    ("## A plot", "import matplotlib.pyplot as plt\nplt.plot([1, 4, 9])\nplt.show()",
     [new_output("display_data", data={"text/plain": "<Figure size 640x480 with 1 Axes>", "image/png": PNG})]),
]

# the cells the tests name
DISPLAYED, PRINTED, STDERR, RANDOM, TIMED, TIMEIT, SHELL, AVAILABILITY, ON_GPU, ERROR, AFTER_ERROR, WARNING, PLOT = (
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
VERSION = 2


def course_notebook() -> nbformat.NotebookNode:
    cells = []
    for markdown, code, outputs in CELLS:
        if markdown:
            cells.append(new_markdown_cell(markdown))
        if code is not None:
            cells.append(new_code_cell(code, outputs=outputs))
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                  "language": "python"}})
    nbformat.validate(notebook)
    return notebook


def write_course_notebook(path: Path) -> Path:
    nbformat.write(course_notebook(), str(path))
    return path
