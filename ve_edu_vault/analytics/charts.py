"""
Server-rendered SVG charts for the dashboard: small, dependency-free, readable without script (ADR 0018).

TLDR: each function returns SVG markup built from numbers with every text escaped; the page puts a table with the
same figures next to each chart (the text equivalent), and the SVG carries ``role="img"`` with a title and a
description, so a screen reader gets both.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["bar_chart"]

WIDTH = 320
BAR_AREA = 120


def bar_chart(
    values: Sequence[float], labels: Sequence[str], *, title: str, description: str, maximum: float | None = None
) -> SafeString:
    """Vertical bars (values >= 0) with a label under each, scaled to ``maximum`` (default: the largest value)."""
    top = maximum if maximum else max([*values, 1e-9])
    count = max(1, len(values))
    slot = WIDTH / count
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = 0 if top <= 0 else round(BAR_AREA * max(0.0, value) / top, 1)
        x = round(index * slot + slot * 0.15, 1)
        bars.append(
            f'<rect x="{x}" y="{BAR_AREA - height + 10}" width="{round(slot * 0.7, 1)}" height="{height}" '
            f'class="bar"><title>{escape(label)}: {escape(_figure(value))}</title></rect>'
            f'<text x="{round(index * slot + slot / 2, 1)}" y="{BAR_AREA + 26}" text-anchor="middle" '
            f'class="label">{escape(label)}</text>'
        )
    return mark_safe(  # noqa: S308 - every text above is escaped, the rest are numbers
        f'<svg class="vault-chart" viewBox="0 0 {WIDTH} {BAR_AREA + 34}" role="img" '
        f'aria-labelledby="chart-title-{_slug(title)} chart-desc-{_slug(title)}" preserveAspectRatio="xMidYMid meet">'
        f'<title id="chart-title-{_slug(title)}">{escape(title)}</title>'
        f'<desc id="chart-desc-{_slug(title)}">{escape(description)}</desc>'
        f'<line x1="0" y1="{BAR_AREA + 10}" x2="{WIDTH}" y2="{BAR_AREA + 10}" class="axis"/>' + "".join(bars) + "</svg>"
    )


def _figure(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())[:40]
