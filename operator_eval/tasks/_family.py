"""What every operator family's task shares: world setup, the agent, the scorer, cleanup."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

from inspect_ai import Task
from inspect_ai.dataset import Dataset
from inspect_ai.log import HeadlineMetric
from inspect_ai.util import SandboxEnvironmentSpec

from operator_eval.agent import operator_agent
from operator_eval.sandbox import default_sandbox
from operator_eval.scorers import POINTS_TOTAL_KEY, operator_score
from operator_eval.tasks._params import AUTO_SANDBOX, check_params, eval_models
from operator_eval.world import build_dataset, world_cleanup, world_setup
from operator_eval.world._data import load_family_yaml

HEADLINE = HeadlineMetric(scorer="operator_score", score="points", metric=POINTS_TOTAL_KEY)
"""The number a log listing shows for a run: points earned (the 452 of '452/600')."""
CONTAINER_CONFIGS = {"docker": "compose.yaml", "k8s": "values.yaml"}
"""Inspect's container sandboxes, and the file in `operator_eval/sandbox/containers` each gets."""


def container_config(sandbox: str) -> Path:
    """The shipped config of Inspect's `docker` (compose) or `k8s` (Helm values) sandbox.

    One image serves every family (and benchboard): a world needs `python3`, `bash`,
    coreutils `timeout` and `git`, and its service listens on a unix socket in the
    workspace, so no port is published.

    Raises:
        KeyError: for a sandbox type without a shipped config.
    """
    return (
        Path(__file__).resolve().parents[1] / "sandbox" / "containers" / CONTAINER_CONFIGS[sandbox]
    )


@overload
def resolve_sandbox(sandbox: Literal["auto"]) -> str: ...


@overload
def resolve_sandbox(sandbox: str) -> str | SandboxEnvironmentSpec: ...


def resolve_sandbox(sandbox: str) -> str | SandboxEnvironmentSpec:
    """The sandbox a task runs in.

    `auto` resolved to `bwrap`, or to `local` for scripted policies only (else it
    refuses: `default_sandbox`); `docker` and `k8s` with the shipped config
    (`container_config`), which `-T sandbox=docker` selects; anything else as given.
    """
    if sandbox == AUTO_SANDBOX:
        return default_sandbox(eval_models())
    if sandbox in CONTAINER_CONFIGS:
        return SandboxEnvironmentSpec(sandbox, str(container_config(sandbox)))
    return sandbox


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
        headline_metric=HEADLINE,
    )


def family_task(family: str, seed: int, *, graph: str, max_steps: int, sandbox: str) -> Task:
    """The task of one family: its samples for `seed`, its version in the task metadata.

    The parameters are checked as the user passed them (`-T seed=abc` is one line).
    """
    params = check_params(family, seed=seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
    version = str(load_family_yaml(family, required=()).get("version", "1"))
    return operator_task(
        build_dataset(family, params.seed),
        graph=params.graph,
        max_steps=params.max_steps,
        sandbox=params.sandbox,
        metadata={"family": family, "family_version": version, "seed": params.seed},
        version=version,
    )
