"""An erratum's class (mistake when written / outdated / undated), one entry per torch change, and `torchclaims errata`."""

import json

import pytest

from tests.report_data import history_file, record, results_file
from torchclaims.cli import main
from torchclaims.errata import Cited, classify, classify_device
from torchclaims.report.build import build, grouped
from torchclaims.report.history import read_history
from torchclaims.report.load import load_runs, merge
from torchclaims.report.write import documents_of

HELD_THEN_CHANGED = [{"since": "1.13.1", "until": "2.0.0", "verdict": "holds", "observed": "zero"},
                     {"since": "2.0.0", "until": None, "verdict": "contradicted", "observed": "none"}]
ALWAYS_WRONG = [{"since": "1.13.1", "until": None, "verdict": "contradicted", "observed": 2}]
WRONG_HELD_WRONG = [{"since": "1.13.1", "until": "2.0.1", "verdict": "contradicted", "observed": 2},
                    {"since": "2.0.1", "until": "2.14.1", "verdict": "holds", "observed": 1},
                    {"since": "2.14.1", "until": None, "verdict": "contradicted", "observed": 2}]
NOT_RUN_THEN_WRONG = [{"since": "1.13.1", "until": "2.14.1", "verdict": "not-run", "observed": None},
                      {"since": "2.14.1", "until": None, "verdict": "contradicted", "observed": 2}]
PR = "https://github.com/pytorch/pytorch/pull/70506"


def history_of(tmp_path, **claims):
    entries = [{"claim": name, "device": "cpu", "source": "doc.txt", "quote": "q", "intervals": intervals}
               for name, intervals in claims.items()]
    return read_history(history_file(tmp_path, entries))


def test_written_on_a_checked_release_the_history_decides(tmp_path):
    history = history_of(tmp_path, changed=HELD_THEN_CHANGED, wrong=ALWAYS_WRONG)
    # 2023-01 -> torch 1.13.1, where it held: outdated, changed in 2.0.0 (measured)
    found = classify_device(history, "changed", "cpu", "2023-01")
    assert (found.kind, found.changed_in, found.measured, found.inferred, found.written) == (
        "outdated", "2.0.0", True, False, "1.13.1")
    # 2024-11-28 -> torch 2.5.1, where it was already wrong: a mistake, whatever is cited
    found = classify_device(history, "changed", "cpu", "2024-11-28", cited=Cited("1.11.0", (PR,)))
    assert found.kind == "mistake" and found.basis.startswith("wrong on torch 2.5.1")
    assert classify_device(history, "wrong", "cpu", "2023-01").kind == "mistake"


def test_a_document_older_than_every_release_checked(tmp_path):
    history = history_of(tmp_path, changed=HELD_THEN_CHANGED, wrong=ALWAYS_WRONG, mixed=WRONG_HELD_WRONG)
    # held on the oldest release checked and changed later: outdated, and the page says it is an inference
    found = classify_device(history, "changed", "cpu", "2018-12")
    assert (found.kind, found.changed_in, found.inferred) == ("outdated", "2.0.0", True)
    assert "That it held when written too is an inference" in found.basis
    # wrong on every release checked, nothing cited: a mistake
    found = classify_device(history, "wrong", "cpu", "2018-12")
    assert found.kind == "mistake" and "wrong on every release checked (torch 1.13.1 to 2.14.1), and nothing cited" in found.basis
    # ... unless cited evidence says torch changed after the document: outdated at the cited release
    found = classify_device(history, "wrong", "cpu", "2018-12", cited=Cited("1.11.0", (PR,)))
    assert (found.kind, found.changed_in, found.measured, found.evidence) == ("outdated", "1.11.0", False, [PR])
    assert PR in found.basis
    # evidence that torch changed, but not when: neither class can be established
    assert classify_device(history, "wrong", "cpu", "2018-12", cited=Cited(None, (PR,))).kind == "undated"
    # wrong on the oldest, held later, wrong again: whether it held when written is unknown
    found = classify_device(history, "mixed", "cpu", "2018-12")
    assert found.kind == "undated" and "not on every release checked" in found.basis


def test_a_cited_change_older_than_the_document_is_a_mistake(tmp_path):
    history = history_of(tmp_path, late=NOT_RUN_THEN_WRONG)
    # written on 2.5.1, first checkable on 2.14.1; the cited change (2.1.0) predates the document
    found = classify_device(history, "late", "cpu", "2024-11-28", cited=Cited("2.1.0", (PR,)))
    assert found.kind == "mistake" and "before the document was written" in found.basis
    # the cited change comes after the document: outdated
    assert classify_device(history, "late", "cpu", "2024-11-28", cited=Cited("2.7.0", (PR,))).kind == "outdated"


def test_undated_says_why(tmp_path):
    history = history_of(tmp_path, changed=HELD_THEN_CHANGED)
    assert "has no date" in classify_device(history, "changed", "cpu", "").basis
    # no history at all: only a citation could date it
    assert classify_device(None, "changed", "cpu", "2023-01").kind == "undated"
    assert classify_device(None, "changed", "cpu", "2018-12", cited=Cited("2.0.0", (PR,))).kind == "outdated"
    # without a history the release list still dates the document: a change cited before it is a mistake
    assert classify_device(None, "changed", "cpu", "2024-11-28", cited=Cited("2.0.0", (PR,))).kind == "mistake"
    # devices that disagree: undated, and each device's class is kept
    history = history_of(tmp_path, changed=HELD_THEN_CHANGED)
    history.intervals[("changed", "cuda")] = history.intervals[("changed", "cpu")][1:]
    found, per_device = classify(history, "changed", ["cpu", "cuda"], "2023-01")
    assert found.kind == "undated" and [d["kind"] for d in per_device] == ["outdated", "mistake"]


def item(claim, kind, changed_in=None, observed='"none"', evidence=()):
    return {"claim": claim, "key": claim, "class": kind, "changed_in": changed_in, "measured": True,
            "evidence": list(evidence), "findings": [{"observed": observed}]}


def test_one_torch_change_is_one_entry():
    groups = grouped([item("a.zero-grad", "outdated", "2.0.0", '["none"]'), item("b.zero-grad", "outdated", "2.0.0"),
                      item("c.repr", "outdated", "2.12.0", '"BatchNorm2d(bias=True)"'), item("d.wrong", "mistake"),
                      item("e.wrong", "mistake"), item("f.cited", "outdated", "2.0.0", '"other"', (PR,)),
                      item("g.cited", "outdated", "2.0.0", '"another"', (PR,))])
    assert [(g["class"], g["changed_in"], [i["claim"] for i in g["items"]]) for g in groups] == [
        ("mistake", None, ["d.wrong"]), ("mistake", None, ["e.wrong"]),
        ("outdated", "2.0.0", ["a.zero-grad", "b.zero-grad"]), ("outdated", "2.0.0", ["f.cited", "g.cited"]),
        ("outdated", "2.12.0", ["c.repr"])]


DOCS = {"old.txt": {"title": "Old", "language": "en", "date": "2018-12", "author": "A. Author"}}
HANDBOOK = {"name": "PyTorch Handbook", "url": "https://github.com/zergtant/pytorch-handbook", "how": "translated"}
BLITZ = {"name": "PyTorch 60 Minute Blitz", "url": "https://pytorch.org/tutorials/beginner/deep_learning_60min_blitz.html",
         "how": "translated"}


def page_of(tmp_path, records, claims):
    runs = load_runs([results_file(tmp_path, "r.json", "2.14.1", records, documents=DOCS)])
    history = read_history(history_file(tmp_path, claims))
    [page] = build(runs, merge(runs), documents_of(runs, None), [history]).errata
    return page


def test_an_erratum_is_charged_to_the_earliest_author_of_the_words(tmp_path):
    records = [record("a.own", "contradicted", source="old.txt", expected=1, observed=2),
               record("b.chain", "contradicted", source="old.txt", expected=1, observed=2, quoted_from=[HANDBOOK, BLITZ]),
               record("c.zero", "contradicted", source="old.txt", expected="zero", observed="none")]
    claims = [{"claim": c, "device": "cpu", "source": "old.txt", "quote": "q", "intervals": i}
              for c, i in (("a.own", ALWAYS_WRONG), ("b.chain", ALWAYS_WRONG), ("c.zero", HELD_THEN_CHANGED))]
    page = page_of(tmp_path, records, claims)
    assert [i["claim"] for i in page["items"]] == ["a.own", "c.zero"]
    [cited] = page["cited"]
    assert cited["name"] == BLITZ["name"] and [i["claim"] for i in cited["items"]] == ["b.chain"]
    assert cited["items"][0]["chain_text"] == "translated from PyTorch Handbook, which translates PyTorch 60 Minute Blitz"
    assert page["counts"] == {"mistake": 1, "outdated": 1, "undated": 0, "changes": 1, "cited": 1, "cited_mistake": 1,
                              "unreviewed": 0}


def test_fails_are_not_errata_and_an_empty_observation_is_not_what_torch_does(tmp_path):
    records = [record("a.fails", "fails", source="old.txt", expected=["tensor(1.)"], observed=[]),
               record("b.own", "contradicted", source="old.txt", expected=1, observed=2)]
    claims = [{"claim": "b.own", "device": "cpu", "source": "old.txt", "quote": "q", "intervals": ALWAYS_WRONG}]
    page = page_of(tmp_path, records, claims)
    assert [i["claim"] for i in page["items"]] == ["b.own"]
    [unreviewed] = page["unreviewed"]
    assert unreviewed["claim"] == "a.fails" and unreviewed["findings"][0]["nothing_observed"]
    from torchclaims.report.render import render
    from torchclaims.report.load import load_runs as _runs
    runs = _runs([tmp_path / "r.json"])
    html = render(build(runs, merge(runs), documents_of(runs, None)), ["r.json"])
    assert "Not yet reviewed: the document and torch differ" in html
    assert "nothing observed (a tool or set-up problem)" in html


# ---- the command --------------------------------------------------------------------------

def committed_project(tmp_path, known_extra=""):
    """A project as a fresh clone has it: specs, and history/ with history.json and the newest results file."""
    root = tmp_path / "proj"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "sources.yaml").write_text(
        'documents:\n  - {file: old.txt, title: Old, author: A. Author, site: s, date: "2018-12", language: en}\n',
        encoding="utf-8")
    (root / "specs" / "t.yaml").write_text(f"""\
claims:
  - {{id: t.wrong, source: old.txt, quote: q, says: s, check: c, expect: 1, devices: cpu,
     known: {{observed: 2, why: w{known_extra}}}}}
  - {{id: t.changed, source: old.txt, quote: q2, says: s, check: c, expect: zero, devices: cpu,
     known: {{observed: none, why: w}}}}
""", encoding="utf-8")
    history = root / "history"
    history.mkdir()
    records = [record("t.wrong", "contradicted", source="old.txt", expected=1, observed=2),
               record("t.changed", "contradicted", source="old.txt", expected="zero", observed="none")]
    results_file(history, "results-torch-2.14.1.json", "2.14.1", records, documents=DOCS, project="proj")
    claims = [{"claim": "t.wrong", "device": "cpu", "source": "old.txt", "quote": "q", "intervals": ALWAYS_WRONG},
              {"claim": "t.changed", "device": "cpu", "source": "old.txt", "quote": "q2", "intervals": HELD_THEN_CHANGED}]
    history_file(history, claims, project="proj")
    return root


def test_the_errata_command_works_from_the_committed_history(tmp_path, capsys):
    root = committed_project(tmp_path)
    assert main(["errata", "--project", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [doc] = data["documents"]
    assert {e["claim"]: e["class"] for e in doc["errata"]} == {"t.wrong": "mistake", "t.changed": "outdated"}
    assert data["torch"] == "2.14.1" and data["totals"]["mistake"] == 1
    assert main(["errata", "--project", str(root)]) == 0
    text = capsys.readouterr().out
    assert "1 mistake, 1 outdated (1 change of torch), 0 undated" in text and "outdated 2.0.0" in text


def test_ci_fails_on_a_new_mistake_not_on_torch_moving_on(tmp_path, capsys):
    root = committed_project(tmp_path)
    assert main(["errata", "--project", str(root), "--fail-on", "mistake"]) == 1
    assert "mistake: t.wrong" in capsys.readouterr().err
    baseline = tmp_path / "accepted.txt"
    baseline.write_text("# reviewed 2026-12\nt.wrong\n", encoding="utf-8")
    assert main(["errata", "--project", str(root), "--fail-on", "mistake", "--baseline", str(baseline)]) == 0
    # a cited change after the document, added to the spec: no run needed, the mistake becomes outdated
    root = committed_project(tmp_path / "cited", known_extra=f", changed_in: '2.0.0', evidence: ['{PR}']")
    assert main(["errata", "--project", str(root), "--fail-on", "mistake"]) == 0
    assert "outdated 2.0.0" in capsys.readouterr().out


def test_no_history_is_a_clear_answer(tmp_path, capsys):
    root = committed_project(tmp_path)
    (root / "history" / "history.json").unlink()
    assert main(["errata", "--project", str(root)]) == 2
    assert "no release history" in capsys.readouterr().err


@pytest.mark.parametrize("project", ["projects/ja-intros", "examples/pytorch-tutorials"])
def test_the_committed_histories_give_classes(project, capsys):
    from torchclaims.paths import REPO_ROOT

    assert main(["errata", "--project", str(REPO_ROOT / project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    found = [e for d in data["documents"] for e in d["errata"]]
    assert found and {e["class"] for e in found} <= {"mistake", "outdated", "undated"}
    assert all(e["basis"] for e in found)


def test_the_history_data_carries_each_erratums_class(tmp_path):
    from tests.history_data import RELEASES
    from torchclaims.history.timeline import build_history
    from torchclaims.results import write_results

    documents = {"doc.txt": {"title": "T", "date": "2020-04-15", "language": "en"}}
    paths = []
    for torch, verdict, observed in (("1.0.1", "holds", 1), ("1.1.1", "holds", 1), ("1.2.0", "contradicted", 2),
                                     ("1.3.1", "contradicted", 2)):
        records = [record("t.changed", verdict, source="doc.txt", expected=1, observed=observed),
                   record("t.always", "contradicted", source="doc.txt", expected=1, observed=2)]
        paths.append(write_results(tmp_path / f"results-torch-{torch}.json", {"torch": torch}, records, documents))
    history = build_history(paths, RELEASES)
    found = {c["claim"]: c.get("erratum") for c in history["claims"]}
    assert found["t.changed"]["class"] == "outdated" and found["t.changed"]["changed_in"] == "1.2.0"
    assert found["t.changed"]["written"] == "1.1.1" and found["t.changed"]["measured"]
    assert found["t.always"]["class"] == "mistake"
