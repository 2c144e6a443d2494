"""Reports read from Inspect logs: side-by-side scores, metrics, cost, routing, the board."""

from operator_eval.report._board import bundle_viewer, write_board
from operator_eval.report._compare import (
    ModelColumn,
    SampleCell,
    column_from_log,
    headline,
    render_table,
)
from operator_eval.report._cost import CostSummary, PriceTable, cost_summary, load_prices
from operator_eval.report._metrics import Stats, stats, wilson_interval
from operator_eval.report._records import (
    ReportError,
    SampleRecord,
    model_label,
    read_log,
    read_records,
)
from operator_eval.report._routing import (
    Decision,
    RoutingPolicy,
    decide,
    load_policy,
    render_routing,
    routing_json,
    routing_json_schema,
)

__all__ = [
    "CostSummary",
    "Decision",
    "ModelColumn",
    "PriceTable",
    "ReportError",
    "RoutingPolicy",
    "SampleCell",
    "SampleRecord",
    "Stats",
    "bundle_viewer",
    "column_from_log",
    "cost_summary",
    "decide",
    "headline",
    "load_policy",
    "load_prices",
    "model_label",
    "read_log",
    "read_records",
    "render_routing",
    "render_table",
    "routing_json",
    "routing_json_schema",
    "stats",
    "wilson_interval",
    "write_board",
]
