"""Inspect tasks, one module per family, and the benchboard and benchboard_hard suites."""

from operator_eval.tasks.benchboard import benchboard
from operator_eval.tasks.benchboard_hard import benchboard_hard
from operator_eval.tasks.blocked_work import blocked_work
from operator_eval.tasks.deploy_recovery import deploy_recovery
from operator_eval.tasks.invoice_reconciliation import invoice_reconciliation
from operator_eval.tasks.safety_gate import safety_gate
from operator_eval.tasks.source_of_truth import source_of_truth
from operator_eval.tasks.tool_failure import tool_failure

__all__ = [
    "benchboard",
    "benchboard_hard",
    "blocked_work",
    "deploy_recovery",
    "invoice_reconciliation",
    "safety_gate",
    "source_of_truth",
    "tool_failure",
]
