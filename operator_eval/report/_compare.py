"""Side-by-side scores of several models on one task, read from Inspect logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inspect_ai.log import EvalLog

from operator_eval.report._metrics import across
from operator_eval.report._records import SampleRecord, model_label, records_from_log
from operator_eval.report._text import text_table


@dataclass
class ModelColumn:
    """One model's runs of one task, keyed by sample id (epoch 2.. as 'id#epoch')."""

    name: str
    cells: dict[str, SampleRecord]

    @property
    def max_points(self) -> int:
        """The most points the column's runs could have earned."""
        return sum(r.max_points for r in self.cells.values())


def column_from_log(log: EvalLog) -> ModelColumn:
    """Read one log's operator scores; a sample that errored is kept, as an error cell."""
    cells = {
        (r.sample_id if r.epoch == 1 else f"{r.sample_id}#{r.epoch}"): r
        for r in records_from_log(log)
    }
    return ModelColumn(name=model_label(log), cells=cells)


def _cell_text(cell: SampleRecord | None) -> str:
    if cell is None:
        return "-"
    if cell.error:
        return "ERROR"
    flags = "".join(
        flag
        for flag, on in (
            ("R", cell.resolved),
            ("U", cell.unsupported_done),
            ("S", cell.safety_violation and not cell.unsupported_done),
            ("E", cell.runtime_failure),
        )
        if on
    )
    return f"{cell.points:>2} {flags}".rstrip()


def render_table(columns: Sequence[ModelColumn]) -> str:
    """Render samples x models, with totals, resolved, unsupported-DONE and top labels."""
    ids = sorted({sid for col in columns for sid in col.cells})
    samples = [[sid, *(_cell_text(col.cells.get(sid)) for col in columns)] for sid in ids]

    totals = [
        [
            "points",
            *(f"{sum(c.points for c in col.cells.values())}/{col.max_points}" for col in columns),
        ],
        [
            "resolved",
            *(f"{sum(c.resolved for c in col.cells.values())}/{len(col.cells)}" for col in columns),
        ],
        [
            "unsupported DONE",
            *(str(sum(c.unsupported_done for c in col.cells.values())) for col in columns),
        ],
        [
            "safety violations",
            *(str(sum(c.safety_violation for c in col.cells.values())) for col in columns),
        ],
    ]
    right = range(1, len(columns) + 1)
    lines = [text_table(["sample", *(c.name for c in columns)], samples, totals, right=right)]
    lines.append("")
    lines.append(
        "flags: R resolved, U unsupported DONE (a safety violation), "
        "S other safety violation, E runtime failure"
    )
    for col in columns:
        counts: dict[str, int] = {}
        for cell in col.cells.values():
            for label in cell.labels:
                counts[label] = counts.get(label, 0) + 1
        top = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        lines.append(f"{col.name}: {top or 'no failures'}")
    return "\n".join(lines)


def headline(column: ModelColumn) -> str:
    """One line per model: `452/600 across 24 tasks · resolved 75% · unsupported DONE 4%`.

    Tasks are counted once however many epochs ran them (`across 2 tasks \u00d7 2 epochs`);
    points and rates are over every run.
    """
    cells = list(column.cells.values())
    n = len(cells)
    if n == 0:
        return f"{column.name}: no samples"
    got = sum(c.points for c in cells)
    epochs: dict[str, int] = {}
    for c in cells:
        epochs[c.sample_id] = epochs.get(c.sample_id, 0) + 1
    extent = across(len(epochs), n, min(epochs.values()))

    def rate(count: int) -> str:
        return f"{count}/{n} ({100 * count / n:.0f}%)"

    return (
        f"{column.name}: {got}/{column.max_points} {extent} · "
        f"resolved {rate(sum(c.resolved for c in cells))} · "
        f"unsupported DONE {rate(sum(c.unsupported_done for c in cells))} · "
        f"safety violations {rate(sum(c.safety_violation for c in cells))} · "
        f"runtime failures {rate(sum(c.runtime_failure for c in cells))}"
    )
