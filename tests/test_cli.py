"""The torchclaims command: validate, list (run is exercised in test_plugin and the determinism test)."""

import shutil

import pytest

from torchclaims.cli import EXIT_BAD_SPECS, main
from torchclaims.paths import DEFAULT_PROJECT


def test_validate_accepts_the_checkouts_specs(capsys):
    assert main(["validate"]) == 0
    assert "claims in" in capsys.readouterr().out


def test_validate_exits_2_with_one_line_per_problem(tmp_path, capsys):
    shutil.copytree(DEFAULT_PROJECT / "suites", tmp_path / "suites")
    specs = shutil.copytree(DEFAULT_PROJECT / "specs", tmp_path / "specs")
    spec = specs / "numpy_interop.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("check: from_numpy_dtype", "check: no_such_checker", 1)
                    .replace("devices: cpu", "devices: tpu", 1), encoding="utf-8")
    assert main(["validate", "--specs", str(specs)]) == EXIT_BAD_SPECS
    err = capsys.readouterr().err.splitlines()
    assert any(line.split(":")[0].endswith("specs/numpy_interop.yaml") and "field 'devices'" in line for line in err)
    assert err[-1] == f"{len(err) - 1} problems in {specs}"


def test_list_counts_claims_per_document(capsys):
    assert main(["list", "--source", "002_fae67575efbe4981.txt"]) == 0
    out = capsys.readouterr().out
    assert "lenet." in out and "002_fae67575efbe4981.txt" in out
    lines = [line.split() for line in out.splitlines() if line.strip().endswith("claims in all")]
    assert lines and int(lines[0][0]) > 0


def test_unknown_arguments_are_refused_outside_run(capsys):
    with pytest.raises(SystemExit):
        main(["list", "--bogus"])


def test_no_engine_module_imports_the_cli():
    """The CLI is the top: modules it dispatches to (history.command ...) take what they share from torchclaims.project."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "torchclaims"
    importers = []
    for path in package.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) else [])
            if any(name == "torchclaims.cli" for name in names):
                importers.append(str(path.relative_to(package)))
    assert importers == [], importers
