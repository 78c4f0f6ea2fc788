"""The shelf-life plot, written as SVG text (no matplotlib), and the history's strips worked out once."""

import base64
import re
import xml.etree.ElementTree as ET

from tests.report_data import history_file
from torchclaims.report import history as hist
from torchclaims.report.plot import describe, shelf_life_svg, shelf_life_svg_text

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [("1.13.1", 10, 10), ("2.0.1", 9, 10), ("2.1.2", 0, 0), ("2.2.2", 5, 10), ("2.14.1", 3, 12)]


def parsed(points=POINTS, written=None):
    return ET.fromstring(shelf_life_svg_text(points, written).split("?>", 1)[1])


def test_the_plot_is_well_formed_svg_with_one_point_per_decided_line():
    svg = parsed()
    assert svg.tag == f"{SVG}svg" and (svg.get("width"), svg.get("height")) == ("422", "149")
    assert len(svg.findall(f"{SVG}circle")) == 4                    # 2.1.2 decided nothing: no point
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert labels == ["0%", "50%", "100%", "1.13", "2.0", "2.1", "2.2", "2.14"]


def test_a_line_where_nothing_was_decided_breaks_the_line_and_the_area():
    lines = parsed().findall(f"{SVG}polyline")
    assert len(lines) == 2 and len(parsed().findall(f"{SVG}polygon")) == 2
    first, second = ([tuple(map(float, p.split(","))) for p in line.get("points").split()] for line in lines)
    assert len(first) == 2 and len(second) == 2
    # 100 % and 90 % on the first two lines: the first point is higher (smaller y) than the second
    assert first[0][1] < first[1][1]
    # shares map to heights in proportion: 50 % (2.2.2) lies halfway between the 0 % and 100 % grid lines
    grid = {t.text: float(t.get("y")) - 3.5 for t in parsed().findall(f"{SVG}text") if t.text.endswith("%")}
    assert abs(second[0][1] - (grid["0%"] + grid["100%"]) / 2) < 0.2


def test_the_line_current_when_written_is_dashed_and_only_when_checked():
    dashed = lambda svg: [e for e in svg.findall(f"{SVG}line") if e.get("stroke-dasharray")]  # noqa: E731
    assert len(dashed(parsed(written="2.0.1"))) == 1
    assert dashed(parsed(written="1.0.0")) == [] and dashed(parsed(written=None)) == []


def test_the_plot_is_a_data_uri_with_no_script_and_its_words_match():
    uri = shelf_life_svg(POINTS, "2.0.1")
    assert uri.startswith("data:image/svg+xml;base64,")
    text = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert text == shelf_life_svg_text(POINTS, "2.0.1") and "<script" not in text
    assert describe(POINTS).startswith("torch 1.13.1: 10 of 10 hold; torch 2.0.1: 9 of 10 hold; torch 2.1.2: none checked")


def test_label_text_is_escaped():
    text = shelf_life_svg_text([("<b>&", 1, 1)])
    assert "<b>" not in text and "&lt;b&gt;&amp;" in text


def test_one_point_alone_is_drawn():
    svg = parsed([("2.14.1", 1, 2)])
    assert len(svg.findall(f"{SVG}circle")) == 1 and re.fullmatch(r"[\d.]+,[\d.]+", svg.find(f"{SVG}polyline").get("points"))


def test_strips_are_the_interval_on_each_line_and_are_not_shared_between_callers(tmp_path):
    claims = [{"claim": "c", "device": "cpu", "source": "d.txt", "quote": "q", "intervals": [
        {"since": "1.13.1", "until": "2.0.0", "verdict": "holds", "observed": 1},
        {"since": "2.0.0", "until": None, "verdict": "contradicted", "observed": 2}]}]
    history = hist.read_history(history_file(tmp_path, claims))
    first = hist.strip(history, "c", "cpu")
    assert [i.verdict for i in first] == ["holds", "contradicted", "contradicted"]
    assert first == [history.at("c", "cpu", line) for line in history.lines]
    first.clear()                                             # a caller's list is its own: the cache is untouched
    assert len(hist.strip(history, "c", "cpu")) == 3
    assert hist.strip(history, "c", "cuda") == [None, None, None]
    history.releases.append({"torch": "2.15.0", "line": True})   # new lines: the strips are worked out again
    assert [i.verdict for i in hist.strip(history, "c", "cpu")] == ["holds", "contradicted", "contradicted", "contradicted"]
