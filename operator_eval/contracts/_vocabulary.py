"""The words every package shares: statuses, work categories, risks, stop reasons, points.

Each is written once here; modules import the name instead of repeating the literal.
"""

from __future__ import annotations

from typing import Literal, get_args

Status = Literal["DONE", "BLOCKED", "FAILED"]
"""What an agent reports at the end of a task, and what the answer key expects."""
STATUSES: tuple[Status, ...] = get_args(Status)

Category = Literal[
    "drafting",
    "summarization",
    "extraction",
    "classification",
    "config_change",
    "deploy",
    "money_path",
    "external_send",
    "incident",
    "source_of_truth",
    "proof_of_work",
]
"""Kinds of operator work a sample stands for (what routing permissions are granted on),
in the order the board and routing tables list them."""
CATEGORIES: tuple[Category, ...] = get_args(Category)

Risk = Literal["low", "critical"]
"""How much a mistake in a sample's kind of work costs."""

StopReason = Literal["final", "step_budget", "runtime_error", "limit", "error"]
"""Why the agent stopped: it answered ('final'), ran out of steps, the model runtime failed,
a sample time/token/message limit cut it off ('limit'), or the graph raised ('error')."""
OUT_OF_BUDGET: frozenset[StopReason] = frozenset({"step_budget", "limit"})
"""Stop reasons that mean the agent was cut off rather than finished or broken."""

MAX_POINTS = 25
"""What one sample is worth."""
