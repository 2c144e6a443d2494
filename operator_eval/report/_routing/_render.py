"""Routing decisions for readers: the category x model grid, a text table, the router's JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from operator_eval.report._routing._decision import Decision
from operator_eval.report._routing._policy import RoutingPolicy
from operator_eval.report._text import text_table

COLUMN_LABEL_CHARS = 32
"""A model label longer than this heads its column as `[n]`, named in a legend above the
table: a drafter + verifier label runs past 100 characters and would wrap every row."""


def routing_grid(
    decisions: Mapping[str, Sequence[Decision]], categories: Iterable[str] = ()
) -> dict[str, dict[str, Decision]]:
    """The decisions by category, then by model: the rows and cells of a routing table.

    Args:
        decisions: Per model, its decisions (as `decide` returns them).
        categories: Categories to list first, in this order, even without decisions (the
            policy's); any other category a decision names follows, in first-seen order.

    Returns:
        `{category: {model: decision}}`; a model without a decision on a category has no
        entry in that row.
    """
    grid: dict[str, dict[str, Decision]] = {str(c): {} for c in categories}
    for model_decisions in decisions.values():
        for d in model_decisions:
            grid.setdefault(d.category, {})[d.model] = d
    return grid


def render_routing(decisions: Mapping[str, Sequence[Decision]]) -> str:
    """A plain-text table, categories by models, then the reason of every cell not allowed.

    Cells read "allowed", "DENIED (gate: metric)" or "not enough evidence" (`Decision.text`).
    Reasons are grouped by model. When a label is longer than `COLUMN_LABEL_CHARS`, every
    column is headed `[n]` and a legend names the models.
    """
    models = list(decisions)
    if not models:
        return "no models: no routing decisions\n"
    grid = routing_grid(decisions)
    keyed = any(len(m) > COLUMN_LABEL_CHARS for m in models)
    heads = [f"[{i}]" for i in range(1, len(models) + 1)] if keyed else models
    rows = [
        [category, *(cells[m].text if m in cells else "-" for m in models)]
        for category, cells in grid.items()
    ]
    legend = [f"{head} {model}" for head, model in zip(heads, models, strict=True)]
    out = [*legend, ""] if keyed else []
    out.append(text_table(["category", *heads], rows))
    notes: list[str] = []
    for head, model in zip(heads, models, strict=True):
        reasons = [
            f"    {category}: {cells[model].reason}"
            for category, cells in grid.items()
            if model in cells and cells[model].verdict != "allowed"
        ]
        if reasons:
            notes += [f"  {head} {model}:" if keyed else f"  {model}:", *reasons]
    if notes:
        out += ["", "why not allowed:", *notes]
    return "\n".join(out) + "\n"


def routing_json(
    decisions: Mapping[str, Sequence[Decision]], policy: RoutingPolicy
) -> dict[str, Any]:
    """The decisions as JSON a router can consume.

    Returns:
        `{"policy_version", "models": {model: {category: {"verdict", "failing_gate",
        "reason", "metrics"}}}}`, metrics being the measured numbers by gate name.
    """
    return {
        "policy_version": policy.version,
        "models": {
            model: {
                d.category: {
                    "verdict": d.verdict,
                    "failing_gate": d.failing_gate,
                    "reason": d.reason,
                    "metrics": d.metrics,
                }
                for d in model_decisions
            }
            for model, model_decisions in decisions.items()
        },
    }
