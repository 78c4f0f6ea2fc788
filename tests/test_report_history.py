"""The release history in the report: strips, changes by release, dated errata, shelf life; and
titles from the results files, several projects in one page, errors of cited sources, differing keys."""

import base64
import json

from tests.report_data import history_file, record, results_file
from tests.test_report_html import Page
from torchclaims import spec
from torchclaims.cli import main, report_beside
from torchclaims.paths import DEFAULT_PROJECT
from torchclaims.report.build import build, compared
from torchclaims.report.history import first_day, read_history, written_on
from torchclaims.report.load import load_runs, merge
from torchclaims.report.write import documents_of, write_report

# three documents: written on 2.5.1 (2024-11-28), on 1.13.1 (2023-01), and before any checked release (2018-12)
DOCS = {"new.txt": {"title": "新しい記事", "language": "ja", "date": "2024-11-28"},
        "mid.txt": {"title": "Mid article", "language": "en", "date": "2023-01", "date_estimated": True},
        "old.txt": {"title": "Old article", "language": "en", "date": "2018-12"}}
CHANGED = [{"since": "1.13.1", "until": "2.0.0", "verdict": "holds", "observed": {"lr": "required", "n": 1}},
           {"since": "2.0.0", "until": None, "verdict": "contradicted", "observed": {"lr": 0.001, "n": 1}}]


def history_claims():
    found = []
    for source in DOCS:
        for device in ("cpu", "cuda"):
            found.append({"claim": f"{source}.sgd", "device": device, "source": source, "quote": "lr は必須",
                          "intervals": CHANGED})
    found.append({"claim": "new.txt.always", "device": "cpu", "source": "new.txt", "quote": "q",
                  "intervals": [{"since": "1.13.1", "until": None, "verdict": "holds", "observed": 1}]})
    found.append({"claim": "new.txt.late", "device": "cpu", "source": "new.txt", "quote": "q",
                  "intervals": [{"since": "1.13.1", "until": "2.14.1", "verdict": "not-run", "observed": None},
                                {"since": "2.14.1", "until": None, "verdict": "contradicted", "observed": 2}]})
    return found


def history_changes():
    return [{"claim": "new.txt.sgd", "device": device, "quote": "lr は必須", "source": "new.txt",
             "torch_before": "1.13.1", "verdict_before": "holds", "observed_before": {"lr": "required", "n": 1},
             "torch_after": "2.0.0", "verdict_after": "contradicted", "observed_after": {"lr": 0.001, "n": 1}}
            for device in ("cpu", "cuda")]


def newest_results(tmp_path, **info):
    records = [record(f"{source}.sgd", "contradicted", source=source, expected={"lr": "required", "n": 1},
                      observed={"lr": 0.001, "n": 1}, message="lr has a default") for source in DOCS]
    records += [record("new.txt.always", "holds", source="new.txt"),
                record("new.txt.late", "contradicted", source="new.txt", expected=1, observed=2)]
    return results_file(tmp_path, "results-torch-2.14.1.json", "2.14.1", records, documents=DOCS, **info)


def history_report(tmp_path):
    runs = load_runs([newest_results(tmp_path)])
    history = read_history(history_file(tmp_path, history_claims(), history_changes()))
    return build(runs, merge(runs), documents_of(runs, None), [history])


def test_a_document_date_maps_to_the_release_current_then(tmp_path):
    history = read_history(history_file(tmp_path, history_claims()))
    assert first_day("2023-01").isoformat() == "2023-01-01" and first_day("2018").isoformat() == "2018-01-01"
    assert written_on("2024-11-28", history) == "2.5.1"
    assert written_on("2023-01", history) == "1.13.1"
    assert written_on("2018-12", history) is None     # older than every release listed


def test_errata_items_carry_their_class_and_what_it_rests_on(tmp_path):
    pages = {page["source"]: page for page in history_report(tmp_path).errata}
    [item] = [i for i in pages["new.txt"]["items"] if i["claim"] == "new.txt.sgd"]
    # written on 2.5.1, wrong there: a mistake, measured
    assert (item["class"], item["written"]) == ("mistake", "2.5.1")
    assert item["basis"] == "wrong on torch 2.5.1, current when the document was written (2024-11-28)"
    # written on 1.13.1, held there, changed in 2.0.0: outdated, measured
    [mid] = pages["mid.txt"]["items"]
    assert (mid["class"], mid["changed_in"], mid["measured"], mid["inferred"]) == ("outdated", "2.0.0", True, False)
    # older than every release checked, held on the oldest and changed later: outdated, inferred, and said so
    [old] = pages["old.txt"]["items"]
    assert (old["class"], old["changed_in"], old["inferred"]) == ("outdated", "2.0.0", True)
    assert "it held there and torch changed in 2.0.0. That it held when written too is an inference" in old["basis"]
    # first checkable on 2.14.1, after the document: wrong on every release checked and nothing cited, a mistake
    [late] = [i for i in pages["new.txt"]["items"] if i["claim"] == "new.txt.late"]
    assert late["class"] == "mistake"
    assert late["basis"] == ("written 2024-11-28 on torch 2.5.1, before torch 2.14.1, the oldest release checked for "
                             "this claim; wrong on every release checked (torch 2.14.1 to 2.14.1), and nothing cited "
                             "says torch changed")
    assert pages["new.txt"]["counts"] == {"mistake": 2, "outdated": 0, "undated": 0, "changes": 0, "cited": 0,
                                          "cited_mistake": 0, "unreviewed": 0}


def test_every_claim_has_a_strip_with_one_cell_per_release_line(tmp_path):
    report = history_report(tmp_path)
    assert report.lines == ["1.13.1", "2.0.1", "2.14.1"]
    claims = {c["claim"]: c for c in report.claims}
    [cpu, cuda] = claims["new.txt.sgd"]["strips"]
    assert (cpu["device"], cuda["device"]) == ("cpu", "cuda")
    assert [(c["torch"], c["verdict"], c["observed"]) for c in cpu["cells"]] == [
        ("1.13.1", "holds", '{"lr": "required", "n": 1}'), ("2.0.1", "contradicted", '{"lr": 0.001, "n": 1}'),
        ("2.14.1", "contradicted", '{"lr": 0.001, "n": 1}')]
    assert [c["verdict"] for c in claims["new.txt.late"]["strips"][0]["cells"]] == ["not-run", "not-run", "contradicted"]


def test_changes_are_grouped_by_the_first_release_with_the_new_behaviour(tmp_path):
    [group] = history_report(tmp_path).changes
    assert group["torch"] == "2.0.0"
    [change] = group["changes"]    # the same change on CPU and CUDA is listed once
    assert change["devices"] == ["cpu", "cuda"] and change["title"] == "新しい記事"
    assert (change["torch_before"], change["verdict_before"], change["verdict_after"]) == ("1.13.1", "holds", "contradicted")
    assert [r["key"] for r in change["rows"] if r["differs"]] == ["lr"]


def test_each_document_gets_a_shelf_life_plot(tmp_path):
    shelf = {s["source"]: s for s in history_report(tmp_path).shelf}
    assert set(shelf) == set(DOCS)
    new = shelf["new.txt"]
    # new.txt: sgd on cpu and cuda, always, late (not-run is left out): 3/3 hold on 1.13.1, 1/3 on 2.0.1, 1/4 on 2.14.1
    assert new["alt"] == "torch 1.13.1: 3 of 3 hold; torch 2.0.1: 1 of 3 hold; torch 2.14.1: 1 of 4 hold"
    assert new["svg"].startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(new["svg"].split(",", 1)[1]).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<script" not in svg and "2.14" in svg


def test_the_page_shows_the_history_and_stays_self_contained(tmp_path):
    out = tmp_path / "page.html"
    history = history_file(tmp_path, history_claims(), history_changes())
    assert main(["report", str(newest_results(tmp_path)), "--history", str(history), "-o", str(out)]) == 0
    page = Page(out.read_text(encoding="utf-8"))
    for needle in ("Changes by release", "Shelf life", "torch 2.0.0", "mistake when written", "outdated: torch changed",
                   "Why a mistake: wrong on torch 2.5.1, current when the document was written (2024-11-28)",
                   "What changed since it was written: written 2018-12, before every release listed"):
        assert needle in page.all_text, needle
    assert page.data["lines"] == ["1.13.1", "2.0.1", "2.14.1"]
    [sgd] = [c for c in page.data["claims"] if c["id"] == "new.txt.sgd"]
    assert [device for device, _ in sgd["h"]] == ["cpu", "cuda"]


def test_titles_come_from_the_results_files_documents(tmp_path):
    runs = load_runs([newest_results(tmp_path)])
    documents = documents_of(runs)   # the checkout's specs dir is not read: the results file has `documents`
    assert {key: d.title for key, d in documents.items()} == {k: v["title"] for k, v in DOCS.items()}
    assert documents["mid.txt"].date == "2023-01" and documents["mid.txt"].date_estimated


def test_titles_fall_back_to_the_specs_dir_only_for_a_results_file_without_documents(tmp_path):
    known = spec.load_documents(DEFAULT_PROJECT / "specs", problems=[])
    file, document = next(iter(known.items()))
    old = results_file(tmp_path, "old.json", "2.9.1", [record("a.x", "holds", source=file)])
    runs = load_runs([old])
    assert documents_of(runs)[file].title == document.title
    assert documents_of(runs, None) == {}


def test_several_projects_merge_into_one_page_with_a_project_filter(tmp_path):
    docs_a = {"a.txt": {"title": "Project A's text", "language": "en"}}
    docs_b = {"b.txt": {"title": "Project B's text", "language": "en"}}
    a = results_file(tmp_path, "a.json", "2.14.1", [record("t.same-id", "holds", source="a.txt")], documents=docs_a,
                     project="ja-intros")
    b = results_file(tmp_path, "b.json", "2.14.1", [record("t.same-id", "contradicted", source="b.txt")],
                     documents=docs_b, project="pytorch-tutorials")
    out = tmp_path / "both.html"
    assert main(["report", str(a), str(b), "-o", str(out)]) == 0
    page = Page(out.read_text(encoding="utf-8"))
    claims = {c["k"]: c for c in page.data["claims"]}
    assert set(claims) == {"ja-intros:t.same-id", "pytorch-tutorials:t.same-id"}   # equal ids stay apart
    assert claims["pytorch-tutorials:t.same-id"]["p"] == "pytorch-tutorials"
    assert {"ja-intros", "pytorch-tutorials"} <= set(page.attributes)                # the project filter's options
    assert "Project A's text" in page.all_text and "Project B's text" in page.all_text
    assert page.data["docs"]["b.txt"]["title"] == "Project B's text"


def test_equal_topic_names_of_two_projects_are_counted_apart(tmp_path):
    a = results_file(tmp_path, "a.json", "2.14.1", [record("t.one", "holds", source="a.txt")], project="ja-intros")
    b = results_file(tmp_path, "b.json", "2.14.1", [record("t.two", "contradicted", source="b.txt")],
                     project="pytorch-tutorials")
    runs = load_runs([a, b])
    by_topic = {row["key"]: (row["claims"], row["counts"]["holds"], row["counts"]["contradicted"])
                for row in build(runs, merge(runs)).by_topic}
    assert by_topic == {"ja-intros: tensors": (1, 1, 0), "pytorch-tutorials: tensors": (1, 0, 1)}


def test_a_projects_history_is_not_lent_to_another_project_with_equal_claim_ids(tmp_path):
    intervals = [{"since": "1.13.1", "until": "2.0.1", "verdict": "holds", "observed": 1},
                 {"since": "2.0.1", "until": None, "verdict": "contradicted", "observed": 2}]
    a = results_file(tmp_path, "a.json", "2.14.1", [record("t.sgd", "contradicted", source="a.txt", expected=1, observed=2)],
                     documents={"a.txt": {"title": "A", "language": "en", "date": "2018-12"}}, project="ja-intros")
    b = results_file(tmp_path, "b.json", "2.14.1", [record("t.sgd", "contradicted", source="b.txt", expected=1, observed=2)],
                     documents={"b.txt": {"title": "B", "language": "en", "date": "2018-12"}}, project="pytorch-tutorials")
    history = history_file(tmp_path, [{"claim": "t.sgd", "device": "cpu", "source": "a.txt", "quote": "q",
                                       "intervals": intervals}], project="ja-intros")
    out = tmp_path / "both.html"
    assert main(["report", str(a), str(b), "--history", str(history), "-o", str(out)]) == 0
    claims = {c["k"]: c for c in Page(out.read_text(encoding="utf-8")).data["claims"]}
    assert claims["ja-intros:t.sgd"].get("h")                 # its own project's strip
    assert not claims["pytorch-tutorials:t.sgd"].get("h")     # none borrowed from ja-intros


def test_errors_of_a_cited_source_are_kept_apart_and_not_charged_to_the_author(tmp_path):
    cited = {"name": "PyTorch documentation: torch.no_grad", "url": "https://pytorch.org/docs/stable/generated/torch.no_grad.html"}
    records = [record("own.mistake", "contradicted", expected=1, observed=2),
               record("docs.mistake", "contradicted", expected=1, observed=3, quoted_from=cited)]
    runs = load_runs([results_file(tmp_path, "r.json", "2.14.1", records)])
    [page] = build(runs, merge(runs)).errata
    assert [i["claim"] for i in page["items"]] == ["own.mistake"]
    assert [(c["name"], c["url"], [i["claim"] for i in c["items"]]) for c in page["cited"]] == [
        (cited["name"], cited["url"], ["docs.mistake"])]
    html, _ = write_report([tmp_path / "r.json"], tmp_path / "c.html", specs_dir=None)
    text = Page(html.read_text(encoding="utf-8")).all_text
    assert f"Words of {cited['name']}" in text and "not to the document's author" in text


def test_an_erratum_marks_the_keys_that_differ():
    rows = compared(json.dumps({"shape": [2, 3], "dtype": "torch.float32", "grad": None}),
                    json.dumps({"shape": [2, 3], "dtype": "torch.float64", "extra": 1}))
    assert [(r["key"], r["differs"]) for r in rows] == [("dtype", True), ("extra", True), ("grad", True), ("shape", False)]
    assert rows[1]["expected"] == "(absent)" and rows[2]["observed"] == "(absent)"
    assert compared("1", "2") is None   # not mappings: shown whole
    assert compared('{"a": 1}', '{"a": 1.0}')[0]["differs"]   # 1 and 1.0 are different observations


def test_run_has_the_plugin_write_its_report_beside_its_results_file(tmp_path, monkeypatch):
    import pytest

    seen = []
    monkeypatch.setattr(pytest, "main", lambda argv: seen.append(argv) or 0)  # the plugin writes it (tests/test_plugin.py)
    assert main(["run", "--results", str(tmp_path / "results-torch-2.9.1.json")]) == 0
    assert "--no-report" not in seen[0] and "--report" not in seen[0]   # the plugin's default: beside the results
    assert report_beside(tmp_path / "results-torch-2.9.1.json") == tmp_path / "results-torch-2.9.1.html"
    assert report_beside(tmp_path / "results.json") == tmp_path / "conformance.html"
