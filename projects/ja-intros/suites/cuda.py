"""Checkers for devices: the is_available guard, placing tensors on a device, computing there,
moving back with a dtype change, speed, and CPU-vs-accelerator parity of the documents' models.

Observations are relative to the `device` asked for (e.g. "on the requested device"), so a
checker says the same thing on the CPU as on an accelerator wherever the material's claim does,
and its logic can be broken and tested on a machine without one.
"""

import re
import time
from contextlib import contextmanager, nullcontext

import torch

from torchclaims.checkers import NotRun, checker
from ._models import MODELS


def _on(tensor: torch.Tensor, device: str) -> bool:
    """Whether `tensor` lives on `device` ('cuda' means the current CUDA device)."""
    wanted = torch.device(device)
    if tensor.device.type != wanted.type:
        return False
    return wanted.index is None or tensor.device.index == wanted.index


def _synchronize(device: str) -> None:
    if torch.device(device).type == "cpu":
        return
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and hasattr(accelerator, "synchronize"):
        accelerator.synchronize()
    else:
        torch.cuda.synchronize()


def _equal(placed: torch.Tensor, expected: torch.Tensor) -> bool:
    """Whether `placed` holds `expected`'s values; False when it holds no readable data (e.g. on 'meta')."""
    try:
        return bool(torch.equal(placed.cpu(), expected))
    except (RuntimeError, NotImplementedError):
        return False


def _repr_device(tensor: torch.Tensor):
    found = re.search(r"device='([^']+)'", repr(tensor))
    return found.group(1) if found else None


@checker
def is_available_guard(device):
    """torch.cuda.is_available() against trying CUDA: does its answer say whether a tensor can be made there?"""
    available = torch.cuda.is_available()
    try:
        torch.ones(1, device="cuda")
        usable = True
    except (AssertionError, RuntimeError):  # a CPU-only build asserts; a CUDA build without a device raises
        usable = False
    return {"answers_whether_cuda_is_usable": bool(available) == usable}


@checker
def placement(device, how):
    """Put x = torch.tensor([1., 2., 3.]) (or a tensor like it) on `device` one of the documents' ways."""
    x = torch.tensor([1.0, 2.0, 3.0])
    if how == "ones_like_device":
        placed = torch.ones_like(x, device=device)
        expected = torch.ones(3)
    elif how == "to_device_object":
        placed = x.to(torch.device(device))
        expected = x
    elif how == "to_string":
        placed = x.to(device)
        expected = x
    elif how == "cuda_method":
        if torch.device(device).type != "cuda":
            raise NotRun(".cuda() moves to a CUDA device only")
        placed = x.cuda()
        expected = x
    else:
        raise ValueError(f"unknown way {how!r}")
    return {"on_requested_device": _on(placed, device),
            "values_kept": _equal(placed, expected),
            "dtype": placed.dtype}


@checker
def to_device_block(device, show):
    """000's block: y = ones_like(x, device=device); x = x.to(device); z = x + y; then
    z.to("cpu", torch.double). With show='z': where z is, the device its printout names, its
    values; with show='z_to_cpu_double': the moved tensor's device, dtype, printout, values."""
    x = torch.randn(1)
    expected = x + 1
    y = torch.ones_like(x, device=device)
    x = x.to(device)
    z = x + y
    if show == "z":
        return {"device": z.device, "repr_device": _repr_device(z), "values_correct": _equal(z, expected)}
    if show == "z_to_cpu_double":
        moved = z.to("cpu", torch.double)
        text = repr(moved)
        return {"device": moved.device, "dtype": moved.dtype,
                "repr_shows_dtype": "dtype=torch.float64" in text, "repr_shows_device": "device=" in text,
                "values_kept": _equal(moved, expected.double())}
    raise ValueError(f"unknown show {show!r}")


@checker
def storage_placement(device):
    """A 2-D tensor moved with .to(device): its shape, and where its storage (the memory holding its data) lives."""
    x = torch.randn(4, 3)
    moved = x.to(device)
    storage = moved.untyped_storage().device
    wanted = torch.device(device)
    return {"shape_kept": moved.shape == x.shape,
            "storage_on_requested_device": storage.type == wanted.type
                                           and (wanted.index is None or storage.index == wanted.index)}


# What the documents compute on a device, by name.
def _blocks(device):
    def double():
        return torch.tensor([1.0, 2.0, 3.0]).to(device) * 2

    def matmul_example():
        return torch.matmul(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).to(device),
                            torch.tensor([[5.0, 6.0], [7.0, 8.0]]).to(device))

    return {"double": double, "matmul_example": matmul_example}


@checker
def computed(device, block):
    """Compute one of the documents' small blocks with inputs moved to `device`: the values, and where they are."""
    result = _blocks(device)[block]()
    return {"values": result, "on_requested_device": _on(result, device)}


def _operation(op, n):
    """The timed operation and its inputs (on the CPU): an n x n matmul, or doubling n elements."""
    if op == "matmul":
        return (lambda a, b: torch.matmul(a, b)), (torch.randn(n, n), torch.randn(n, n))
    if op == "double":
        return (lambda a: a * 2), (torch.randn(n),)
    raise ValueError(f"unknown op {op!r}")


@checker
def speedup(device, op, n, factor, reps=3):
    """Time `op` (float32, size n) on `device` and then on the CPU: whether `device` is `factor` times faster."""
    run, inputs = _operation(op, n)

    def seconds(where):
        moved = [t.to(where) for t in inputs]
        run(*moved)  # warm-up: kernels, caches, lazy initialisation
        _synchronize(where)
        start = time.perf_counter()
        for _ in range(reps):
            run(*moved)
        _synchronize(where)
        return (time.perf_counter() - start) / reps

    on_device = seconds(device)
    on_cpu = seconds("cpu")
    return {"faster_by_factor": on_cpu >= factor * on_device}


@contextmanager
def _conv_precision(tf32: bool):
    """cuDNN convolutions in TF32 (torch's default) or in IEEE float32; the flag is restored afterwards.

    torch refuses to mix its legacy flag (cudnn.allow_tf32) with the new per-operator ones
    (cudnn.conv.fp32_precision): whichever API the process already uses is the one used here.
    """
    cudnn = torch.backends.cudnn
    try:
        saved = cudnn.allow_tf32
    except RuntimeError:  # the new API is in use
        saved = None
    if saved is not None:
        cudnn.allow_tf32 = tf32
        try:
            yield
        finally:
            cudnn.allow_tf32 = saved
        return
    conv = cudnn.conv
    before = conv.fp32_precision
    conv.fp32_precision = "tf32" if tf32 else "ieee"
    try:
        yield
    finally:
        conv.fp32_precision = before


SAMPLES = 32


def _summary(tensor: torch.Tensor):
    """A small, comparable picture of a tensor: all of it if small, else its norm, max |x| and a fixed sample."""
    flat = tensor.detach().to("cpu", torch.float64).reshape(-1)
    if flat.numel() <= 2 * SAMPLES:
        return flat
    index = torch.linspace(0, flat.numel() - 1, SAMPLES).long()
    return {"norm": flat.norm().item(), "max_abs": flat.abs().max().item(), "sample": flat[index]}


@checker
def model_parity(device, model, stage, batch=2, lr=0.01, tf32=None):
    """Build one of the documents' models and a batch on the CPU (seeded), move them to `device`,
    then observe the output (stage 'forward'), the gradients after one backward ('backward'),
    or the parameters after one SGD step ('step'). With tf32=None torch's own precision
    settings are left as they are (what a reader who follows the text gets); True/False sets
    cuDNN convolutions to TF32 or IEEE float32 for the run."""
    case = MODELS[model]
    torch.manual_seed(0)
    net = case.build()
    x, y = case.inputs(batch, generator=torch.Generator().manual_seed(1))
    net = net.to(device)
    x, y = x.to(device), y.to(device)
    with (nullcontext() if tf32 is None else _conv_precision(tf32)):
        out = net(x)
        if stage == "forward":
            return _summary(out)
        loss = case.loss()(out, y)
        net.zero_grad()
        loss.backward()
        if stage == "backward":
            return {"loss": loss.item(), **{name: _summary(p.grad) for name, p in net.named_parameters()}}
        optimizer = torch.optim.SGD(net.parameters(), lr=lr)
        optimizer.step()
    if stage == "step":
        return {name: _summary(p) for name, p in net.named_parameters()}
    raise ValueError(f"unknown stage {stage!r}")
