"""What the page shows: summary counts, errata on the newest torch, drift between environments."""

from tests.report_data import CPU, gpu, record, results_file
from torchclaims.report.build import Document, build
from torchclaims.report.load import load_runs, merge

DOCS = {"000_doc.txt": Document("000_doc.txt", "PyTorch基礎", "ja"), "001_doc.txt": Document("001_doc.txt", "用語集", "ja")}
OLD, NEW = f"cpu · torch 2.9.1 · {CPU}", f"cpu · torch 2.14.1 · {CPU}"


def report_of(tmp_path, *runs):
    paths = [results_file(tmp_path, f"r{i}.json", torch, records, **info) for i, (torch, records, info) in enumerate(runs)]
    loaded = load_runs(paths)
    return build(loaded, merge(loaded), DOCS)


def two_torches(tmp_path):
    old = [record("t.always", "holds"), record("t.changed", "holds", observed=1, expected=1),
           record("t.old-wrong", "contradicted", observed=2, expected=1, message="was wrong on 2.9"),
           record("t.vision", "holds", topic="vision", source="001_doc.txt")]
    new = [record("t.always", "holds"),
           record("t.changed", "contradicted", observed=3, expected=1, message="torch 2.14 returns 3"),
           record("t.old-wrong", "holds", observed=1, expected=1),
           record("t.broken", "fails", observed="x", expected="y", message="observed 'x', expected 'y'", source="001_doc.txt"),
           record("t.vision", "not-run", topic="vision", source="001_doc.txt", message="needs torchvision")]
    return report_of(tmp_path, ("2.14.1", new, {}), ("2.9.1", old, {}))


def test_summary_counts_by_verdict_document_and_topic(tmp_path):
    report = two_torches(tmp_path)
    assert report.claim_count == 5
    assert report.totals == {"holds": 5, "contradicted": 2, "fails": 1, "error": 0, "not-run": 1}
    by_doc = {row["key"]: row for row in report.by_document}
    assert by_doc["001_doc.txt"]["name"] == "用語集"
    assert by_doc["001_doc.txt"]["counts"] == {"holds": 1, "contradicted": 0, "fails": 1, "error": 0, "not-run": 1}
    assert by_doc["001_doc.txt"]["claims"] == 2
    assert {row["key"]: row["total"] for row in report.by_topic} == {"tensors": 7, "vision": 2}
    assert [env["env"] for env in report.environments] == [OLD, NEW]


def test_claim_rows_have_one_cell_per_environment(tmp_path):
    rows = {c["claim"]: c for c in two_torches(tmp_path).claims}
    assert rows["t.changed"]["cells"] == ["holds", "contradicted"]
    assert rows["t.broken"]["cells"] == ["", "fails"]
    assert rows["t.changed"]["title"] == "PyTorch基礎" and rows["t.changed"]["language"] == "ja"
    assert rows["t.changed"]["quote"] == "テンソルは配列です。"


def test_errata_list_what_each_document_gets_wrong_on_the_newest_torch(tmp_path):
    report = two_torches(tmp_path)
    assert report.newest_torch == "2.14.1"
    pages = {page["source"]: page for page in report.errata}
    assert set(pages) == {"000_doc.txt", "001_doc.txt"}
    [changed] = pages["000_doc.txt"]["items"]   # t.old-wrong was wrong on 2.9.1 only: not an erratum now
    assert changed["claim"] == "t.changed"
    assert changed["findings"] == [{"verdict": "contradicted", "expected": "1", "observed": "3", "why": "torch 2.14 returns 3",
                                    "envs": [NEW], "rows": None, "nothing_observed": False}]
    assert changed["expected"] == "1"
    # no history, no date: the erratum is undated, and says why
    assert changed["class"] == "undated" and "no date" in changed["basis"]
    # a claim that fails is not an erratum: it is listed apart, not yet reviewed, with its comparison
    assert pages["001_doc.txt"]["items"] == [] and pages["001_doc.txt"]["counts"]["mistake"] == 0
    [unreviewed] = pages["001_doc.txt"]["unreviewed"]
    assert unreviewed["claim"] == "t.broken" and unreviewed["findings"][0]["verdict"] == "fails"
    assert (unreviewed["findings"][0]["expected"], unreviewed["findings"][0]["observed"]) == ('"y"', '"x"')
    assert pages["000_doc.txt"]["title"] == "PyTorch基礎"


def test_errata_take_the_newest_torch_by_version_not_by_text(tmp_path):
    report = report_of(tmp_path, ("2.13.0+cpu", [record("a", "holds")], {}),
                       ("2.9.1", [record("a", "contradicted", message="old")], {}))
    assert report.newest_torch == "2.13.0"
    assert report.errata == []


def test_drift_between_torch_versions(tmp_path):
    drift = {d["claim"]: d for d in two_torches(tmp_path).drift}
    # t.vision is not-run on the new torch: not drift; t.broken ran on one torch only
    assert set(drift) == {"t.changed", "t.old-wrong"}
    changed = drift["t.changed"]
    assert changed["across"] == ["torch versions"]
    assert changed["groups"] == [
        {"verdict": "holds", "envs": [OLD], "messages": [], "where": [f"cpu · {CPU}: torch 2.9.1"]},
        {"verdict": "contradicted", "envs": [NEW], "messages": ["torch 2.14 returns 3"], "where": [f"cpu · {CPU}: torch 2.14.1"]}]


def test_drift_between_cpu_and_cuda(tmp_path):
    records = [record("d.x", "holds"), record("d.x", "fails", "cuda", message="differs on cuda"),
               record("d.y", "holds"), record("d.y", "holds", "cuda")]
    report = report_of(tmp_path, ("2.14.1", records, {"accelerators": gpu()}))
    [only] = report.drift
    assert only["claim"] == "d.x" and only["across"] == ["devices"]
    assert [g["envs"] for g in only["groups"]] == [[f"cpu · torch 2.14.1 · {CPU} + Test GPU X"],
                                                  [f"cuda · torch 2.14.1 · {CPU} + Test GPU X"]]


def test_detail_groups_merge_environments_that_agree(tmp_path):
    same = [record("a", "holds", observed=[1, 2], expected=[1, 2])]
    report = report_of(tmp_path, ("2.9.1", same, {}), ("2.14.1", same, {}))
    [groups] = [c["groups"] for c in report.claims]
    assert len(groups) == 1 and groups[0]["envs"] is None  # "everywhere it was checked"
    assert groups[0]["observed"] == "[1, 2]"
    rows = {c["claim"]: c for c in two_torches(tmp_path).claims}
    assert [g["envs"] for g in rows["t.changed"]["groups"]] == [[OLD], [NEW]]


def test_detail_groups_tell_1_from_1_0_and_true_and_merge_equal_values_read_from_different_files(tmp_path):
    runs = [("2.9.1", [record("a", "holds", expected={"n": 1, "s": "x"}, observed={"n": 1, "s": "x"})], {}),
            ("2.10.0", [record("a", "holds", expected={"n": 1, "s": "x"}, observed={"n": 1.0, "s": "x"})], {}),
            ("2.11.0", [record("a", "holds", expected={"n": 1, "s": "x"}, observed={"n": True, "s": "x"})], {}),
            ("2.14.1", [record("a", "holds", expected={"n": 1, "s": "x"}, observed={"n": 1, "s": "x"})], {})]
    [claim] = report_of(tmp_path, *runs).claims
    observed = [(g["observed"], len(g["envs"])) for g in claim["groups"]]
    # 2.9.1 and 2.14.1 agree (equal values, separate objects read from two files); 1.0 and true differ from 1
    assert observed == [('{"n": 1, "s": "x"}', 2), ('{"n": 1.0, "s": "x"}', 1), ('{"n": true, "s": "x"}', 1)]


def test_drift_says_what_differs_between_the_disagreeing_environments(tmp_path):
    report = report_of(tmp_path, ("2.9.1", [record("a", "holds")], {"accelerators": gpu()}),
                       ("2.14.1", [record("a", "contradicted")], {}))
    assert report.drift[0]["across"] == ["torch versions and machines"]
