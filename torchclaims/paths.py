"""Where the engine keeps its parts, and the checkout's own project."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SCHEMAS_DIR = PACKAGE_DIR / "schemas"
SCHEMA_PATH = SCHEMAS_DIR / "spec.schema.json"
# The five Japanese introductions: the project `torchclaims run` checks when run outside any project.
DEFAULT_PROJECT = REPO_ROOT / "projects" / "ja-intros"
# Relative to the working directory, like pytest's own outputs.
REPORTS_DIR = Path("reports")
DEFAULT_RESULTS = REPORTS_DIR / "results.json"
DEFAULT_REPORT = REPORTS_DIR / "conformance.html"
