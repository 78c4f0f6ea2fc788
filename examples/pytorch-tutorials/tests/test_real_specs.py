"""The project's own specs: valid, and every quote found in its document."""

from pathlib import Path

import pytest

from torchclaims.catalogue import load_checked_catalogue
from torchclaims.project import find_project

PROJECT = find_project(Path(__file__))


def test_every_quote_occurs_in_its_document():
    documents = load_checked_catalogue(PROJECT.specs_dir).documents
    missing = [name for name in documents if not (PROJECT.sources_dir / name).is_file()]
    if missing:
        pytest.skip(f"documents not in this checkout (not committed; SOURCES.md says where to get them): {', '.join(missing)}")
    catalogue = load_checked_catalogue(PROJECT.specs_dir, PROJECT.sources_dir)  # raises SpecError naming each bad quote
    assert {claim.source for claim in catalogue.claims} == set(catalogue.documents)


def test_every_document_has_claims_and_every_claim_a_document():
    catalogue = load_checked_catalogue(PROJECT.specs_dir)
    counts = {document: 0 for document in catalogue.documents}
    for claim in catalogue.claims:
        counts[claim.source] += 1
    assert all(counts.values()), counts
