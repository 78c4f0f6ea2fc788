"""torchclaims.testing's variation bookkeeping: which compared fields a break changed."""

from pathlib import Path

from torchclaims.evaluate import Outcome
from torchclaims.judge import Verdict
from torchclaims.spec import Claim
from torchclaims.testing import changed_fields, compared_fields


def _claim(expect, tolerance=None):
    return Claim(id="t.c", topic="t", source="doc.txt", quote="q", says="s", check="c", expect=expect,
                 devices="cpu", tolerance=tolerance)


def _seen(observed, verdict=Verdict.HOLDS):
    return Outcome("t.c", "cpu", verdict, observed=observed)


def test_compared_fields_are_the_keys_of_expect_recursively():
    assert compared_fields({"a": 1, "b": {"c": [1], "d": {}}}) == {("a",), ("b", "c"), ("b", "d")}
    assert compared_fields("same-as-cpu") == {()}


def test_changed_fields_as_the_judge_sees_them():
    claim = _claim({"x": 1.0, "y": {"z": "a"}, "w": True})
    unbroken = _seen({"x": 1.0, "y": {"z": "a"}, "w": True, "message": "ignored"})
    assert changed_fields(claim, unbroken, _seen({"x": 1.0 + 1e-9, "y": {"z": "b"}}, Verdict.FAILS)) == {
        ("y", "z"), ("w",)}  # within tolerance is no change; a missing key is one


def test_no_variation_without_an_observation_or_a_working_claim():
    claim = _claim({"x": 1})
    assert changed_fields(claim, _seen({"x": 1}), _seen(None, Verdict.ERROR)) == frozenset()
    assert changed_fields(claim, _seen({"x": 2}, Verdict.FAILS), _seen({"x": 3}, Verdict.FAILS)) is None


def test_fields_of_a_claim_that_cannot_pass_here_are_not_asked_for():
    from torchclaims.testing import VARIATIONS, Break, uncovered_fields

    here, gpu_only = _claim({"x": 1}), Claim(id="t.gpu", topic="t", source="doc.txt", quote="q", says="s",
                                            check="c", expect={"y": 1}, devices="cuda")
    breaks_ = [Break("t.py::test_x", "t.c", "cpu", None, "t.py"), Break("t.py::test_gpu", "t.gpu", "cpu", None, "t.py")]
    VARIATIONS.update({"t.py::test_x": frozenset({("x",)}), "t.py::test_gpu": None})
    try:
        assert uncovered_fields("c", breaks_, [here, gpu_only]) == ([], True)
        VARIATIONS["t.py::test_x"] = frozenset()
        assert uncovered_fields("c", breaks_, [here, gpu_only]) == ([("x",)], True)
    finally:
        for name in ("t.py::test_x", "t.py::test_gpu"):
            VARIATIONS.pop(name)


def test_equally_named_break_files_of_two_projects_stay_apart(tmp_path):
    # two projects' tests/break_it/test_tensors.py, each with a test_x: two breaks, imported by path
    from torchclaims.testing import BREAKS, import_breaks
    from tests.conftest import Project

    source = ('from torchclaims.testing import breaks\n\n\n@breaks("{claim}")\n'
              'def test_x(monkeypatch):\n    pass\n')
    roots = []
    for name in ("a", "b"):
        project = Project(tmp_path / name)
        (project.root / "tests" / "break_it").mkdir(parents=True)
        (project.root / "tests" / "break_it" / "test_tensors.py").write_text(source.format(claim=f"{name}.claim"))
        import_breaks(project.root / "specs")
        roots.append(project.root.resolve())
    found = {brk.claim_id: brk.name for brk in BREAKS.values() if Path(brk.where).resolve().parent.parent.parent in roots}
    try:
        assert set(found) == {"a.claim", "b.claim"} and len(set(found.values())) == 2
        import_breaks(tmp_path / "a" / "specs")  # imported once: nothing new
        assert sum(1 for brk in BREAKS.values() if brk.claim_id == "a.claim") == 1
    finally:
        for key in [key for key, brk in BREAKS.items() if brk.claim_id in found]:
            BREAKS.pop(key)
