"""What a claim's observation fingerprint covers: its suite and the suites' helper modules it imports."""

from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.checkers import suite_files
from torchclaims.history.fingerprint import claim_fingerprints

OTHER_SPEC = ARITHMETIC_SPEC.replace("arith.", "other.")


def _two_topics(tmp_path):
    """arith imports suites/_helper.py (through suites/_middle.py); other imports nothing beside it."""
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC)
    project.spec("other", OTHER_SPEC)
    project.suite("arith", "from ._middle import OFFSET\n" + ARITHMETIC_SUITE)
    project.suite("other", ARITHMETIC_SUITE)
    (project.suites / "_middle.py").write_text("from ._helper import OFFSET\n")
    (project.suites / "_helper.py").write_text("OFFSET = 0\n")
    return project


def _by_topic(project):
    prints = claim_fingerprints(load_checked_catalogue(project.specs))
    return {topic: {k: v for k, v in prints.items() if k.startswith(topic)} for topic in ("arith", "other")}


def test_a_helper_the_suite_imports_is_part_of_its_files(tmp_path):
    project = _two_topics(tmp_path)
    assert {p.name for p in suite_files(project.suites, "arith")} == {"__init__.py", "arith.py", "_middle.py", "_helper.py"}
    assert "_helper.py" not in {p.name for p in suite_files(project.suites, "other")}


def test_an_edited_helper_changes_the_fingerprints_of_exactly_the_claims_whose_suite_imports_it(tmp_path):
    project = _two_topics(tmp_path)
    before = _by_topic(project)
    (project.suites / "_helper.py").write_text("OFFSET = 1\n")
    after = _by_topic(project)
    assert all(after["arith"][k] != v for k, v in before["arith"].items())
    assert after["other"] == before["other"]


def test_the_suites_package_init_counts_for_every_topic(tmp_path):
    project = _two_topics(tmp_path)
    before = _by_topic(project)
    (project.suites / "__init__.py").write_text('"""edited"""\n')
    after = _by_topic(project)
    assert all(after[t][k] != v for t in before for k, v in before[t].items())


def test_a_dynamic_import_counts_every_module_of_the_folder(tmp_path):
    project = _two_topics(tmp_path)
    project.suite("other", "import importlib\n" + ARITHMETIC_SUITE)
    assert "_helper.py" in {p.name for p in suite_files(project.suites, "other")}
