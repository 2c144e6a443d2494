"""The board's data: what `board.json` holds and what the HTML page is rendered from.

Every value read from a log (model names, labels, reasons, sample ids, errors) is
attacker-controlled text here; the page's template escapes it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from operator_eval.report._cost import CostSummary
from operator_eval.report._metrics import Stats
from operator_eval.report._routing import VERDICT_TEXT, RoutingCell


class ModelRow(BaseModel):
    """One leaderboard row: a model column's points, statistics and cost."""

    model: str
    points: int
    max_points: int
    stats: Stats
    cost: CostSummary


class FamilyCell(BaseModel):
    """One model's resolved runs on one task family (a cell of the family matrix)."""

    resolved: int
    runs: int
    resolved_rate: float
    resolved_ci: tuple[float, float]
    points: int
    max_points: int


class FailedRun(BaseModel):
    """One run (a sample of one epoch) that was not resolved."""

    model: str
    family: str
    sample_id: str
    epoch: int
    points: int
    max_points: int
    unsupported_done: bool
    safety_violation: bool
    runtime_failure: bool
    labels: list[str]
    error: str | None
    log_path: str
    link: str | None = Field(description="Its transcript in the bundled viewer, if any.")


class Board(BaseModel):
    """Everything the board shows; `board.json` is this model as JSON."""

    generated: str = Field(description="When the board was written, `YYYY-MM-DD HH:MM UTC`.")
    policy_version: str
    prices_as_of: str | None
    runs: int = Field(description="Sample runs shown (samples x epochs, every model).")
    logs: list[str] = Field(description="The logs the runs came from, sorted.")
    models: list[ModelRow] = Field(description="Leaderboard rows, best first.")
    families: dict[str, dict[str, FamilyCell]] = Field(
        description="By family (sorted), then model: resolved runs; no entry without runs."
    )
    labels: dict[str, dict[str, int]] = Field(
        description="By model: runs carrying each failure label, most frequent first."
    )
    routing: dict[str, dict[str, RoutingCell]] = Field(
        description="By category (policy order), then model: the routing verdict."
    )
    failed: list[FailedRun]
    problems: list[str] = Field(description="One line per log that could not be read.")
    viewer: str | None = Field(description="URL of the bundled Inspect viewer, if any.")

    @property
    def model_names(self) -> list[str]:
        """The model columns, in leaderboard order."""
        return [row.model for row in self.models]

    def verdict_counts(self, model: str) -> str:
        """A model's routing at a glance: `1 allowed, 2 DENIED` (empty without verdicts)."""
        counts = dict.fromkeys(VERDICT_TEXT, 0)
        for cells in self.routing.values():
            if model in cells:
                counts[cells[model].verdict] += 1
        return ", ".join(f"{n} {VERDICT_TEXT[v]}" for v, n in counts.items() if n)
