"""A break-it test that cannot break anything on this machine (a CUDA checker without CUDA) skips,
saying why, and a scaffolded project's coverage test knows it (issue 17, item 6)."""

import textwrap

import pytest

from torchclaims.init import scaffold

# two CUDA checkers, as a course author writes them: one refuses without CUDA (not-run),
# one observes availability (fails unbroken on a machine without CUDA: a break proves nothing)
SPEC = """\
  - id: basics.ones-on-cuda
    source: example.md
    quote: torch.zeros(2, 3)
    says: A tensor made on the GPU lives on the GPU.
    check: made_on_cuda
    expect: {device_type: cuda, is_cuda: true}
    devices: accelerator
  - id: basics.cuda-is-there
    source: example.md
    quote: torch.zeros(2, 3)
    says: The machine has a CUDA device.
    check: cuda_available
    expect: {available: true}
    devices: cpu
"""

SUITE = """

@checker
def made_on_cuda(device):
    from torchclaims.checkers import NotRun

    if not torch.cuda.is_available():
        raise NotRun("needs a CUDA device")
    made = torch.ones(2, device="cuda")
    return {"device_type": made.device.type, "is_cuda": made.is_cuda}


@checker
def cuda_available(device):
    return {"available": torch.cuda.is_available()}
"""

BREAKS = """

@breaks("basics.ones-on-cuda", device="cuda")
def test_ones_ignores_the_device(monkeypatch):
    real = torch.ones
    monkeypatch.setattr(torch, "ones", lambda *size, device=None, **kw: real(*size, **kw))


@breaks("basics.cuda-is-there")
def test_cuda_never_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
"""


@pytest.fixture
def cuda_project(pytester):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the breaks run there")
    scaffold(pytester.path)
    spec = pytester.path / "specs" / "basics.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + SPEC, encoding="utf-8")
    for path, extra in ((pytester.path / "suites" / "basics.py", SUITE),
                        (pytester.path / "tests" / "break_it" / "test_basics.py", BREAKS)):
        path.write_text(path.read_text(encoding="utf-8") + textwrap.dedent(extra), encoding="utf-8")
    return pytester


def test_a_cuda_break_skips_with_the_reason_and_the_coverage_test_does_not_fail(cuda_project):
    result = cuda_project.runpytest_subprocess("tests", "-rs", "-p", "no:cacheprovider", "-p", "no:randomly")
    # the scaffold's own 3 breaks and its checker's 2 coverage tests run; the CUDA breaks and field tests skip
    result.assert_outcomes(passed=5, skipped=4)
    result.stdout.fnmatch_lines_random([
        "SKIPPED*cannot break basics.ones-on-cuda on this machine: unbroken on cuda its verdict is not-run (*CUDA*)*",
        "SKIPPED*cannot break basics.cuda-is-there on this machine: unbroken on cpu its verdict is fails*",
        "SKIPPED*basics.made_on_cuda: none of its broken claims passes unbroken on this machine*",
        "SKIPPED*basics.cuda_available: none of its broken claims passes unbroken on this machine*",
    ])
