"""The results file reads back what was written: NaN, Infinity and integers past 64 bits included."""

import math

from torchclaims.results import SCHEMA, read_results, write_results


def test_nan_and_infinity_read_back(tmp_path):
    # a diverging loss is observed as NaN or Infinity; json writes them, a faster parser (orjson) refuses them
    records = [{"claim": "t.nan", "device": "cpu", "observed": [float("nan"), float("inf")]}]
    path = write_results(tmp_path / "r.json", {"torch": "2.14.1"}, records)
    (record,) = read_results(path)["results"]
    assert math.isnan(record["observed"][0]) and record["observed"][1] == math.inf


def test_integers_past_64_bits_stay_integers(tmp_path):
    # an element count or a seed can pass 64 bits; some fast parsers (orjson) read such integers as floats
    records = [{"claim": "t.big", "device": "cpu", "observed": [2 ** 64, -(2 ** 63) - 1, 2 ** 63 - 1], "expected": 2 ** 70}]
    (record,) = read_results(write_results(tmp_path / "r.json", {"torch": "2.14.1"}, records))["results"]
    assert record["observed"] == [2 ** 64, -(2 ** 63) - 1, 2 ** 63 - 1] and record["expected"] == 2 ** 70
    assert all(type(v) is int for v in record["observed"])


def test_plain_files_read_as_written(tmp_path):
    records = [{"claim": "t.ok", "device": "cpu", "observed": {"shape": [2, 3], "dtype": "torch.float32", "ratio": 1.0, "flag": True},
                "message": "ü ✓"}]
    document = read_results(write_results(tmp_path / "r.json", {"torch": "2.14.1"}, records))
    assert document["schema"] == SCHEMA and document["results"] == records
    assert type(document["results"][0]["observed"]["ratio"]) is float
