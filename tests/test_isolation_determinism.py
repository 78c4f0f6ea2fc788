"""Every claim runs seeded and isolated; repeated runs give identical verdicts and observations."""

import json
import subprocess
import sys

import pytest
import torch

from torchclaims.devices import Target
from torchclaims.evaluate import evaluate
from torchclaims.paths import REPO_ROOT
from torchclaims.spec import Claim


def fake_claim(check):
    return Claim(id=f"iso.{check}", topic="iso", source="d", quote="q", says="s", check=check, expect=None,
                 devices="cpu")


@pytest.fixture
def registered(monkeypatch):
    """Claims whose checkers are these functions (standing in for a suite's)."""
    functions = {}
    monkeypatch.setattr("torchclaims.evaluate.checker_function", lambda suite, name: functions[name])

    def register(name, func):
        functions[name] = func
        return fake_claim(name)
    return register


def test_global_torch_state_is_restored_after_a_claim(registered):
    def leaky(device):
        torch.set_default_dtype(torch.float64)
        torch.set_grad_enabled(False)
        torch.set_num_threads(1)
        torch.set_anomaly_enabled(True)
        torch.use_deterministic_algorithms(True, warn_only=True)
        return None

    before = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(),
              torch.is_anomaly_enabled(), torch.are_deterministic_algorithms_enabled())
    evaluate(registered("leaky", leaky), Target("cpu"))
    after = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(),
             torch.is_anomaly_enabled(), torch.are_deterministic_algorithms_enabled())
    assert after == before


def test_state_is_restored_even_when_the_checker_raises(registered):
    def leaky_and_broken(device):
        torch.set_default_dtype(torch.float64)
        raise RuntimeError("boom")

    outcome = evaluate(registered("broken", leaky_and_broken), Target("cpu"))
    assert outcome.verdict.value == "error" and torch.get_default_dtype() == torch.float32


def test_every_claim_is_seeded_the_same(registered):
    claim = registered("draw", lambda device: torch.rand(3).tolist())
    torch.rand(100)  # whatever ran before must not matter
    first = evaluate(claim, Target("cpu")).observed
    torch.rand(7)
    assert evaluate(claim, Target("cpu")).observed == first


def _run_all_claims(results, *extra):
    command = [sys.executable, "-m", "torchclaims", "run", "-q", "-p", "no:cacheprovider", "--no-report",
               "--results", str(results),
               *extra]
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)
    assert completed.returncode in (0, 1), completed.stdout[-3000:] + completed.stderr[-3000:]
    document = json.loads(results.read_text(encoding="utf-8"))
    return {(r["claim"], r["device"]): (r["verdict"], r["observed"], r["expected"]) for r in document["results"]}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist-2"])
def test_five_runs_give_identical_verdicts_and_observations(tmp_path, workers):
    runs = [_run_all_claims(tmp_path / f"run{index}.json", *workers) for index in range(5)]
    for index, run in enumerate(runs[1:], start=2):
        differing = sorted(key for key in set(run) | set(runs[0]) if run.get(key) != runs[0].get(key))
        assert not differing, f"run {index} differs from run 1 on {differing[:10]}"
