"""Small inline SVG charts of switch readings (R-INS-3): one polyline per figure over the last
30 days, the threshold as a dashed line. Pure: values in, SVG markup out (no JS library)."""

import datetime as dt
from decimal import Decimal

from django.utils.html import format_html, format_html_join


def sparkline(
    points: list[tuple[dt.date, Decimal | None]],
    *,
    days: list[dt.date],
    threshold: Decimal,
    width: int = 120,
    height: int = 28,
    label: str = "",
) -> str:
    """An SVG of `points` (one value per day, None = no reading) placed on `days`, 0 … 100 %
    bottom to top; days at or over `threshold` get a red dot."""
    step = width / max(len(days) - 1, 1)
    index = {day: i for i, day in enumerate(days)}

    def y(value) -> float:
        return round(height - float(value) / 100 * height, 1)

    coords = [
        (round(index[day] * step, 1), y(value))
        for day, value in points
        if value is not None and day in index
    ]
    line = " ".join(f"{x},{yy}" for x, yy in coords)
    over = [
        (round(index[day] * step, 1), y(value))
        for day, value in points
        if value is not None and day in index and value >= threshold
    ]
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="1.8" class="spark-over"></circle>', over
    )
    return format_html(
        '<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}"><line x1="0" x2="{w}" y1="{t}" y2="{t}" class="spark-limit">'
        '</line><polyline points="{line}" class="spark-line"></polyline>{dots}</svg>',
        w=width,
        h=height,
        t=y(threshold),
        line=line,
        dots=dots,
        label=label,
    )
