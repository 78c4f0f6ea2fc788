"""Where the checkout keeps its parts. The harness runs from a checkout (`pip install -e .`)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS_DIR = REPO_ROOT / "specs"
SUITES_DIR = REPO_ROOT / "suites"
# Relative to the working directory, like pytest's own outputs.
REPORTS_DIR = Path("reports")
SCHEMA_PATH = SPECS_DIR / "schema.json"
DEFAULT_RESULTS = REPORTS_DIR / "results.json"
DEFAULT_REPORT = REPORTS_DIR / "conformance.html"
