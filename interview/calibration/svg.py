"""The calibration plot: a server-rendered SVG heat grid of AI band (x) against human band (y).

Styled only by attributes and CSS classes (static/css/app.css, `.cal-*`), never a style attribute, so it
passes the strict Content-Security-Policy. Each cell counts the pairs with that AI band and human band;
the diagonal (the same band) is outlined.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from interview.core.rubric import BAND_COUNT

CELL = 36
LEFT = 44
TOP = 8
LEVELS = 4


def heat_level(count: int, most: int) -> int:
    """The colour step of a cell: 0 for empty, else 1..LEVELS by its share of the busiest cell."""
    if count <= 0 or most <= 0:
        return 0
    return max(1, min(LEVELS, -(-count * LEVELS // most)))


def heat_grid_svg(grid: Sequence[Sequence[int]], *, title: str) -> SafeString:
    """An accessible SVG of the band grid (grid[human - 1][ai - 1] = count of pairs)."""
    most = max((count for row in grid for count in row), default=0)
    size = CELL * BAND_COUNT
    width, height = LEFT + size + 8, TOP + size + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cal-plot" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for human in range(BAND_COUNT, 0, -1):
        y = TOP + (BAND_COUNT - human) * CELL
        parts.append(f'<text class="cal-axis" x="{LEFT - 8}" y="{y + CELL // 2 + 4}" text-anchor="end">{human}</text>')
        for ai in range(1, BAND_COUNT + 1):
            x = LEFT + (ai - 1) * CELL
            count = grid[human - 1][ai - 1]
            level = heat_level(count, most)
            classes = f"cal-cell cal-heat-{level}" + (" cal-agree" if ai == human else "")
            parts.append(f'<rect class="{classes}" x="{x}" y="{y}" width="{CELL}" height="{CELL}"/>')
            if count:
                parts.append(
                    f'<text class="cal-count{" cal-count-dark" if level >= 3 else ""}" x="{x + CELL // 2}" y="{y + CELL // 2 + 4}" '
                    f'text-anchor="middle">{count}</text>'
                )
    for ai in range(1, BAND_COUNT + 1):
        x = LEFT + (ai - 1) * CELL + CELL // 2
        parts.append(f'<text class="cal-axis" x="{x}" y="{TOP + size + 14}" text-anchor="middle">{ai}</text>')
    parts.append(
        f'<text class="cal-axis" x="{LEFT + size // 2}" y="{TOP + size + 32}" text-anchor="middle">AI band</text>'
    )
    parts.append(
        f'<text class="cal-axis" x="10" y="{TOP + size // 2}" text-anchor="middle" '
        f'transform="rotate(-90 10 {TOP + size // 2})">Human</text>'
    )
    parts.append("</svg>")
    # Safe: built from numbers and escaped text only.
    return mark_safe("".join(parts))
