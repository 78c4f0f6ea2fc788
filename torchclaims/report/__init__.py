"""The HTML conformance report: results files (and release histories) -> one self-contained page + a CSV.

load.py     read results files and merge them (one Python pass): per claim, its record in each environment
build.py    claim rows, summary counts, errata per document (cited sources apart), drift, history parts
history.py  history.json: strips, since / when written, changes by release, shelf life
plot.py     shelf-life plots as SVG data: URIs
payload.py  the claims table's data, embedded as JSON and drawn by the page's script
render.py   the Jinja2 environment (autoescape on) and the page
write.py    documents, the HTML and the CSV
"""

__all__ = ["write_report"]


def __getattr__(name):
    # lazily: the history and the errata read report.history without Jinja2 (the history env has none)
    if name == "write_report":
        from torchclaims.report.write import write_report

        return write_report
    raise AttributeError(name)
