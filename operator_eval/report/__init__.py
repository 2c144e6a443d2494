"""Reports read from Inspect logs: side-by-side scores, metrics, cost, routing, the board.

Every report starts from `SampleRecord`s (`_records`: one flat record per scored run).
`_metrics`, `_cost` and `_compare` aggregate them; `_routing/` decides which model may take
which work; `_board/` builds the board's data and renders the HTML page from it; `_viewer`
bundles the Inspect viewer next to the board; `_text` lays out the commands' text tables
and `_format` writes their numbers.
"""

from operator_eval.report._board import Board, build_board, rate_colour, render_board, write_board
from operator_eval.report._closure import Closure, SampleClosure, closure_of
from operator_eval.report._compare import ModelColumn, column_from_log, headline, render_table
from operator_eval.report._cost import CostSummary, PriceTable, cost_summary, load_prices
from operator_eval.report._metrics import Stats, stats, wilson_interval
from operator_eval.report._records import (
    ReportError,
    SampleRecord,
    TokenUsage,
    log_files,
    model_label,
    read_log,
    read_records,
    records_from_log,
)
from operator_eval.report._routing import (
    CategoryRule,
    Decision,
    Gate,
    RoutingCell,
    RoutingPolicy,
    decide,
    load_policy,
    render_routing,
    routing_json,
    routing_json_schema,
)
from operator_eval.report._viewer import bundle_viewer, viewer_link

__all__ = [
    "Board",
    "CategoryRule",
    "Closure",
    "CostSummary",
    "Decision",
    "Gate",
    "ModelColumn",
    "PriceTable",
    "ReportError",
    "RoutingCell",
    "RoutingPolicy",
    "SampleClosure",
    "SampleRecord",
    "Stats",
    "TokenUsage",
    "build_board",
    "bundle_viewer",
    "closure_of",
    "column_from_log",
    "cost_summary",
    "decide",
    "headline",
    "load_policy",
    "load_prices",
    "log_files",
    "model_label",
    "rate_colour",
    "read_log",
    "read_records",
    "records_from_log",
    "render_board",
    "render_routing",
    "render_table",
    "routing_json",
    "routing_json_schema",
    "stats",
    "viewer_link",
    "wilson_interval",
    "write_board",
]
