"""The asv suite's own plumbing, without running asv (that is tox's `bench` env)."""

from __future__ import annotations

import pytest

from benchmarks import common

MODELS = common.shared_models()


def test_model_names_are_the_shared_models():
    assert common.MODEL_NAMES == list(MODELS)


def test_benchmarks_and_suites_share_one_models_module():
    """The project's suites and the benchmarks build the same classes (a patched model is patched for both)."""
    from torchclaims.testing import suite

    assert suite("lenet", common.MODELS_FILE).LeNet is MODELS["lenet"].build().__class__


def test_cuda_is_skipped_with_not_implemented_without_a_gpu():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(NotImplementedError, match="not run: no CUDA device"):
        common.Workload("lenet", 1, "cuda", "SGD")


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("optimizer", common.OPTIMIZERS)
def test_every_workload_runs_on_cpu(name, optimizer):
    import torch

    work = common.Workload(name, 2, "cpu", optimizer)
    assert torch.get_num_threads() == common.THREADS
    assert torch.backends.cudnn.benchmark is common.CUDNN_BENCHMARK
    assert torch.backends.cuda.matmul.allow_tf32 is common.ALLOW_TF32
    before = [p.detach().clone() for p in work.model.parameters()]
    work.warm_up(work.step, steps=1)
    assert any(not torch.equal(a, b) for a, b in zip(before, work.model.parameters()))  # it trained
    work.eval_mode()
    work.forward()
    assert common.count_flops(work.step) > 0


def test_peak_matmul_is_positive():
    assert common.peak_matmul_flops("cpu", repeats=1) > 1e8
