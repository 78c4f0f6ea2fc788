"""The checkout's own specs: valid, and every quote found in its document."""

from pathlib import Path

import pytest

from torchclaims.catalogue import load_checked_catalogue
from torchclaims.paths import SPECS_DIR


@pytest.fixture
def sources_dir(request) -> Path:
    given = request.config.getoption("--sources")
    if not given:
        pytest.skip("source texts not available: pass --sources DIR (CI passes ../shared/sources)")
    return Path(given)


def test_every_quote_occurs_in_its_document(sources_dir):
    catalogue = load_checked_catalogue(SPECS_DIR, sources_dir)  # raises SpecError naming each bad quote
    assert {claim.source for claim in catalogue.claims} == set(catalogue.documents)


def test_every_document_has_claims_and_every_claim_a_document():
    catalogue = load_checked_catalogue(SPECS_DIR)
    counts = {document: 0 for document in catalogue.documents}
    for claim in catalogue.claims:
        counts[claim.source] += 1
    assert all(counts.values()), counts
