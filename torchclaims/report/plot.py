"""A document's shelf life as a small SVG (matplotlib), embedded in the page as a data: URI.

A data: URI inside <img> keeps the page one self-contained file, and an SVG shown through <img>
runs no script and cannot touch the page, whatever text the plot carries.
"""

from __future__ import annotations

import base64
import io


def shelf_life_svg(points: list[tuple[str, int, int]], written: str | None = None) -> str:
    """The share of checked claims that hold on each release line; a dashed line marks the release current when written."""
    import matplotlib
    from matplotlib.figure import Figure   # the object API: no pyplot, no global figure state, a lighter import

    labels = [line for line, _, _ in points]
    shares = [100.0 * held / decided if decided else float("nan") for _, held, decided in points]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "torchclaims", "font.size": 7.5}):
        fig = Figure(figsize=(4.4, 1.55))
        ax = fig.subplots()
        ax.plot(range(len(labels)), shares, marker="o", markersize=3, color="#1a7f37", linewidth=1.4)
        ax.fill_between(range(len(labels)), shares, 0, color="#dafbe1")
        if written in labels:
            ax.axvline(labels.index(written), color="#636c76", linestyle="--", linewidth=0.9)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
        ax.set_xticks(range(len(labels)), [_short(x) for x in labels], rotation=90)
        ax.set_xlim(-0.4, max(len(labels) - 0.6, 0.6))
        ax.grid(axis="y", color="#d0d7de", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout(pad=0.3)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")


def _short(version: str) -> str:
    """'2.0.1' -> '2.0': the line's name."""
    return ".".join(version.split(".")[:2])


def describe(points: list[tuple[str, int, int]]) -> str:
    """The plot in words (its alt text): each line's share."""
    return "; ".join(f"torch {line}: {held} of {decided} hold" if decided else f"torch {line}: none checked"
                     for line, held, decided in points)
