"""Fuzzing the loader: whatever a spec file holds, the outcome is the harness's own messages."""

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SOURCES_YAML
from tests.test_spec_loader import GOOD_CLAIM
from torchclaims.paths import SCHEMA_PATH
from torchclaims.spec import Catalogue, SpecError, load_catalogue

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
CHECKERS = {"topic.add": object()}
VALID_SPEC = "claims:\n" + GOOD_CLAIM
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_text(text: str | bytes):
    """Load one spec file's text in a fresh specs dir; return the catalogue or the SpecError."""
    with tempfile.TemporaryDirectory() as folder:
        specs = Path(folder)
        (specs / "sources.yaml").write_text(SOURCES_YAML, encoding="utf-8")
        spec = specs / "topic.yaml"
        spec.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        try:
            return load_catalogue(specs, checkers=CHECKERS)
        except SpecError as error:
            return error


def assert_own_outcome(outcome):
    assert isinstance(outcome, (Catalogue, SpecError))
    if isinstance(outcome, SpecError):
        assert outcome.problems
        for problem in outcome.problems:
            assert Path(problem.file).name == "topic.yaml" and problem.message  # its path, named once
            assert str(problem).startswith(problem.file)


@st.composite
def mutated_spec(draw):
    """The valid spec with characters deleted, inserted or replaced."""
    text = VALID_SPEC
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.text(alphabet=st.sampled_from(list(":-[]{}'\"#&*!|>%@`\t\n ,?0aZ\u3042")), min_size=1, max_size=3))
        if kind == "delete":
            text = text[:at] + text[at + len(piece):]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


yaml_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
yaml_values = st.recursive(yaml_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10) | st.integers(), inner, max_size=4), max_leaves=20)
claim_keys = st.sampled_from(["id", "source", "quote", "says", "check", "args", "expect", "devices", "torch",
                              "requires", "tolerance", "known", "note", "since", "observed", "why"])
claimish = st.dictionaries(claim_keys, yaml_values, max_size=10)


@FUZZ
@given(mutated_spec())
def test_mutated_specs_give_messages_not_tracebacks(text):
    assert_own_outcome(load_text(text))


@FUZZ
@given(st.one_of(yaml_values, st.fixed_dictionaries({"claims": st.lists(claimish, max_size=3)})))
def test_generated_documents_give_messages_not_tracebacks(document):
    assert_own_outcome(load_text(yaml.safe_dump(document, allow_unicode=True)))


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_messages_not_tracebacks(data):
    assert_own_outcome(load_text(data))


text = st.text(min_size=1, max_size=30)
known_entry = st.fixed_dictionaries({"observed": yaml_values, "why": text},
                                    optional={"since": text, "torch": text})
schema_valid_claim = st.fixed_dictionaries(
    {"id": st.from_regex(r"\A[a-z0-9_]{1,8}(\.[a-z0-9][a-z0-9-]{0,8}){1,2}\Z"), "source": text, "quote": text,
     "says": text, "check": st.from_regex(r"\A[a-z_][a-z0-9_]{0,10}\Z"), "expect": yaml_values,
     "devices": st.sampled_from(["any", "cpu", "accelerator", "parity"])},
    optional={"args": st.dictionaries(st.text(max_size=8), yaml_values, max_size=3), "torch": text,
              "requires": st.lists(st.from_regex(r"\A[A-Za-z0-9_.-]{1,10}\Z"), unique=True, max_size=2),
              "tolerance": st.fixed_dictionaries({}, optional={"rtol": st.floats(0, 1), "atol": st.floats(0, 1)}),
              "known": known_entry | st.lists(known_entry, min_size=1, max_size=2), "note": st.text(max_size=20)})


@FUZZ
@given(st.fixed_dictionaries({"claims": st.lists(schema_valid_claim, min_size=1, max_size=3)},
                             optional={"description": st.text(max_size=20)}))
def test_the_loader_accepts_what_the_schema_accepts(document):
    """Loader and published schema agree: a schema-valid document has no structural problems."""
    import jsonschema

    jsonschema.validate(document, SCHEMA)  # the generator really makes schema-valid documents
    outcome = load_text(yaml.safe_dump(document, allow_unicode=True))
    assert_own_outcome(outcome)
    if isinstance(outcome, SpecError):
        structural = [p for p in outcome.problems if p.field not in
                      {"id", "source", "check", "torch", "known.torch", "known.since", "expect"}]
        assert not structural, "\n".join(map(str, structural))


def test_the_schema_describes_every_field_the_loader_reads():
    from dataclasses import fields

    from torchclaims.spec import Claim

    schema_fields = set(SCHEMA["$defs"]["claim"]["properties"])
    derived = {"topic", "file", "line", "suite_path", "spec_path", "source_path", "quoted_via"}  # set by the loader, not written in specs
    assert schema_fields == {f.name for f in fields(Claim)} - derived


def test_the_real_specs_validate_against_the_published_schema():
    import jsonschema

    from torchclaims.paths import DEFAULT_PROJECT
    from torchclaims.spec import spec_files

    for path in spec_files(DEFAULT_PROJECT / "specs"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)
