"""Routing permissions: which model may do which kind of operator work, decided from the logs.

`_policy` is the policy file's schema, `_load` reads it (or the packaged default),
`_engine` decides verdicts from sample records, `_decision` holds what it decides (with
the one text a verdict cell reads) and `_render` shows decisions as a table and as JSON.
"""

from operator_eval.report._routing._decision import (
    VERDICT_TEXT,
    Decision,
    GateMetrics,
    GateOutcome,
    GateResult,
    RoutingCell,
    Verdict,
)
from operator_eval.report._routing._engine import check_gate, decide, decide_category
from operator_eval.report._routing._load import DEFAULT_POLICY, load_policy, parse_policy
from operator_eval.report._routing._policy import (
    CategoryRule,
    Gate,
    RoutingPolicy,
    routing_json_schema,
)
from operator_eval.report._routing._render import (
    COLUMN_LABEL_CHARS,
    render_routing,
    routing_grid,
    routing_json,
)

__all__ = [
    "COLUMN_LABEL_CHARS",
    "DEFAULT_POLICY",
    "VERDICT_TEXT",
    "CategoryRule",
    "Decision",
    "Gate",
    "GateMetrics",
    "GateOutcome",
    "GateResult",
    "RoutingCell",
    "RoutingPolicy",
    "Verdict",
    "check_gate",
    "decide",
    "decide_category",
    "load_policy",
    "parse_policy",
    "render_routing",
    "routing_grid",
    "routing_json",
    "routing_json_schema",
]
