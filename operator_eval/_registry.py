"""Inspect entry point: registers tasks, scorers, solver, providers and the bwrap sandbox."""

# ruff: noqa: F401
from operator_eval.agent import operator_agent
from operator_eval.policies import opeval
from operator_eval.runtime._faulty import faulty
from operator_eval.sandbox import BwrapSandboxEnvironment
from operator_eval.scorers import (
    done_claim,
    operator_score,
    proof_verified,
    protected_inputs,
    world_state,
)
from operator_eval.tasks import (
    benchboard,
    benchboard_hard,
    blocked_work,
    deploy_recovery,
    invoice_reconciliation,
    safety_gate,
    source_of_truth,
    tool_failure,
)
