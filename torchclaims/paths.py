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


def report_beside(results: Path) -> Path:
    """Where a run writes its report: conformance.html beside results.json, else <stem>.html beside the results file.

    A run with `--results reports/results-torch-2.9.1.json` thus leaves the merged reports/conformance.html alone.
    """
    results = Path(results)
    return results.parent / DEFAULT_REPORT.name if results.name == DEFAULT_RESULTS.name else results.with_suffix(".html")
