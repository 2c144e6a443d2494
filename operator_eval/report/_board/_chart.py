"""The board's pictures as numbers: the resolved-rate colour scale and the failure chart's layout.

The template draws the SVG; this module only decides where things go and what colour
they are, so the geometry can be tested without parsing markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

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
    """x where the bars start; labels are right-aligned just before it."""
    bar_width: int = 520
    """Length of the longest possible bar (the axis)."""
    bar_height: int = 16
    top: int = 10
    """y where the first heading and the grid lines start."""


_RIGHT = 60
"""Room right of the axis for the longest bar's count."""
_GAP = 4
"""Between two bars."""
_HEADING = 24
"""A model's heading, above its bars."""
_GROUP_GAP = 6
"""After a model's bars."""


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
    frame = TaxonomyChart(groups=[], ticks=[], axis_y=0, width=0, height=0)
    left, bar_width, bar_h = frame.left, frame.bar_width, frame.bar_height

    def x_of(n: float) -> float:
        return left + bar_width * n / axis_max

    groups: list[BarGroup] = []
    y = frame.top
    for model, per_model in counts.items():
        top = y
        y += _HEADING
        empty_y = None
        if not per_model:
            empty_y = y
            y += bar_h + _GAP
        bars = []
        for label, n in per_model.items():
            bars.append(Bar(label=label, count=n, y=y, width=x_of(n) - left, colour=colour[label]))
            y += bar_h + _GAP
        groups.append(BarGroup(model=model, y=top, bars=bars, empty_y=empty_y))
        y += _GROUP_GAP
    axis_y = y + 4
    return replace(
        frame,
        groups=groups,
        ticks=[Tick(value=t, x=x_of(t)) for t in range(0, axis_max + 1, step)],
        axis_y=axis_y,
        width=left + bar_width + _RIGHT,
        height=axis_y + 44,
    )
