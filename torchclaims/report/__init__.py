"""The HTML conformance report: results files -> one self-contained page + a CSV.

load.py    read results files and merge them into one pandas frame (one row per claim x environment)
build.py   pivots, summary counts, errata per document, drift between environments
render.py  the Jinja2 environment (autoescape on) and the page
"""

from torchclaims.report.write import write_report

__all__ = ["write_report"]
