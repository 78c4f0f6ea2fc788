"""The loader rejects broken specs with a message naming the file, line, claim and field."""

import textwrap
from pathlib import Path

import pytest

from torchclaims.spec import SpecError, load_catalogue

CHECKERS = {"topic.add": object(), "topic.other": object()}

GOOD_CLAIM = """\
  - id: topic.one-plus-two
    source: doc.txt
    quote: Adding one to two gives three.
    says: 1 + 2 == 3.
    check: add
    args: {a: 1, b: 2}
    expect: 3
    devices: cpu
"""


def problems(project, spec_text, *, topic="topic", sources=False):
    project.spec(topic, spec_text)
    with pytest.raises(SpecError) as caught:
        load_catalogue(project.specs, checkers=CHECKERS, sources_dir=project.sources if sources else None)
    return caught.value.problems


def only(found):
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_a_good_spec_loads(project):
    project.spec("topic", "claims:\n" + GOOD_CLAIM)
    catalogue = load_catalogue(project.specs, checkers=CHECKERS, sources_dir=project.sources)
    (claim,) = catalogue.claims
    assert (claim.id, claim.topic, claim.checker_name, claim.args, claim.line) == (
        "topic.one-plus-two", "topic", "topic.add", {"a": 1, "b": 2}, 2)


@pytest.mark.parametrize("mutation, line, field, message", [
    (("devices: cpu", "devices: gpu"), 9, "devices", "expected one of any, cpu, accelerator, parity"),
    (("devices: cpu", "devices: cpu\n    colour: blue"), 10, "colour", "unknown field"),
    (("    says: 1 + 2 == 3.\n", ""), 2, "says", "required field is missing"),
    (("args: {a: 1, b: 2}", "args: [1, 2]"), 7, "args", "expected type object"),
    (("source: doc.txt", "source: missing.txt"), 2, "source", "unknown document 'missing.txt'"),
    (("check: add", "check: subtract"), 2, "check", "no checker 'subtract' in suites/topic.py"),
    (("devices: cpu", "devices: cpu\n    torch: '>>2'"), 2, "torch", "not a version range"),
    (("devices: cpu", "devices: cpu\n    known: {observed: 4, why: x, since: soon}"), 2, "known.since", "not a version"),
    (("id: topic.one-plus-two", "id: Topic One"), 2, "id", "a string matching"),
    (("devices: cpu", "devices: parity"), 2, "expect", "a parity claim expects 'same-as-cpu'"),
])
def test_each_broken_field_is_named(project, mutation, line, field, message):
    old, new = mutation
    problem = only(problems(project, "claims:\n" + GOOD_CLAIM.replace(old, new)))
    assert (Path(problem.file).name, problem.line, problem.claim, problem.field) == ("topic.yaml", line, problem.claim, field)
    assert Path(problem.file).resolve() == (project.specs / "topic.yaml").resolve()  # the path, not just the name
    assert message in problem.message
    assert problem.claim in ("topic.one-plus-two", "Topic One")
    assert str(problem).startswith(f"{problem.file}:{line}: claim ")


def test_malformed_yaml_names_the_line(project):
    problem = only(problems(project, "claims:\n  - id: [unclosed\n"))
    assert Path(problem.file).name == "topic.yaml" and problem.line == 3 and "not valid YAML" in problem.message


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(project):
    problem = only(problems(project, "claims:\n" + GOOD_CLAIM.replace("    expect: 3\n", "    expect: 3\n    expect: 4\n")))
    assert "duplicate key 'expect'" in problem.message


def test_duplicate_ids_across_files_name_both_places(project):
    project.spec("other", "claims:\n" + GOOD_CLAIM.replace("check: add", "check: other"))
    CHECKERS["other.other"] = object()
    try:
        problem = only(problems(project, "claims:\n" + GOOD_CLAIM))
    finally:
        del CHECKERS["other.other"]
    assert problem.field == "id" and "duplicate id" in problem.message
    assert {Path(problem.file).name, Path(problem.message.split("also ")[1].split(":")[0]).name} == {"other.yaml", "topic.yaml"}


def test_a_quote_must_occur_in_its_document(project):
    problem = only(problems(project, "claims:\n" + GOOD_CLAIM.replace("gives three", "gives four"), sources=True))
    assert (problem.claim, problem.field) == ("topic.one-plus-two", "quote")
    assert "quote not found in doc.txt" in problem.message
    assert "closest passage:\n    'The default dtype is float32. Adding one to two gives three.'" in problem.message


def test_quotes_match_across_line_breaks(project):
    spec = "claims:\n" + GOOD_CLAIM.replace("quote: Adding one to two gives three.",
                                            "quote: |\n      Adding one\n      to two gives three.")
    project.spec("topic", spec)
    assert load_catalogue(project.specs, checkers=CHECKERS, sources_dir=project.sources).claims


def test_every_problem_is_reported_at_once(project):
    spec = "claims:\n" + GOOD_CLAIM + GOOD_CLAIM.replace("check: add", "check: nope")
    found = problems(project, textwrap.dedent(spec))
    assert {p.field for p in found} == {"id", "check"}


def test_a_broken_sources_file_is_reported(project):
    (project.specs / "sources.yaml").write_text("documents:\n  - {file: doc.txt}\n", encoding="utf-8")
    found = problems(project, "claims:\n" + GOOD_CLAIM)
    assert {Path(p.file).name for p in found} == {"sources.yaml"}
    assert {p.field for p in found} >= {"documents.0.title", "documents.0.language"}


def test_two_claims_making_the_same_check_are_refused(project):
    twin = GOOD_CLAIM.replace("topic.one-plus-two", "topic.three-again").replace("says: 1 + 2 == 3.", "says: again.")
    problem = only(problems(project, "claims:\n" + GOOD_CLAIM + twin))
    assert (problem.claim, problem.field) == ("topic.three-again", "check")
    assert "the same check as topic.one-plus-two" in problem.message


def test_the_same_check_on_another_device_or_expectation_is_not_a_duplicate(project):
    other_device = GOOD_CLAIM.replace("topic.one-plus-two", "topic.on-any").replace("devices: cpu", "devices: any")
    project.spec("topic", "claims:\n" + GOOD_CLAIM + other_device)
    assert len(load_catalogue(project.specs, checkers=CHECKERS).claims) == 2
