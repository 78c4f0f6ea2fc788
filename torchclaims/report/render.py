"""The page: Jinja2 templates (autoescape on: every text from specs or results is escaped)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from jinja2 import Environment, PackageLoader, StrictUndefined

from torchclaims.report.build import Report
from torchclaims.report.payload import payload


def pretty(text: str, width: int = 100) -> str:
    """Expected / observed JSON text, indented for reading when long (the template still escapes it)."""
    if len(text) <= width:
        return text
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return str(text)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def slug(text: str) -> str:
    """An id-safe anchor for a document or claim (letters, digits, '-', '_', '.')."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in str(text))


def environment() -> Environment:
    env = Environment(loader=PackageLoader("torchclaims.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pretty"] = pretty
    env.filters["slug"] = slug
    env.filters["short_line"] = lambda version: ".".join(str(version).split(".")[:2])
    # tojson escapes <, >, & and ' in the JSON it writes: the claims data cannot end its <script> element
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "separators": (",", ":")}
    return env


def render(report: Report, sources: list[str], generated: datetime | None = None) -> str:
    template = environment().get_template("report.html.j2")
    return template.render(report=report, sources=sources, data=payload(report),
                           generated=(generated or datetime.now(timezone.utc)).isoformat(timespec="seconds"))
