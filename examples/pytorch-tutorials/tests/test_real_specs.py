"""The project's own specs: valid, and every quote found in its document."""

from pathlib import Path

import pytest

from torchclaims.catalogue import load_checked_catalogue
from torchclaims.project import find_project

PROJECT = find_project(Path(__file__))


def test_every_quote_occurs_in_its_document():
    if not PROJECT.sources_dir.is_dir():
        pytest.skip(f"source texts not available: {PROJECT.sources_dir}")
    catalogue = load_checked_catalogue(PROJECT.specs_dir, PROJECT.sources_dir)  # raises SpecError naming each bad quote
    assert {claim.source for claim in catalogue.claims} == set(catalogue.documents)


def test_every_document_has_claims_and_every_claim_a_document():
    catalogue = load_checked_catalogue(PROJECT.specs_dir)
    counts = {document: 0 for document in catalogue.documents}
    for claim in catalogue.claims:
        counts[claim.source] += 1
    assert all(counts.values()), counts
