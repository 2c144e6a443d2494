"""Inspect tasks: one per family that has its own (from the family registry), and the suites.

`operator_eval.tasks.<family>` is the `@task` in `operator_eval/families/<family>/task.py`,
for every registered family that has one (`deploy_recovery`, `safety_gate`,
`source_of_truth`, `tool_failure`, `blocked_work`, `invoice_reconciliation`); the
benchboard and benchboard_hard suites are defined here. `family_task_function` makes a
family's `@task` (see README, "Adding a family"); `__all__` lists the tasks only.
"""

from typing import Any

from operator_eval.families import registered
from operator_eval.tasks._family import family_task_function as family_task_function
from operator_eval.tasks.benchboard import benchboard
from operator_eval.tasks.benchboard_hard import benchboard_hard

__all__ = [
    "benchboard",
    "benchboard_hard",
    *(family.name for family in registered().values() if family.has_task),
]


def __getattr__(name: str) -> Any:
    """A family's task by its name, read from the family registry on first use."""
    family = registered().get(name)
    task = family.task() if family is not None else None
    if task is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return task
