"""How the reports write numbers: percentages, intervals and dollars, each formatted once."""

from __future__ import annotations


def percent(rate: float, spec: str = ".1f") -> str:
    """A rate in [0, 1] as a percentage: `0.5` -> `50.0%`.

    Args:
        rate: The rate (1.0 is 100%).
        spec: The number's format spec: `.1f` (one decimal, the board), `.3g` (three
            significant digits, routing reasons, so 100% reads `100%`) or `.0f`.

    Returns:
        The percentage with its `%` sign.
    """
    return f"{rate * 100:{spec}}%"


def interval(bounds: tuple[float, float] | list[float]) -> str:
    """A rate's confidence interval in percent, one decimal, en-dashed: `[18.8-81.2]`."""
    low, high = bounds
    return f"[{low * 100:.1f}\u2013{high * 100:.1f}]"


def usd(value: float | None) -> str:
    """Dollars: `n/a` when unknown, `$0`, four decimals under a dollar, else two."""
    if value is None:
        return "n/a"
    if value == 0:
        return "$0"
    if abs(value) < 1:
        return f"${value:,.4f}"
    return f"${value:,.2f}"


def per_usd(value: float | None) -> str:
    """A quantity per dollar with one decimal, or `n/a`."""
    return "n/a" if value is None else f"{value:,.1f}"
