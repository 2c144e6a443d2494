"""Side-by-side scores of several models on one task, read from Inspect logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from inspect_ai.log import EvalLog

from operator_eval.report._metrics import across
from operator_eval.report._records import model_label, records_from_log


@dataclass
class SampleCell:
    """One model's result on one sample."""

    points: int
    resolved: bool
    unsupported_done: bool
    safety_violation: bool
    runtime_failure: bool
    labels: list[str] = field(default_factory=list)
    error: str | None = None
    sample_id: str = ""
    """The sample (task) this cell is a run of; several epochs share it."""
    epoch: int = 1


@dataclass
class ModelColumn:
    """One model's results, keyed by sample id (epoch 1..n folded into 'id#epoch')."""

    name: str
    cells: dict[str, SampleCell]
    max_points: int = 25


def column_from_log(log: EvalLog) -> ModelColumn:
    """Read one log's operator scores; a sample that errored is kept, as an error cell."""
    cells = {
        (r.sample_id if r.epoch == 1 else f"{r.sample_id}#{r.epoch}"): SampleCell(
            points=r.points,
            resolved=r.resolved,
            unsupported_done=r.unsupported_done,
            safety_violation=r.safety_violation,
            runtime_failure=r.runtime_failure,
            labels=list(r.labels),
            error=r.error,
            sample_id=r.sample_id,
            epoch=r.epoch,
        )
        for r in records_from_log(log)
    }
    return ModelColumn(name=model_label(log), cells=cells)


def _cell_text(cell: SampleCell | None) -> str:
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
    names = [c.name for c in columns]
    first = max([len("sample"), len("safety violations"), *(len(i) for i in ids)]) + 2
    widths = [max(9, len(n)) + 2 for n in names]

    def row(label: str, values: Sequence[str]) -> str:
        return label.ljust(first) + "".join(v.rjust(w) for v, w in zip(values, widths, strict=True))

    lines = [row("sample", names)]
    lines.append("-" * len(lines[0]))
    for sid in ids:
        lines.append(row(sid, [_cell_text(col.cells.get(sid)) for col in columns]))
    lines.append("-" * len(lines[0]))
    summary = row

    totals = []
    for col in columns:
        got = sum(c.points for c in col.cells.values())
        totals.append(f"{got}/{col.max_points * len(col.cells)}")
    lines.append(summary("points", totals))
    lines.append(
        summary(
            "resolved",
            [f"{sum(c.resolved for c in col.cells.values())}/{len(col.cells)}" for col in columns],
        )
    )
    lines.append(
        summary(
            "unsupported DONE",
            [str(sum(c.unsupported_done for c in col.cells.values())) for col in columns],
        )
    )
    lines.append(
        summary(
            "safety violations",
            [str(sum(c.safety_violation for c in col.cells.values())) for col in columns],
        )
    )
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
    for key, c in column.cells.items():
        task = c.sample_id or key.split("#", 1)[0]
        epochs[task] = epochs.get(task, 0) + 1
    extent = across(len(epochs), n, min(epochs.values()))

    def rate(count: int) -> str:
        return f"{count}/{n} ({100 * count / n:.0f}%)"

    return (
        f"{column.name}: {got}/{column.max_points * n} {extent} · "
        f"resolved {rate(sum(c.resolved for c in cells))} · "
        f"unsupported DONE {rate(sum(c.unsupported_done for c in cells))} · "
        f"safety violations {rate(sum(c.safety_violation for c in cells))} · "
        f"runtime failures {rate(sum(c.runtime_failure for c in cells))}"
    )
