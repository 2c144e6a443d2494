"""Building the board's data from sample records: the numbers, before any HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from operator_eval.report._board._model import Board, FailedRun, FamilyCell, ModelRow
from operator_eval.report._cost import PriceTable, cost_summary
from operator_eval.report._metrics import by_family, by_model, label_counts, stats
from operator_eval.report._records import SampleRecord
from operator_eval.report._routing import Decision, RoutingPolicy, routing_grid
from operator_eval.report._viewer import viewer_link


def _model_rows(
    groups: Mapping[str, Sequence[SampleRecord]], prices: PriceTable
) -> list[ModelRow]:
    """One row per model column, most points first (then resolved rate, then name)."""
    rows = []
    for model, recs in groups.items():
        s = stats(recs)
        rows.append(
            ModelRow(
                model=model,
                points=s.points,
                max_points=s.max_points,
                stats=s,
                cost=cost_summary(recs, prices),
            )
        )
    return sorted(rows, key=lambda r: (-r.stats.points, -r.stats.resolved_rate, r.model))


def _families(
    records: Sequence[SampleRecord], models: Sequence[str]
) -> dict[str, dict[str, FamilyCell]]:
    families = by_family(records)
    matrix: dict[str, dict[str, FamilyCell]] = {}
    for family in sorted(families):
        per_model = by_model(families[family])
        matrix[family] = {}
        for model in models:
            recs = per_model.get(model)
            if not recs:
                continue
            s = stats(recs)
            matrix[family][model] = FamilyCell(
                resolved=sum(r.resolved for r in recs),
                runs=s.runs,
                resolved_rate=s.resolved_rate,
                resolved_ci=s.resolved_ci,
                points=s.points,
                max_points=s.max_points,
            )
    return matrix


def _failed(
    records: Sequence[SampleRecord], models: Sequence[str], viewer: str | None
) -> list[FailedRun]:
    """Unresolved runs in leaderboard order of their model, then family, sample, epoch."""
    rank = {m: i for i, m in enumerate(models)}
    failed = sorted(
        (r for r in records if not r.resolved),
        key=lambda r: (rank.get(r.model, len(rank)), r.family, r.sample_id, r.epoch),
    )
    copied = set(FailedRun.model_fields) - {"link"}  # the rest are the record's own fields
    return [
        FailedRun(
            **{name: getattr(r, name) for name in copied},
            link=viewer_link(viewer, r) if viewer is not None else None,
        )
        for r in failed
    ]


def build_board(
    records: Sequence[SampleRecord],
    decisions: Mapping[str, Sequence[Decision]],
    *,
    policy: RoutingPolicy,
    prices: PriceTable,
    problems: Sequence[str] = (),
    viewer: str | None = None,
) -> Board:
    """Everything the board shows, computed from the records: `board.json`'s content.

    Args:
        records: Every sample run to show (any mix of models, families and epochs).
        decisions: The routing decisions on those records (`decide(policy, records)`).
        policy: The routing policy they were decided by (its categories head the rows).
        prices: The price table for the cost columns.
        problems: One line per log that could not be read.
        viewer: URL of a bundled Inspect viewer; failed runs then link to transcripts.

    Returns:
        The board's data.
    """
    groups = by_model(records)
    rows = _model_rows(groups, prices)
    models = [row.model for row in rows]  # every table's columns, in leaderboard order
    grid = routing_grid(decisions, policy.categories)
    return Board(
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        policy_version=policy.version,
        prices_as_of=prices.as_of,
        runs=len(records),
        logs=sorted({r.log_path for r in records}),
        models=rows,
        families=_families(records, models),
        labels={model: label_counts(groups[model]) for model in models},
        routing={
            category: {m: cells[m].cell() for m in models if m in cells}
            for category, cells in grid.items()
        },
        failed=_failed(records, models, viewer),
        problems=list(problems),
        viewer=viewer,
    )
