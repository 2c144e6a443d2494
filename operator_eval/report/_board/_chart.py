"""The board's pictures as numbers: the resolved-rate colour scale and the failure chart's layout.

The template draws the SVG; this module only decides where things go and what colour
they are, so the geometry can be tested without parsing markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LABEL_WIDTH = 42
"""Characters of a failure label shown in the chart; the full label is in a tooltip."""
MODEL_WIDTH = 120
"""Characters of a model name heading its group of bars."""
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
"""Bar colours, one per failure label (most frequent label first), cycling."""
LEGEND_RATES = (0.0, 0.25, 0.5, 0.75, 1.0)
"""The rates the family matrix's colour legend shows."""


def _lerp_colour(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def rate_colour(rate: float) -> str:
    """The background colour of a resolved rate: red at 0, yellow at 0.5, green at 1.

    Args:
        rate: A rate in [0, 1] (clamped).

    Returns:
        A `#rrggbb` colour.
    """
    rate = min(1.0, max(0.0, rate))
    if rate < 0.5:
        return _lerp_colour("#f4a582", "#fee08b", rate * 2)
    return _lerp_colour("#fee08b", "#91cf60", (rate - 0.5) * 2)


def clip(text: str, width: int = LABEL_WIDTH) -> str:
    """`text` cut to `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _nice_step(maximum: int, ticks: int = 5) -> int:
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)


@dataclass(frozen=True)
class Bar:
    """One failure label's bar in a model's group."""

    label: str
    count: int
    y: int
    width: float
    colour: str


@dataclass(frozen=True)
class BarGroup:
    """One model's heading and bars; `y` is the heading's top."""

    model: str
    y: int
    bars: list[Bar]
    empty_y: int | None
    """Where "no failure labels" is written when the model has none."""


@dataclass(frozen=True)
class Tick:
    """One value on the count axis."""

    value: int
    x: float


@dataclass(frozen=True)
class TaxonomyChart:
    """Where every element of the failure-label bar chart goes, in SVG user units."""

    groups: list[BarGroup]
    ticks: list[Tick]
    axis_y: int
    width: int
    height: int
    left: int = 300
    """x of the bars' start; labels are right-aligned just before it."""
    bar_width: int = 520
    """Length of the longest possible bar (the axis)."""
    bar_height: int = 16
    top: int = 10
    """y where the grid lines start."""


def taxonomy_chart(counts: dict[str, dict[str, int]]) -> TaxonomyChart | None:
    """Lay out a horizontal bar chart of failure-label counts, grouped by model.

    Args:
        counts: By model (in display order), runs carrying each label.

    Returns:
        The layout, or None when no model has a failure label.
    """
    totals: dict[str, int] = {}
    for per_model in counts.values():
        for label, n in per_model.items():
            totals[label] = totals.get(label, 0) + n
    if not totals:
        return None
    colour = {
        label: PALETTE[i % len(PALETTE)]
        for i, label in enumerate(sorted(totals, key=lambda k: (-totals[k], k)))
    }
    maximum = max(n for per_model in counts.values() for n in per_model.values())
    step = _nice_step(maximum)
    axis_max = step * math.ceil(maximum / step)
    left, bar_width, right = 300, 520, 60
    bar_h, gap, group_h = 16, 4, 24

    def x_of(n: float) -> float:
        return left + bar_width * n / axis_max

    groups: list[BarGroup] = []
    y = 10
    for model, per_model in counts.items():
        top = y
        y += group_h
        empty_y = None
        if not per_model:
            empty_y = y
            y += bar_h + gap
        bars = []
        for label, n in per_model.items():
            bars.append(Bar(label=label, count=n, y=y, width=x_of(n) - left, colour=colour[label]))
            y += bar_h + gap
        groups.append(BarGroup(model=model, y=top, bars=bars, empty_y=empty_y))
        y += 6
    axis_y = y + 4
    return TaxonomyChart(
        groups=groups,
        ticks=[Tick(value=t, x=x_of(t)) for t in range(0, axis_max + 1, step)],
        axis_y=axis_y,
        width=left + bar_width + right,
        height=axis_y + 44,
        left=left,
        bar_width=bar_width,
        bar_height=bar_h,
    )
