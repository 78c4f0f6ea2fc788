"""Every claim runs seeded and isolated; a serial and a parallel run give identical verdicts and observations."""

import json
import subprocess
import sys

import pytest
import torch

from torchclaims.devices import Target, targets
from torchclaims.evaluate import evaluate
from torchclaims.catalogue import default_catalogue
from torchclaims.paths import DEFAULT_PROJECT, REPO_ROOT
from torchclaims.spec import Claim, spec_files


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


def _run_claims(results, *extra):
    command = [sys.executable, "-m", "torchclaims", "run", "-q", "-p", "no:cacheprovider", "--no-report",
               "--results", str(results),
               *extra]
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)
    assert completed.returncode in (0, 1), completed.stdout[-3000:] + completed.stderr[-3000:]
    document = json.loads(results.read_text(encoding="utf-8"))
    return {(r["claim"], r["device"]): (r["verdict"], r["observed"], r["expected"]) for r in document["results"]}


def _wall_clock_checkers() -> set[str]:
    """Checkers that time something (perf_counter), directly or through helpers in their suite: their
    observations depend on the machine's load, so two runs may rightly differ."""
    import ast

    timed = set()
    for path in sorted((DEFAULT_PROJECT / "suites").glob("*.py")):
        functions = {node.name: node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.FunctionDef)}
        calls = {name: {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                 for name, node in functions.items()}
        clocked = {name for name, node in functions.items()
                   if any(isinstance(n, ast.Attribute) and n.attr == "perf_counter" for n in ast.walk(node))}
        while (more := {name for name, called in calls.items() if called & clocked} - clocked):
            clocked |= more
        timed |= {f"{path.stem}.{name}" for name in clocked}
    return timed


def _claim_groups(size=10):
    """The claims checked on the CPU, topic by topic, in groups of at most `size`, so that each
    test stays short."""
    on_cpu = [c for c in default_catalogue().claims if targets(c.devices, ["cpu"])]
    groups = {}
    for topic in sorted({c.topic for c in on_cpu}):
        claims = [c for c in on_cpu if c.topic == topic]
        count = -(-len(claims) // size)
        for index in range(count):
            groups[f"{topic}-{index + 1}of{count}"] = claims[index::count]
    return groups


def _cpu_outcomes(claims, timed):
    # compared as JSON, as a results file holds them (NaN equals NaN there)
    return {claim.id: json.dumps([o.verdict.value, o.observed, o.expected], sort_keys=True, default=str)
            for claim in claims if claim.checker_name not in timed
            for o in [evaluate(claim, target) for target in targets(claim.devices, ["cpu"])]}


@pytest.mark.parametrize("group", sorted(_claim_groups()))
def test_a_claims_result_does_not_depend_on_what_ran_before_it(group):
    # Every claim of the group, in spec order and then in reverse order, in this process: each
    # claim is seeded and isolated, so what ran before it (other claims, other tests) changes nothing.
    claims = _claim_groups()[group]
    timed = _wall_clock_checkers()
    forward = _cpu_outcomes(claims, timed)
    backward = _cpu_outcomes(list(reversed(claims)), timed)
    assert forward, "no claim of this group ran on the CPU"
    differing = sorted(cid for cid in forward if forward[cid] != backward.get(cid))
    assert not differing, f"a second run in another order differs on {differing[:10]}"


# a sample: claims that draw random weights, where a missing seed shows first (every claim's
# order independence is checked in-process above; a subprocess run costs seconds of imports)
SAMPLE = "init"


def test_serial_and_parallel_runs_give_identical_verdicts_and_observations(tmp_path):
    # Two runs in two processes, one serial and one with two xdist workers (another order, another
    # process per claim), must agree on every claim of the sample.
    selected = ["-m", SAMPLE]
    serial = _run_claims(tmp_path / "serial.json", *selected)
    parallel = _run_claims(tmp_path / "parallel.json", *selected, "-n", "2")
    assert serial, "no claim ran"
    clocked = _wall_clock_checkers()
    timed = {claim.id for claim in default_catalogue().claims if claim.checker_name in clocked}
    differing = sorted(key for key in set(serial) | set(parallel)
                       if serial.get(key) != parallel.get(key) and key[0] not in timed)
    assert not differing, f"the two runs differ on {differing[:10]}"
