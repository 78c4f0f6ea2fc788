"""The page: every text from specs or results is escaped; it is self-contained; the commands write it."""

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
    """The page as a browser's parser sees it: text, attributes and script elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.tags: list[str] = []
        self.scripts = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"
        self.attributes += [value for _, value in attrs if value]

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def hostile_report(tmp_path):
    evil = f"{SCRIPT}{QUOTES}"
    records = [
        record(f"evil.{SCRIPT}", "contradicted", source=f"{SCRIPT}.txt", topic=f"topic{QUOTES}",
               says=f"says {evil}", quote=f"{JAPANESE}{SCRIPT}", expected={"k": evil}, observed={"k": SCRIPT},
               message=f"why {evil}"),
        record("evil.long", "error", message=LONG, details=f"Traceback {SCRIPT}", says=JAPANESE),
        record("evil.drift", "holds"), record("evil.drift", "fails", "cuda", message=f"drift {SCRIPT}"),
        record("evil.verdict", f"odd{QUOTES}{SCRIPT}", f"dev{QUOTES}"),
    ]
    path = results_file(tmp_path, "hostile.json", f"2.14.1{SCRIPT}", records, cpu=f"CPU {QUOTES}",
                        accelerators=gpu(f"GPU {SCRIPT}"))
    html, _ = write_report([path], tmp_path / "conformance.html")
    return html.read_text(encoding="utf-8")


def test_hostile_strings_are_text_never_markup(tmp_path):
    html = hostile_report(tmp_path)
    page = Page(html)
    assert page.scripts == 1  # the page's own filter script, nothing injected
    assert "<script>alert" not in html
    assert "</td></tr></table>\"" not in html
    text = page.all_text
    for needle in (f"says {SCRIPT}{QUOTES}", f"why {SCRIPT}{QUOTES}", JAPANESE, f"evil.{SCRIPT}",
                   f"CPU {QUOTES}", f"drift {SCRIPT}", f"Traceback {SCRIPT}"):
        assert needle in text, needle
    # attribute values come back intact: quotes did not end them early
    assert f"topic{QUOTES}" in page.attributes
    assert f"{SCRIPT}.txt" in page.attributes
    assert f"odd{QUOTES}{SCRIPT}" in text  # even a verdict the harness does not know


def test_very_long_messages_are_kept_whole(tmp_path):
    text = Page(hostile_report(tmp_path)).all_text
    assert LONG in text


def test_japanese_is_written_as_utf8_text_with_its_language(tmp_path):
    html = hostile_report(tmp_path)
    assert JAPANESE in html  # not as character references
    assert '<meta charset="utf-8">' in html


def test_the_page_is_self_contained(tmp_path):
    html = hostile_report(tmp_path)
    page = Page(html)
    assert not {"link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html


def test_filters_are_hidden_until_the_script_shows_them(tmp_path):
    html = hostile_report(tmp_path)
    assert '<form id="filters" class="filters" hidden>' in html
    assert html.count('<tr data-verdicts=') == 4  # every claim row is in the page without the script


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip() == s and "\r" not in s and "\x00" not in s))
def test_any_statement_comes_back_as_the_same_text(tmp_path, says):
    path = results_file(tmp_path, "r.json", "2.14.1", [record("any.claim", "holds", says=says)])
    html, _ = write_report([path], tmp_path / "any.html")
    page = Page(html.read_text(encoding="utf-8"))
    assert says in page.all_text
    assert page.scripts == 1


def test_report_command_merges_several_files(tmp_path, capsys):
    a = results_file(tmp_path, "a.json", "2.9.1", [record("a.x", "holds")])
    b = results_file(tmp_path, "b.json", "2.14.1", [record("a.x", "contradicted", message="changed")])
    out = tmp_path / "site" / "conformance.html"
    assert main(["report", str(a), str(b), "-o", str(out)]) == 0
    assert out.exists() and out.with_suffix(".csv").exists()
    assert "report:" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "torch 2.9.1" in html and "torch 2.14.1" in html and "changed" in html


def test_run_writes_the_report_afterwards_unless_told_not_to(tmp_path, monkeypatch):
    import pytest

    results = tmp_path / "results.json"

    def fake_run(argv):  # stands in for the claims run: it writes the results file
        results_file(tmp_path, "results.json", "2.14.1", [record("a.x", "holds")])
        return 0

    monkeypatch.setattr(pytest, "main", fake_run)
    assert main(["run", "--results", str(results), "--report", str(tmp_path / "c.html")]) == 0
    assert (tmp_path / "c.html").exists() and (tmp_path / "c.csv").exists()
    assert main(["run", "--results", str(results), "--report", str(tmp_path / "d.html"), "--no-report"]) == 0
    assert not (tmp_path / "d.html").exists()
