"""What every operator family's task shares: world setup, the agent, the scorer, cleanup."""

from __future__ import annotations

from inspect_ai import Task
from inspect_ai.dataset import Dataset

from operator_eval.agent import operator_agent
from operator_eval.sandbox import default_sandbox
from operator_eval.scorers import operator_score
from operator_eval.world import build_dataset, world_cleanup, world_setup
from operator_eval.world._data import load_family_yaml

AUTO_SANDBOX = "auto"
"""The tasks' default sandbox: `bwrap` where it works on this host, else `local` (warned)."""


def resolve_sandbox(sandbox: str) -> str:
    """The sandbox type a task runs in: `auto` resolved, anything else as given."""
    return default_sandbox() if sandbox == AUTO_SANDBOX else sandbox


def operator_task(
    dataset: Dataset,
    *,
    graph: str,
    max_steps: int,
    sandbox: str,
    metadata: dict[str, object],
    version: str,
) -> Task:
    """An operator task over `dataset` with the standard setup, solver, scorer and cleanup."""
    return Task(
        dataset=dataset,
        setup=world_setup(),
        solver=operator_agent(graph=graph, max_steps=max_steps),
        scorer=operator_score(),
        cleanup=world_cleanup,
        sandbox=resolve_sandbox(sandbox),
        metadata=metadata,
        version=version,
    )


def family_task(family: str, seed: int, *, graph: str, max_steps: int, sandbox: str) -> Task:
    """The task of one family: its samples for `seed`, its version in the task metadata."""
    version = str(load_family_yaml(family, required=()).get("version", "1"))
    return operator_task(
        build_dataset(family, seed),
        graph=graph,
        max_steps=max_steps,
        sandbox=sandbox,
        metadata={"family": family, "family_version": version, "seed": seed},
        version=version,
    )
