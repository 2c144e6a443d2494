"""The bench's results: each measurement beside its target, and the table they print as."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

TARGETS = {
    "import_overhead_s": 0.3,
    "step_overhead_ms": 20.0,
    "setup_and_scoring_ms": 300.0,
    "suite_wall_s": 15.0,
    "concurrency_speedup": 12.0,
    "peak_rss_mb": 400.0,
}
"""The issue's targets: at most (times, memory) or at least (speedup)."""
AT_LEAST = {"concurrency_speedup"}


class Measurement(BaseModel):
    """One number, its unit, its target and whether it is met."""

    name: str
    value: float
    unit: str
    target: float | None = None
    met: bool | None = None
    detail: str = ""


def _measure(name: str, value: float, unit: str, detail: str = "") -> Measurement:
    target = TARGETS.get(name)
    met = None
    if target is not None:
        met = value >= target if name in AT_LEAST else value <= target
    return Measurement(
        name=name, value=round(value, 3), unit=unit, target=target, met=met, detail=detail
    )


def render(results: Sequence[Measurement]) -> str:
    """A table: measurement, value, target, met."""
    lines = [f"{'measurement':24} {'value':>12} {'target':>12}  met   detail"]
    for r in results:
        target = (
            "" if r.target is None else ("≥ " if r.name in AT_LEAST else "≤ ") + f"{r.target:g}"
        )
        met = {True: "yes", False: "NO", None: ""}[r.met]
        lines.append(f"{r.name:24} {r.value:>9.3f} {r.unit:<2} {target:>12}  {met:5} {r.detail}")
    return "\n".join(lines)
