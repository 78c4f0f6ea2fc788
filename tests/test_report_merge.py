"""Reading and merging results files: environments, newer runs winning, the CSV matrix."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.report_data import CPU, gpu, record, results_file
from torchclaims.report.build import csv_matrix, matrix, write_csv
from torchclaims.report.load import load_runs, merge
from torchclaims.report.write import write_report


def merged(*paths):
    found = merge(load_runs(paths))
    return found.frame(), found.environments


def test_one_column_per_device_torch_and_machine_sorted_by_version(tmp_path):
    files = [results_file(tmp_path, f"r{v}.json", v, [record("a.x", "holds")]) for v in ("2.14.1", "2.9.1", "2.13.0+cpu")]
    files.append(results_file(tmp_path, "gpu.json", "2.14.1", [record("a.x", "holds"), record("a.x", "holds", "cuda")],
                              accelerators=gpu()))
    frame, envs = merged(*files)
    # packaging's version order (2.9.1 < 2.13.0), CPU columns before accelerators; machine = CPU or GPU name
    assert list(envs["env"]) == [
        f"cpu · torch 2.9.1 · {CPU}", f"cpu · torch 2.13.0+cpu · {CPU}", f"cpu · torch 2.14.1 · {CPU}",
        f"cpu · torch 2.14.1 · {CPU} + Test GPU X", f"cuda · torch 2.14.1 · {CPU} + Test GPU X"]
    assert len(frame) == 5


def test_the_newer_run_wins_in_the_same_environment(tmp_path):
    old = results_file(tmp_path, "old.json", "2.14.1", [record("a.x", "fails"), record("a.y", "holds")],
                       started="2026-01-01T00:00:00+00:00")
    new = results_file(tmp_path, "new.json", "2.14.1", [record("a.x", "holds")], started="2026-02-01T00:00:00+00:00")
    for order in ((old, new), (new, old)):
        frame, envs = merged(*order)
        verdicts = dict(zip(frame["claim"], frame["verdict"]))
        assert verdicts == {"a.x": "holds", "a.y": "holds"}, order
        assert len(envs) == 1


def test_parity_records_fill_the_accelerators_column(tmp_path):
    path = results_file(tmp_path, "r.json", "2.14.1", [record("p.x", "holds", "cuda-vs-cpu"), record("a.x", "holds", "cuda")],
                        accelerators=gpu())
    frame, envs = merged(path)
    assert list(envs["device"]) == ["cuda"]
    assert set(frame["target"]) == {"cuda-vs-cpu", "cuda"}


def test_matrix_leaves_blank_where_a_claim_was_not_checked(tmp_path):
    a = results_file(tmp_path, "a.json", "2.9.1", [record("a.x", "holds")])
    b = results_file(tmp_path, "b.json", "2.14.1", [record("a.x", "contradicted"), record("b.new", "holds")])
    table = matrix(merge(load_runs([a, b])))
    assert table.loc["b.new"].tolist() == ["", "holds"]
    assert table.loc["a.x"].tolist() == ["holds", "contradicted"]


def test_csv_has_claim_facts_and_one_column_per_environment(tmp_path):
    a = results_file(tmp_path, "a.json", "2.9.1", [record("a.x", "holds", says="Says, with a comma")])
    b = results_file(tmp_path, "b.json", "2.14.1", [record("a.x", "contradicted", says="Says, with a comma")])
    html, csv = write_report([a, b], tmp_path / "out" / "conformance.html")
    assert html.exists() and csv == tmp_path / "out" / "conformance.csv"
    table = pd.read_csv(csv)
    assert list(table.columns) == ["claim", "source", "topic", "says", f"cpu · torch 2.9.1 · {CPU}", f"cpu · torch 2.14.1 · {CPU}"]
    assert table.iloc[0].tolist()[-2:] == ["holds", "contradicted"]
    assert table.iloc[0]["says"] == "Says, with a comma"


def test_a_file_that_is_not_a_results_file_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"schema": "something/else"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a torchclaims results file"):
        load_runs([path])


def test_empty_results_file_still_builds_a_page(tmp_path):
    path = results_file(tmp_path, "empty.json", "2.14.1", [])
    html, csv = write_report([path], tmp_path / "conformance.html")
    assert "0</span><span class=\"k\">claims" in html.read_text(encoding="utf-8")


def test_the_csv_is_what_pandas_would_write(tmp_path):
    """write_csv (the csv module) writes what csv_matrix(...).to_csv(index=False) did, for awkward text too."""
    awkward = 'a "quoted", comma\nand a newline; テンソル'
    a = results_file(tmp_path, "a.json", "2.9.1", [record("a.x", "holds", says=awkward), record("a.y", "fails", says="")],
                     project="one")
    b = results_file(tmp_path, "b.json", "2.14.1", [record("a.x", "contradicted", says=awkward, topic="t,1")],
                     project="two")
    found = merge(load_runs([a, b]))
    written = write_csv(found, tmp_path / "m.csv").read_text(encoding="utf-8")
    assert written == csv_matrix(found).to_csv(index=False)
    assert list(pd.read_csv(tmp_path / "m.csv", keep_default_na=False)["says"]) == [awkward, "", awkward]
    assert list(csv_matrix(found).columns)[:5] == ["claim", "project", "source", "topic", "says"]


def test_writing_the_report_does_not_import_pandas(tmp_path):
    """pandas' import cost more than the rest of `torchclaims report` on a 17-line history: the report path avoids it."""
    path = results_file(tmp_path, "r.json", "2.14.1", [record("a.x", "holds")])
    code = ("import sys; from torchclaims.report import write_report; "
            f"write_report([{str(path)!r}], {str(tmp_path / 'c.html')!r}, specs_dir=None); "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False" and (tmp_path / "c.csv").read_text(encoding="utf-8").startswith("claim,")


def test_a_claims_facts_come_from_its_newest_record_whatever_the_file_order(tmp_path):
    old = results_file(tmp_path, "old.json", "2.9.1", [record("a.x", "holds", says="old words", quote="古い", topic="t1",
                                                              quoted_from={"name": "docs", "url": "u"})],
                       started="2026-01-01T00:00:00+00:00")
    new = results_file(tmp_path, "new.json", "2.14.1", [record("a.x", "holds", says="new words", quote="新しい", topic="t2")],
                       started="2026-02-01T00:00:00+00:00")
    for order in ((old, new), (new, old)):
        [claim] = merge(load_runs(order)).claims.values()
        assert (claim.says, claim.quote, claim.topic, claim.quoted_from) == ("new words", "新しい", "t2", ""), order
        assert len(claim.records) == 2
