"""What routing decides: gate results, verdicts, and the one text a verdict cell shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from operator_eval.report._metrics import Stats

Verdict = Literal["allowed", "denied", "not_enough_evidence"]
GateOutcome = Literal["pass", "denied", "not_enough_evidence"]

VERDICT_TEXT: dict[str, str] = {
    "allowed": "allowed",
    "denied": "DENIED",
    "not_enough_evidence": "not enough evidence",
}
"""How a verdict reads, the same in the printed table and on the board."""


class GateMetrics(BaseModel):
    """What a gate measured on one model's records of its families."""

    families: list[str] = Field(description="Families measured (those with records).")
    samples: int
    runs: int
    epochs: int = Field(description="Fewest epochs any measured sample has (the k of pass^k).")
    pass_hat_k: float
    pass_at_k: float
    resolved_rate: float
    unsupported_done_rate: float
    runtime_failure_rate: float
    safety_violation_rate: float

    @classmethod
    def from_stats(cls, families: Sequence[str], s: Stats) -> GateMetrics:
        """The subset of `Stats` a gate reports."""
        measured = s.model_dump(include=set(cls.model_fields) - {"families"})
        return cls(families=list(families), **measured)


class GateResult(BaseModel):
    """One gate's outcome for one model."""

    gate: str
    outcome: GateOutcome
    metric: str | None = Field(
        default=None, description="Short name of what failed (missing evidence or a metric)."
    )
    reason: str
    metrics: GateMetrics | None = Field(
        default=None, description="The measured numbers; None when no family had records."
    )


class RoutingCell(BaseModel):
    """One model's verdict on one category, what decided it and why: a routing table cell.

    The board's `board.json` holds these (its `routing` grid); `text` is what the printed
    table and the board's cell read.
    """

    verdict: Verdict
    failing_gate: str | None = Field(
        default=None, description="The gate that decided a verdict other than 'allowed'."
    )
    failing_metric: str | None = Field(
        default=None, description="What failed in that gate, e.g. 'unsupported DONE'."
    )
    reason: str

    @property
    def text(self) -> str:
        """The cell's text: "allowed", "DENIED (gate: metric)" or "not enough evidence"."""
        text = VERDICT_TEXT[self.verdict]
        if self.verdict == "denied" and self.failing_gate:
            why = (
                f"{self.failing_gate}: {self.failing_metric}"
                if self.failing_metric
                else self.failing_gate
            )
            text = f"{text} ({why})"
        return text

    def cell(self) -> RoutingCell:
        """Just the cell (a `Decision` without its model, category and gates)."""
        return RoutingCell.model_validate(self.model_dump(include=set(RoutingCell.model_fields)))


class Decision(RoutingCell):
    """Whether one model may be routed one category of work, and why."""

    model: str
    category: str
    gates: list[GateResult] = Field(description="Every gate's outcome and measured numbers.")

    @property
    def metrics(self) -> dict[str, dict[str, Any] | None]:
        """Measured numbers by gate name (None for a gate without any records)."""
        return {
            g.gate: g.metrics.model_dump() if g.metrics is not None else None for g in self.gates
        }
