"""What every operator family's task shares: world setup, the agent, the scorer, cleanup.

`family_task_function` makes a family's `@task` (its folder's `task.py` calls it with
the family's name and docstring): the parameters and their documentation are the same
for every family, so they are written once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, overload

from inspect_ai import Task, task
from inspect_ai.dataset import Dataset
from inspect_ai.log import HeadlineMetric
from inspect_ai.util import SandboxEnvironmentSpec

from operator_eval._defaults import DEFAULT_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH, operator_agent
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


_PARAMETER_DOCS = """
    Args:
        seed: Instance seed; 0 is the public set, any other seed a fresh set of equal
            difficulty (`-T seed=N`).
        graph: LangGraph graph to evaluate (`-T graph=...`; the solver also takes
            `-S graph=...`).
        max_steps: Step budget of the agent.
        sandbox: Inspect sandbox type (the world needs {needs}).
            `auto` (the default) is `bwrap` where bubblewrap works on this host;
            without it `local` (no isolation) for the scripted `opeval/` policies
            only, and a one-line refusal for any other model.
"""
WORLD_NEEDS = "`python3`, `bash`, `timeout`"
"""What a family's world needs of the sandbox (a family whose setup commits adds `git`)."""


def family_task_function(
    family: str, doc: str, *, needs: str = WORLD_NEEDS
) -> Callable[..., Task]:
    """The `@task` of one family, registered with Inspect under the family's name.

    Inspect reads a task's parameters (`-T seed=..`) from its signature and `inspect
    list`/`operator-eval tasks` its docstring, so each family gets a real function of its
    own name: `doc` (what the family tests, indented as a docstring) followed by the
    parameters' documentation.

    Args:
        family: The family's name (`inspect eval operator_eval/<family>`).
        doc: The task's description: a one-line summary, a blank line, then more.
        needs: What the family's world needs of the sandbox, for the `sandbox` doc.
    """

    def family_task_(
        seed: int = 0,
        graph: str = DEFAULT_GRAPH,
        max_steps: int = DEFAULT_MAX_STEPS,
        sandbox: str = AUTO_SANDBOX,
    ) -> Task:
        return family_task(family, seed, graph=graph, max_steps=max_steps, sandbox=sandbox)

    family_task_.__name__ = family_task_.__qualname__ = family
    family_task_.__doc__ = doc.rstrip() + "\n" + _PARAMETER_DOCS.format(needs=needs)
    return task(family_task_)  # type: ignore[no-any-return]
