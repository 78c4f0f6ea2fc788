"""A document's shelf life as a small SVG, written directly as text, embedded in the page as a data: URI.

A data: URI inside <img> keeps the page one self-contained file, and an SVG shown through <img>
runs no script and cannot touch the page, whatever text the plot carries.

The SVG is written by hand, not by matplotlib: importing matplotlib and drawing five figures cost
about 1 s of CPU, half the build of a 17-line history report, for a line, a filled area, three
grid lines and some labels.
"""

from __future__ import annotations

import base64
import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 422, 149               # the <img>'s size on the page, in CSS pixels
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 6, 30   # the plot area's margins: y labels left, rotated x labels below
GREEN, FILL, GRID, MUTED, INK = "#1a7f37", "#dafbe1", "#d0d7de", "#636c76", "#1f2328"
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif"


def shelf_life_svg(points: list[tuple[str, int, int]], written: str | None = None) -> str:
    """The share of checked claims that hold on each release line; a dashed line marks the release current when written."""
    return "data:image/svg+xml;base64," + base64.b64encode(shelf_life_svg_text(points, written).encode("utf-8")).decode("ascii")


def shelf_life_svg_text(points: list[tuple[str, int, int]], written: str | None = None) -> str:
    labels = [line for line, _, _ in points]
    shares = [100.0 * held / decided if decided else math.nan for _, held, decided in points]
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = HEIGHT - BOTTOM, TOP                     # y0: 0 %, y1: 105 %
    lo, hi = -0.4, max(len(labels) - 0.6, 0.6)

    def x(i: float) -> float:
        return x0 + (i - lo) / (hi - lo) * (x1 - x0)

    def y(share: float) -> float:
        return y0 - share / 105.0 * (y0 - y1)

    out = [f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'font-family="{FONT}" font-size="10">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>']
    for share in (0, 50, 100):                        # y grid and labels
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y(share):.1f}" y2="{y(share):.1f}" stroke="{GRID}" stroke-width="0.8"/>'
                   f'<text x="{x0 - 4}" y="{y(share) + 3.5:.1f}" text-anchor="end" fill="{INK}">{share}%</text>')
    for run in _runs(shares):                         # the filled area and the line, broken where nothing was decided
        xs = [x(i) for i in run]
        ys = [y(shares[i]) for i in run]
        area = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))
        out.append(f'<polygon points="{xs[0]:.1f},{y0:.1f} {area} {xs[-1]:.1f},{y0:.1f}" fill="{FILL}"/>')
        out.append(f'<polyline points="{area}" fill="none" stroke="{GREEN}" stroke-width="1.9" stroke-linejoin="round"/>')
        out.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.2" fill="{GREEN}"/>' for a, b in zip(xs, ys))
    if written in labels:
        at = x(labels.index(written))
        out.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{y1}" y2="{y0}" stroke="{MUTED}" stroke-width="1.2" '
                   f'stroke-dasharray="4 2"/>')
    out.append(f'<line x1="{x0}" x2="{x0}" y1="{y1}" y2="{y0}" stroke="{INK}" stroke-width="0.8"/>'
               f'<line x1="{x0}" x2="{x1}" y1="{y0}" y2="{y0}" stroke="{INK}" stroke-width="0.8"/>')
    for i, label in enumerate(labels):                # x labels, rotated as matplotlib's rotation=90
        out.append(f'<text transform="translate({x(i) + 3.5:.1f},{y0 + 4}) rotate(-90)" text-anchor="end" '
                   f'fill="{INK}">{escape(_short(label))}</text>')
    out.append("</svg>\n")
    return "\n".join(out)


def _runs(shares: list[float]) -> list[list[int]]:
    """Indices of the consecutive shares that are numbers (a line with nothing decided breaks the plot there)."""
    runs: list[list[int]] = []
    for i, share in enumerate(shares):
        if math.isnan(share):
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _short(version: str) -> str:
    """'2.0.1' -> '2.0': the line's name."""
    return ".".join(version.split(".")[:2])


def describe(points: list[tuple[str, int, int]]) -> str:
    """The plot in words (its alt text): each line's share."""
    return "; ".join(f"torch {line}: {held} of {decided} hold" if decided else f"torch {line}: none checked"
                     for line, held, decided in points)
