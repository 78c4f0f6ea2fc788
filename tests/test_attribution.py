"""Whose words: quoted_from chains, passages of a document, its borrowed share; text a YAML comment cut;
changed_in / evidence in the spec and against the history."""

import json

import pytest

from tests.conftest import ARITHMETIC_SPEC, ARITHMETIC_SUITE, Project
from tests.history_data import RELEASES, record, write_release
from torchclaims.catalogue import load_checked_catalogue
from torchclaims.errata import record_facts
from torchclaims.history.ranges import check_ranges
from torchclaims.history.timeline import build_history
from torchclaims.paths import SCHEMAS_DIR
from torchclaims.results import document_records
from torchclaims.spec import SpecError, load_catalogue

DOCUMENT = ("My own introduction. "
            "Translated part begins here. Tensors are like arrays. Call zero_grad first. Translated part ends here. "
            "My own closing words.\n")
HANDBOOK = {"name": "PyTorch Handbook", "url": "https://github.com/zergtant/pytorch-handbook", "how": "translated"}
BLITZ = {"name": "PyTorch 60 Minute Blitz", "url": "https://pytorch.org/tutorials/", "how": "translated"}


def project_with(tmp_path, claims: str, passages: str = "", document: str = DOCUMENT) -> Project:
    project = Project(tmp_path / "p")
    (project.sources / "doc.txt").write_text(document, encoding="utf-8")
    (project.specs / "sources.yaml").write_text(
        "documents:\n  - file: doc.txt\n    title: A tutorial\n    author: someone\n    site: somewhere\n"
        '    date: "2018-12"\n    language: en\n' + passages, encoding="utf-8")
    project.spec("t", "claims:\n" + claims)
    return project


CLAIMS = """\
  - {id: t.own, source: doc.txt, quote: My own introduction., says: s, check: c, expect: 1, devices: cpu}
  - {id: t.inside, source: doc.txt, quote: Call zero_grad first., says: s, check: c, expect: 3, devices: cpu,
     known: {observed: 2, why: w, changed_in: "2.0.0", evidence: ["https://github.com/pytorch/pytorch/pull/92731"]}}
  - id: t.own-chain
    source: doc.txt
    quote: Tensors are like arrays.
    says: s
    check: c
    expect: 2
    devices: cpu
    quoted_from:
      - {name: PyTorch Handbook, url: "https://github.com/zergtant/pytorch-handbook", how: translated}
      - {name: Someone else, url: "https://example.org/else"}
"""
PASSAGES = f"""\
    passages:
      - from: Translated part begins here.
        to: Translated part ends here.
        quoted_from: {json.dumps([HANDBOOK, BLITZ])}
        note: the Handbook's notebook, itself the blitz
"""


def test_a_claim_inside_a_passage_inherits_its_chain_and_the_document_says_how_much_is_borrowed(tmp_path):
    project = project_with(tmp_path, CLAIMS, PASSAGES)
    catalogue = load_catalogue(project.specs, sources_dir=project.sources)
    claims = catalogue.by_id()
    assert claims["t.own"].quoted_from is None
    assert (claims["t.inside"].quoted_from, claims["t.inside"].quoted_via) == ([HANDBOOK, BLITZ], "passage")
    # a claim's own quoted_from wins over the passage's
    assert claims["t.own-chain"].quoted_from[-1]["name"] == "Someone else"
    assert claims["t.own-chain"].quoted_from[-1]["how"] == "quoted"      # the default
    borrowed = catalogue.documents["doc.txt"].borrowed
    passage = "Translatedpartbeginshere.Tensorsarelikearrays.Callzero_gradfirst.Translatedpartendshere."
    assert borrowed["borrowed_chars"] == len(passage) and borrowed["chars"] == len("".join(DOCUMENT.split()))
    [origin] = borrowed["by_origin"]
    assert (origin["origin"], origin["how"], origin["passages"]) == ("PyTorch 60 Minute Blitz", "translated", 1)
    assert 0.6 < borrowed["share"] < 0.8
    # the results file carries it, so the report needs no documents
    assert document_records(catalogue.documents)["doc.txt"]["borrowed"] == borrowed


def test_records_carry_the_effective_chain_and_the_cited_change(tmp_path):
    catalogue = load_catalogue(project_with(tmp_path, CLAIMS, PASSAGES).specs, sources_dir=tmp_path / "p" / "sources")
    inside = catalogue.by_id()["t.inside"]
    facts = record_facts(inside, {"verdict": "contradicted", "observed": 2}, "2.14.1")
    assert facts == {"quoted_from": [HANDBOOK, BLITZ], "quoted_via": "passage", "changed_in": "2.0.0",
                     "evidence": ["https://github.com/pytorch/pytorch/pull/92731"]}
    # a claim that holds carries no cited change
    assert "changed_in" not in record_facts(inside, {"verdict": "holds", "observed": 1}, "2.14.1")


def test_without_the_documents_passages_are_listed_not_measured(tmp_path):
    project = project_with(tmp_path, CLAIMS, PASSAGES)
    catalogue = load_catalogue(project.specs)       # no sources: nothing located
    assert catalogue.by_id()["t.inside"].quoted_from is None
    borrowed = catalogue.documents["doc.txt"].borrowed
    assert borrowed["located"] is False and borrowed["passages"] == 1 and "not here" in borrowed["reason"]


def test_a_passage_not_in_the_document_is_refused(tmp_path):
    project = project_with(tmp_path, CLAIMS, PASSAGES.replace("Translated part ends here.", "Never written."))
    with pytest.raises(SpecError) as caught:
        load_catalogue(project.specs, sources_dir=project.sources)
    assert "doc.txt: passages.0.to" in str(caught.value) and "passage end not found" in str(caught.value)


def test_a_chain_entry_needs_a_name_and_a_url_and_a_known_how(tmp_path):
    bad = CLAIMS.replace('how: translated}', 'how: paraphrased}')
    with pytest.raises(SpecError) as caught:
        load_catalogue(project_with(tmp_path, bad).specs)
    assert "quoted_from" in str(caught.value)
    bad = CLAIMS.replace('evidence: ["https://github.com/pytorch/pytorch/pull/92731"]', 'evidence: ["PR 92731"]')
    with pytest.raises(SpecError) as caught:
        load_catalogue(project_with(tmp_path / "2", bad).specs)
    assert "known.evidence" in str(caught.value)
    bad = CLAIMS.replace('changed_in: "2.0.0"', 'changed_in: "two"')
    with pytest.raises(SpecError) as caught:
        load_catalogue(project_with(tmp_path / "3", bad).specs)
    assert "known.changed_in" in str(caught.value) and "not a version" in str(caught.value)


def test_the_two_schemas_define_quoted_from_alike():
    spec = json.loads((SCHEMAS_DIR / "spec.schema.json").read_text(encoding="utf-8"))["$defs"]
    sources = json.loads((SCHEMAS_DIR / "sources.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert {k: spec[k] for k in ("cited_source", "quoted_from")} == sources


def test_text_a_yaml_comment_cut_is_refused_and_the_message_says_to_quote_it(tmp_path):
    cut = """\
  - id: t.cut
    source: doc.txt
    quote: Call zero_grad first. # 勾配をゼロに初期化
    says: s
    check: c
    expect: 1
    devices: cpu   # a comment after a value that is not prose is fine
    args:
      name: resnet18   # and in a checker's arguments too
  - id: t.kept
    source: doc.txt
    quote: "Call zero_grad first. # 勾配をゼロに初期化"
    says: s
    check: c
    expect: 2
    devices: cpu
"""
    project = project_with(tmp_path, cut)
    with pytest.raises(SpecError) as caught:
        load_catalogue(project.specs)
    [problem] = caught.value.problems
    assert (problem.claim, problem.field, problem.line) == ("t.cut", "quote", 4)
    assert "a YAML comment cuts this text short" in problem.message and "quote the string" in problem.message
    assert "'# 勾配をゼロに初期化'" in problem.message
    # in sources.yaml too
    project = project_with(tmp_path / "s", CLAIMS.replace("{id: t.own,", "{id: t.own2,"),
                           "    notes: translated # from the Handbook\n")
    with pytest.raises(SpecError) as caught:
        load_catalogue(project.specs)
    assert "documents.0.notes" in str(caught.value) and "quote the string" in str(caught.value)


def _ranged(tmp_path, known_line, observed):
    project = Project(tmp_path / "project")
    project.spec("arith", ARITHMETIC_SPEC.replace("known: {observed: 4, why: arithmetic}", known_line))
    project.suite("arith", ARITHMETIC_SUITE)
    paths = [write_release(tmp_path, t, [record("arith.known-wrong", "x", o)]) for t, o in observed.items()]
    return check_ranges(build_history(paths, RELEASES), load_checked_catalogue(project.specs))


def test_validate_checks_changed_in_against_the_history_where_they_overlap(tmp_path):
    changed = {"1.0.1": 3, "1.1.1": 4, "1.3.1": 4}
    line = "known: {{observed: 4, why: arithmetic, since: '1.1', changed_in: '{}'}}"
    assert _ranged(tmp_path / "a", line.format("1.1.1"), changed) == []
    (problem,) = _ranged(tmp_path / "b", line.format("1.2.0"), changed)
    assert "known.changed_in: changed_in 1.2.0 contradicts the history, which measures the change in 1.1.1" in str(problem)
    # older than every release checked: the history must show it from the oldest on
    always = {"1.0.1": 4, "1.1.1": 4, "1.3.1": 4}
    assert _ranged(tmp_path / "c", "known: {observed: 4, why: arithmetic, changed_in: '0.4.0'}", always) == []
    (problem,) = _ranged(tmp_path / "d", line.format("0.4.0"), changed)
    assert "older than every release checked, but torch 1.0.1 did not" in str(problem)
