"""The release list: data that the history, the CI matrix, asv and the report all read."""

import datetime

from packaging.version import Version

from torchclaims.releases import between, current_on, find_release, line_releases, load_releases

ISSUE_LINES = ["1.13.1", "2.0.1", "2.1.2", "2.2.2", "2.3.1", "2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.8.0",
               "2.9.1", "2.10.0", "2.11.0", "2.12.1", "2.13.0", "2.14.1", "2.15.0"]


def test_the_line_releases_are_the_newest_patch_of_each_minor():
    releases = load_releases()
    assert [r.torch for r in line_releases(releases)] == ISSUE_LINES
    for release in releases:
        same_minor = [r for r in releases if r.version.release[:2] == release.version.release[:2]]
        assert release.line == (release is max(same_minor, key=lambda r: r.version)), release.torch


def test_sorted_by_version_and_upload_dates_agree():
    releases = load_releases()
    assert [r.version for r in releases] == sorted(r.version for r in releases)
    assert [r.uploaded for r in releases] == sorted(r.uploaded for r in releases)


def test_requirements_pin_torch_torchvision_and_numpy():
    assert find_release("1.13.1").requirements() == ["torch==1.13.1", "numpy<2"]
    assert find_release("2.14.1").requirements() == ["torch==2.14.1", "torchvision==0.29.1"]
    assert all(r.numpy == "<2" for r in load_releases() if r.version < Version("2.3"))


def test_between_lists_the_bisection_candidates():
    assert [r.torch for r in between("1.13.1", "2.0.1")] == ["2.0.0"]
    assert [r.torch for r in between("2.11.0", "2.12.1")] == ["2.12.0"]
    assert between("2.14.1", "2.15.0") == []


def test_current_on_a_day():
    assert current_on(datetime.date(2022, 11, 3)).torch == "1.13.0"
    assert current_on(datetime.date(2022, 12, 15)).torch == "1.13.1"  # uploaded that day
    assert current_on(datetime.date(2024, 11, 28)).torch == "2.5.1"
    assert current_on(datetime.date(2021, 10, 28)) is None  # older than every release listed


def test_every_document_has_a_date_with_its_evidence():
    from torchclaims.paths import DEFAULT_PROJECT
    from torchclaims.spec import load_documents

    problems = []
    documents = load_documents(DEFAULT_PROJECT / "specs", problems)
    assert not problems and documents
    for document in documents.values():
        assert document.date_basis, document.file
        day = datetime.date.fromisoformat((document.date + "-01-01")[:10] if len(document.date) == 4
                                          else (document.date + "-01")[:10])
        assert datetime.date(2018, 1, 1) <= day <= datetime.date(2026, 12, 31)
    assert {d.file: d.date_estimated for d in documents.values()} == {
        "000_fb8c6e3e219677fc.txt": True, "001_04673d53cc78a90f.txt": False, "002_fae67575efbe4981.txt": True,
        "003_191d6309034269a5.txt": False, "004_e705451bae665f13.txt": False}
