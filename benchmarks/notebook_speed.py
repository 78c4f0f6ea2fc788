"""What do a notebook's extracted claims cost against the notebook's own run? (issue 17, target <= 1.5)

    python benchmarks/notebook_speed.py [--repeats 3] [-n 2]

Writes a course-like notebook (71 code cells: tensors, shapes and dtypes printed, indexing, reshapes,
unseeded random cells, a shape error on purpose, %%time, %timeit, !shell, torch.__version__, a device
cell, a tiny model trained for 200 steps, a matplotlib plot), saves it with the outputs of one run,
extracts its claims into a scratch project (not timed), then times, interleaved:

- the floor: `python -c "import torch"` plus the notebook's own run in a kernel (nbclient, in a fresh
  process, as `jupyter nbconvert --execute` would);
- `torchclaims run` on the extracted claims (the whole pytest session, results file written).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent

SECTIONS = [
    ("# PyTorch fundamentals", [
        "import torch\nimport numpy as np\nimport matplotlib.pyplot as plt",
        "torch.__version__",
        "!echo running on $(uname -s)",
    ]),
    ("## Creating tensors", [
        "scalar = torch.tensor(7)\nscalar", "scalar.ndim", "scalar.item()",
        "vector = torch.tensor([7, 7])\nvector", "vector.ndim", "vector.shape",
        "MATRIX = torch.tensor([[7, 8],\n                       [9, 10]])\nMATRIX", "MATRIX.ndim", "MATRIX[1]", "MATRIX.shape",
        "TENSOR = torch.tensor([[[1, 2, 3],\n                        [3, 6, 9],\n                        [2, 4, 5]]])\nTENSOR",
        "TENSOR.ndim", "TENSOR.shape",
    ]),
    ("## Random tensors", [
        "random_tensor = torch.rand(size=(3, 4))\nrandom_tensor, random_tensor.dtype",
        "random_image_size_tensor = torch.rand(size=(224, 224, 3))\nrandom_image_size_tensor.shape, random_image_size_tensor.ndim",
    ]),
    ("## Zeros, ones and ranges", [
        "zeros = torch.zeros(size=(3, 4))\nzeros, zeros.dtype", "ones = torch.ones(size=(3, 4))\nones, ones.dtype",
        "zero_to_ten = torch.arange(start=0, end=10, step=1)\nzero_to_ten",
        "ten_zeros = torch.zeros_like(input=zero_to_ten)\nten_zeros",
    ]),
    ("## Datatypes", [
        "float_32_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=None, device=None, requires_grad=False)\n"
        "float_32_tensor.shape, float_32_tensor.dtype, float_32_tensor.device",
        "float_16_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=torch.float16)\nfloat_16_tensor.dtype",
        "some_tensor = torch.rand(3, 4)\nprint(some_tensor)\nprint(f\"Shape of tensor: {some_tensor.shape}\")\n"
        "print(f\"Datatype of tensor: {some_tensor.dtype}\")\nprint(f\"Device tensor is stored on: {some_tensor.device}\")",
    ]),
    ("## Operations", [
        "tensor = torch.tensor([1, 2, 3])\ntensor + 10", "tensor * 10", "tensor", "tensor - 10",
        "torch.multiply(tensor, 10)", "print(tensor, \"*\", tensor)\nprint(\"Equals:\", tensor * tensor)",
        "torch.matmul(tensor, tensor)", "tensor @ tensor",
        "%%time\nvalue = 0\nfor i in range(len(tensor)):\n    value += tensor[i] * tensor[i]\nvalue",
        "%timeit -n 100 -r 3 torch.matmul(tensor, tensor)",
    ]),
    ("## Shape errors", [
        "tensor_A = torch.tensor([[1, 2],\n                         [3, 4],\n                         [5, 6]], dtype=torch.float32)\n"
        "tensor_B = torch.tensor([[7, 10],\n                         [8, 11],\n                         [9, 12]], dtype=torch.float32)\n"
        "torch.matmul(tensor_A, tensor_B)",
        "print(tensor_A)\nprint(tensor_B.T)", "torch.matmul(tensor_A, tensor_B.T)",
        "torch.manual_seed(42)\nlinear = torch.nn.Linear(in_features=2, out_features=6)\nx = tensor_A\noutput = linear(x)\n"
        "print(f\"Input shape: {x.shape}\\n\")\nprint(f\"Output:\\n{output}\\n\\nOutput shape: {output.shape}\")",
    ]),
    ("## Aggregation", [
        "x = torch.arange(0, 100, 10)\nx",
        "print(f\"Minimum: {x.min()}\")\nprint(f\"Maximum: {x.max()}\")\nprint(f\"Mean: {x.type(torch.float32).mean()}\")\n"
        "print(f\"Sum: {x.sum()}\")",
        "torch.max(x), torch.min(x), torch.mean(x.type(torch.float32)), torch.sum(x)",
        "print(f\"Index where max value occurs: {x.argmax()}\")\nprint(f\"Index where min value occurs: {x.argmin()}\")",
        "tensor_float16 = x.type(torch.float16)\ntensor_float16",
    ]),
    ("## Reshaping and stacking", [
        "x = torch.arange(1., 8.)\nx, x.shape", "x_reshaped = x.reshape(1, 7)\nx_reshaped, x_reshaped.shape",
        "z = x.view(1, 7)\nz, z.shape", "z[:, 0] = 5\nz, x", "x_stacked = torch.stack([x, x, x, x], dim=0)\nx_stacked",
        "x_squeezed = x_reshaped.squeeze()\nprint(f\"New tensor: {x_squeezed}\")\nprint(f\"New shape: {x_squeezed.shape}\")",
        "x_original = torch.rand(size=(224, 224, 3))\nx_permuted = x_original.permute(2, 0, 1)\n"
        "print(f\"Previous shape: {x_original.shape}\")\nprint(f\"New shape: {x_permuted.shape}\")",
    ]),
    ("## Indexing", [
        "x = torch.arange(1, 10).reshape(1, 3, 3)\nx, x.shape", "x[0]", "x[0][0]", "x[0][0][0]", "x[:, :, 1]", "x[0, 0, :]",
    ]),
    ("## NumPy", [
        "array = np.arange(1.0, 8.0)\ntensor = torch.from_numpy(array)\narray, tensor",
        "tensor = torch.ones(7)\nnumpy_tensor = tensor.numpy()\ntensor, numpy_tensor",
    ]),
    ("## Reproducibility", [
        "RANDOM_SEED = 42\ntorch.manual_seed(seed=RANDOM_SEED)\nrandom_tensor_C = torch.rand(3, 4)\n"
        "torch.random.manual_seed(seed=RANDOM_SEED)\nrandom_tensor_D = torch.rand(3, 4)\n"
        "print(random_tensor_C == random_tensor_D)",
    ]),
    ("## Devices", [
        "torch.cuda.is_available()",
        "device = \"cuda\" if torch.cuda.is_available() else \"cpu\"\ndevice",
        "tensor = torch.tensor([1, 2, 3])\nprint(tensor, tensor.device)",
    ]),
    ("## A tiny model", [
        "weight, bias = 0.7, 0.3\nX = torch.arange(0, 1, 0.02).unsqueeze(dim=1)\ny = weight * X + bias\nX[:5], y[:5]",
        "split = int(0.8 * len(X))\nX_train, y_train, X_test, y_test = X[:split], y[:split], X[split:], y[split:]\n"
        "len(X_train), len(y_train), len(X_test), len(y_test)",
        "class LinearRegressionModel(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.linear_layer = torch.nn.Linear(in_features=1, out_features=1)\n\n"
        "    def forward(self, x):\n        return self.linear_layer(x)\n\n"
        "torch.manual_seed(42)\nmodel = LinearRegressionModel()\nmodel, model.state_dict()",
        "loss_fn = torch.nn.L1Loss()\noptimizer = torch.optim.SGD(params=model.parameters(), lr=0.01)",
        "torch.manual_seed(42)\nfor epoch in range(200):\n    model.train()\n    loss = loss_fn(model(X_train), y_train)\n"
        "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    if epoch % 20 == 0:\n"
        "        model.eval()\n        with torch.inference_mode():\n            test_loss = loss_fn(model(X_test), y_test)\n"
        "        print(f\"Epoch: {epoch} | Loss: {loss:.5f} | Test loss: {test_loss:.5f}\")",
        "model.state_dict()",
        "with torch.inference_mode():\n    y_preds = model(X_test)\ny_preds[:3]",
        "plt.figure(figsize=(6, 4))\nplt.scatter(X_test, y_test, c=\"g\", s=4, label=\"Testing data\")\n"
        "plt.scatter(X_test, y_preds, c=\"r\", s=4, label=\"Predictions\")\nplt.legend();",
    ]),
]


def course_notebook() -> nbformat.NotebookNode:
    cells = []
    for heading, codes in SECTIONS:
        cells.append(nbformat.v4.new_markdown_cell(heading))
        cells.extend(nbformat.v4.new_code_cell(code) for code in codes)
    return nbformat.v4.new_notebook(cells=cells)


def save_with_outputs(path: Path) -> int:
    """The notebook with the outputs of one run (seed 7, so the random cells differ from a claim run's)."""
    from torchclaims.documents.kernel import execute

    notebook = course_notebook()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    run = execute([cell.source for cell in code], seed=7)
    for number, cell in enumerate(code, start=1):
        cell.outputs = [nbformat.from_dict(o) for o in run.cells[number].outputs]
    nbformat.write(notebook, str(path))
    return len(code)


OWN_RUN = """\
import sys, nbformat
from nbclient import NotebookClient
from torchclaims.documents.kernel import _kernel_manager_class  # this python's kernel, as the claims use
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, allow_errors=True, kernel_manager_class=_kernel_manager_class()).execute()
"""


def wall_time(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("-n", dest="workers", default=None, help="run the claims with -n WORKERS (pytest-xdist)")
    args = parser.parse_args()
    from torchclaims.documents.extract import extract
    from torchclaims.init import scaffold
    from torchclaims.project import Project

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "course"
        scaffold(root)
        notebook = Path(folder) / "fundamentals.ipynb"
        cells = save_with_outputs(notebook)
        start = time.perf_counter()
        done = extract(notebook, Project(root), "fundamentals")
        print(f"notebook: {cells} code cells; extract: {len(done.claims)} claims in {time.perf_counter() - start:.1f} s")
        bin_python = sys.executable
        floor_import = [bin_python, "-c", "import torch"]
        own_run = [bin_python, "-c", OWN_RUN, str(root / "sources" / notebook.name)]
        claims = [bin_python, "-m", "torchclaims", "run", "-q", "-p", "no:cacheprovider", "--no-report",
                  "--results", str(Path(folder) / "results.json"), "-k", "fundamentals",
                  *(["-n", args.workers] if args.workers else [])]
        floors, runs = [], []
        for _ in range(args.repeats):  # interleaved, so drift in the machine's load hits both alike
            floors.append(wall_time(floor_import, root) + wall_time(own_run, root))
            runs.append(wall_time(claims, root))
        import json

        results = json.loads((Path(folder) / "results.json").read_text(encoding="utf-8"))
        verdicts: dict[str, int] = {}
        for record in results["results"]:
            verdicts[record["verdict"]] = verdicts.get(record["verdict"], 0) + 1
    floor, run = statistics.median(floors), statistics.median(runs)
    print(f"verdicts: {verdicts}")
    print(f"import torch + the notebook in a kernel : median {floor:6.2f} s  (all: {', '.join(f'{t:.2f}' for t in floors)})")
    print(f"torchclaims run (its claims)           : median {run:6.2f} s  (all: {', '.join(f'{t:.2f}' for t in runs)})")
    ratios = [r / f for f, r in zip(floors, runs)]
    print(f"ratio of the medians : {run / floor:.2f} (target: <= 1.5); median ratio of the pairs: "
          f"{statistics.median(ratios):.2f} (all: {', '.join(f'{q:.2f}' for q in ratios)})")


if __name__ == "__main__":
    main()
