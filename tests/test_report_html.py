"""The page: every text from specs or results is escaped; it is self-contained; the commands write it."""

import json
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.report_data import gpu, record, results_file
from torchclaims.cli import main
from torchclaims.report.write import write_report

SCRIPT = "<script>alert('x')</script>"
QUOTES = "\"double\" 'single' `back` </td></tr></table>"
JAPANESE = "テンソルとNumPy配列はメモリを共有しており、一方を変更すると他方も変化します。"
LONG = "long message " * 20_000  # 260 kB


class Page(HTMLParser):
    """The page as a browser's parser sees it: text, attributes, script elements and the embedded claims data."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[dict] = []
        self.data_text: str | None = None
        self._in_data = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_data = dict(attrs).get("id") == "claims-data"
        self.attributes += [value for _, value in attrs if value]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data_text = (self.data_text or "") + data
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)

    @property
    def data(self) -> dict:
        """The claims data exactly as the page's script reads it (JSON.parse of the element's text)."""
        return json.loads(self.data_text)

    def claim_texts(self) -> str:
        """Every text the script can put into the claims table."""
        data = self.data
        found = [*data["strings"]]
        for c in data["claims"]:
            found += [c["id"], c["s"], c["d"], c["t"], c["p"]]
        found += [e["label"] for e in data["envs"]] + data["verdicts"]
        return "\n".join(found)


def hostile_report(tmp_path):
    evil = f"{SCRIPT}{QUOTES}"
    records = [
        record(f"evil.{SCRIPT}", "contradicted", source=f"{SCRIPT}.txt", topic=f"topic{QUOTES}",
               says=f"says {evil}", quote=f"{JAPANESE}{SCRIPT}", expected={"k": evil}, observed={"k": SCRIPT},
               message=f"why {evil}"),
        record("evil.long", "error", message=LONG, details=f"Traceback {SCRIPT}", says=JAPANESE),
        record("evil.drift", "holds"), record("evil.drift", "fails", "cuda", message=f"drift {SCRIPT}"),
        record("evil.verdict", f"odd{QUOTES}{SCRIPT}", f"dev{QUOTES}"),
        record("evil.cited", "contradicted", quoted_from={"name": f"cited {SCRIPT}", "url": "javascript:alert(1)"}),
    ]
    path = results_file(tmp_path, "hostile.json", f"2.14.1{SCRIPT}", records, cpu=f"CPU {QUOTES}",
                        accelerators=gpu(f"GPU {SCRIPT}"))
    html, _ = write_report([path], tmp_path / "conformance.html", specs_dir=None)
    return html.read_text(encoding="utf-8")


def test_hostile_strings_are_text_never_markup(tmp_path):
    html = hostile_report(tmp_path)
    page = Page(html)
    # the page's own script and its JSON data block, nothing injected
    assert [s.get("type") for s in page.scripts] == ["application/json", None]
    assert "<script>alert" not in html
    assert "</td></tr></table>\"" not in html
    assert "<" not in page.data_text  # tojson escaped every <: no text can end the data block
    text = page.all_text
    for needle in (f"says {SCRIPT}{QUOTES}", f"why {SCRIPT}{QUOTES}", JAPANESE, f"evil.{SCRIPT}",
                   f"CPU {QUOTES}", f"drift {SCRIPT}", f"cited {SCRIPT}"):
        assert needle in text, needle          # server-rendered: errata, drift, environments
    claims = page.claim_texts()
    for needle in (f"says {SCRIPT}{QUOTES}", f"why {SCRIPT}{QUOTES}", f"{JAPANESE}{SCRIPT}", f"evil.{SCRIPT}",
                   f"Traceback {SCRIPT}", f"topic{QUOTES}", f"odd{QUOTES}{SCRIPT}", f"dev{QUOTES}"):
        assert needle in claims, needle        # the claims table's data, read back exactly
    # attribute values come back intact: quotes did not end them early
    assert f"topic{QUOTES}" in page.attributes
    assert f"{SCRIPT}.txt" in page.attributes
    assert "javascript:alert(1)" not in page.attributes  # a cited source's URL is a link only when it is http(s)


def test_the_script_writes_data_as_text_only():
    from importlib.resources import files

    script = (files("torchclaims.report") / "templates" / "report.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_very_long_messages_are_kept_whole(tmp_path):
    assert LONG in Page(hostile_report(tmp_path)).data["strings"]


def test_japanese_is_written_as_utf8_text_with_its_language(tmp_path):
    html = hostile_report(tmp_path)
    assert JAPANESE in html  # not as character references, neither in the markup nor in the data
    assert JAPANESE in Page(html).data_text
    assert '<meta charset="utf-8">' in html


def test_the_page_is_self_contained(tmp_path):
    html = hostile_report(tmp_path)
    page = Page(html)
    assert not {"link", "iframe", "object", "embed"} & set(page.tags)
    assert not re.search(r"""src\s*=\s*["']?(?!data:)""", html)   # anything embedded is a data: URI
    assert "@import" not in html and "url(" not in html and "@font-face" not in html


def test_filters_are_hidden_until_the_script_shows_them(tmp_path):
    html = hostile_report(tmp_path)
    assert '<form id="filters" class="filters" hidden>' in html
    assert len(Page(html).data["claims"]) == 5  # every claim is in the page's data


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip() == s and "\r" not in s and "\x00" not in s))
def test_any_statement_comes_back_as_the_same_text(tmp_path, says):
    path = results_file(tmp_path, "r.json", "2.14.1", [record("any.claim", "contradicted", says=says)])
    html, _ = write_report([path], tmp_path / "any.html", specs_dir=None)
    page = Page(html.read_text(encoding="utf-8"))
    assert page.data["claims"][0]["s"] == says   # in the claims table's data
    assert says in page.all_text                  # in the errata, as text
    assert len(page.scripts) == 2


def test_report_command_merges_several_files(tmp_path, capsys):
    a = results_file(tmp_path, "a.json", "2.9.1", [record("a.x", "holds")])
    b = results_file(tmp_path, "b.json", "2.14.1", [record("a.x", "contradicted", message="changed")])
    out = tmp_path / "site" / "conformance.html"
    assert main(["report", str(a), str(b), "-o", str(out)]) == 0
    assert out.exists() and out.with_suffix(".csv").exists()
    assert "report:" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "torch 2.9.1" in html and "torch 2.14.1" in html and "changed" in html


def test_run_passes_report_and_no_report_to_the_plugin(tmp_path, monkeypatch):
    import pytest

    seen = []
    monkeypatch.setattr(pytest, "main", lambda argv: seen.append(argv) or 0)
    results = str(tmp_path / "results.json")
    assert main(["run", "--results", results, "--report", str(tmp_path / "c.html")]) == 0
    assert main(["run", "--results", results, "--report", str(tmp_path / "d.html"), "--no-report"]) == 0
    first, second = seen
    assert first[first.index("--report") + 1] == str(tmp_path / "c.html") and "--no-report" not in first
    assert "--no-report" in second and "--report" not in second


def test_an_erratum_compares_key_by_key_in_lean_markup_and_keeps_long_values_whole(tmp_path):
    long_list = list(range(60))
    records = [record("a.x", "contradicted", expected={"lr": "required", "n": 1, "big": [0]},
                      observed={"lr": 0.001, "n": 1, "big": long_list}, message="lr has a default")]
    html, _ = write_report([results_file(tmp_path, "r.json", "2.14.1", records)], tmp_path / "c.html", specs_dir=None)
    text = html.read_text(encoding="utf-8")
    table = text[text.index('<table class="grid diff">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr( class=\"differs\")?><td class=\"k\">(\w+)", table)
    assert [(key, bool(differs)) for differs, key in rows] == [("big", True), ("lr", True), ("n", False)]
    assert "<pre>" not in table and "<code>" not in table        # a cell per value: fewer elements to parse
    # a long value is indented for reading, whole, in a box that scrolls
    [long] = re.findall(r'<div class="long">(.*?)</div>', table, flags=re.S)
    assert json.loads(long) == long_list and "\n" in long
    assert "<td class=\"v\">&#34;required&#34;</td>" in table
