"""The report in a real browser: headless Chromium (Debian's), driven by selenium.

Checks that the summary numbers and the claim rows are there and that filtering by verdict
works, and saves a screenshot under reports/. Skips, saying why, without chromium/chromedriver;
.ci/run installs them.
"""

import pytest

from tests import browser
from tests.report_data import gpu, record, results_file
from torchclaims.paths import REPO_ROOT
from torchclaims.report.write import write_report

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=f"browser test: {browser.missing()}")

SCREENSHOT = REPO_ROOT / "reports" / "report-browser-test.png"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    directory = tmp_path_factory.mktemp("report")
    old = [record("t.holds", "holds"), record("t.changed", "holds"), record("t.gpu", "holds", "cuda")]
    new = [record("t.holds", "holds"), record("t.changed", "contradicted", message="torch changed it"),
           record("t.broken", "fails", source="001_doc.txt", topic="data", message="observed 'x', expected 'y'"),
           record("t.gpu", "not-run", "cuda", message="no CUDA device")]
    files = [results_file(directory, "old.json", "2.9.1", old, accelerators=gpu()),
             results_file(directory, "new.json", "2.14.1", new, started="2026-02-01T00:00:00+00:00")]
    html, _ = write_report(files, directory / "conformance.html")
    return html


@pytest.fixture(scope="module")
def page(report):
    with browser.chromium() as driver:
        driver.get(report.resolve().as_uri())
        yield driver


def visible_claims(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#matrix tbody tr'))"
        ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.querySelector('code.cid').textContent)")


def choose(driver, name: str, value: str):
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("css selector", f"#filters select[name={name}]")).select_by_value(value)


def test_summary_numbers_and_rows_are_shown(page):
    cards = {card.find_element("css selector", ".k").text.lower(): card.find_element("css selector", ".n").text
             for card in page.find_elements("css selector", ".cards .card")}
    assert cards == {"claims": "4", "holds": "4", "contradicted": "1", "fails": "1", "error": "0", "not-run": "1"}
    assert sorted(visible_claims(page)) == ["t.broken", "t.changed", "t.gpu", "t.holds"]
    assert page.find_element("id", "filters").is_displayed()  # the script showed the filters
    assert page.find_element("id", "shown").text == "4 of 4 claims"
    assert "t.changed" in page.find_element("id", "drift").text


def test_filtering_by_verdict(page):
    choose(page, "verdict", "contradicted")
    assert visible_claims(page) == ["t.changed"]
    assert page.find_element("id", "shown").text == "1 of 4 claims"
    choose(page, "verdict", "holds")
    assert sorted(visible_claims(page)) == ["t.changed", "t.gpu", "t.holds"]
    choose(page, "device", "cuda")  # holds on a CUDA column: only the GPU claim
    assert visible_claims(page) == ["t.gpu"]
    choose(page, "device", "")
    choose(page, "verdict", "")
    assert len(visible_claims(page)) == 4


def test_text_search_and_screenshot(page):
    from selenium.webdriver.support.ui import WebDriverWait

    box = page.find_element("css selector", "#filters input[name=q]")
    box.send_keys("expected 'y'")
    WebDriverWait(page, 5).until(lambda d: d.find_element("id", "shown").text == "1 of 4 claims")
    assert visible_claims(page) == ["t.broken"]
    box.clear()
    page.find_element("css selector", "#filters").submit()
    WebDriverWait(page, 5).until(lambda d: d.find_element("id", "shown").text == "4 of 4 claims")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_window_size(1500, min(page.execute_script("return document.body.scrollHeight") + 100, 5000))
    assert page.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
