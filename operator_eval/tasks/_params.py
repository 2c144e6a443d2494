"""The tasks' parameters (`-T name=value`) checked before anything is built.

`inspect eval ... -T seed=abc` hands the task the string "abc" (Inspect parses `-T`
values as YAML), and a bad value used to surface deep inside dataset generation or the
solver as a long traceback. Each check here raises a `UsageError` instead: Inspect
prints its one line, naming the parameter, what it got and what it takes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from operator_eval._usage import UsageError
from operator_eval.agent import GraphSpecError, load_graph_target

AUTO_SANDBOX = "auto"
"""The tasks' default sandbox: `bwrap` where it works on this host; without it, `local`
for operator-eval's scripted policies only (`operator_eval.sandbox.default_sandbox`)."""


class TaskParams(NamedTuple):
    """A task's checked parameters."""

    seed: int
    graph: str
    max_steps: int
    sandbox: str


def _whole(task: str, name: str, value: Any, minimum: int, meaning: str) -> int:
    # bool is an int to Python, and `-T seed=yes` arrives as True: not a number here
    if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
        return value
    raise UsageError(
        f"{task}: -T {name} must be a whole number >= {minimum} ({meaning}), got {value!r}"
    )


def _sandbox_types() -> list[str]:
    """Registered Inspect sandbox types, short names (operator_eval's bwrap included)."""
    from inspect_ai._util.registry import registry_find, registry_info

    found = registry_find(lambda info: info.type == "sandboxenv")
    return sorted({registry_info(s).name.split("/")[-1] for s in found})


def _check_sandbox(task: str, sandbox: Any) -> str:
    from operator_eval.tasks._family import CONTAINER_CONFIGS  # it imports this module

    if sandbox == AUTO_SANDBOX or sandbox in CONTAINER_CONFIGS:
        return str(sandbox)
    known = _sandbox_types()
    if isinstance(sandbox, str) and sandbox in known:
        return sandbox
    choices = [AUTO_SANDBOX, *dict.fromkeys([*known, *CONTAINER_CONFIGS])]
    raise UsageError(
        f"{task}: -T sandbox={sandbox!r} is not a sandbox type; choose one of: {', '.join(choices)}"
    )


def _check_graph(task: str, graph: Any) -> str:
    if not isinstance(graph, str):
        raise GraphSpecError(f"{task}: -T graph must be 'path/to/file.py:factory', got {graph!r}")
    try:
        load_graph_target(graph)
    except GraphSpecError as ex:
        raise GraphSpecError(f"{task}: -T graph={graph}: {ex}") from None
    return graph


def check_params(task: str, *, seed: Any, graph: Any, max_steps: Any, sandbox: Any) -> TaskParams:
    """Check a task's parameters as a user passed them.

    Args:
        task: The task's name, for the message.
        seed: Instance seed (a whole number >= 0).
        graph: Graph spec; its file or module and attribute must load.
        max_steps: Agent step budget (a whole number >= 1).
        sandbox: `auto`, `docker`, `k8s` or a registered Inspect sandbox type.

    Returns:
        The parameters, checked.

    Raises:
        UsageError: naming the bad parameter, the value given and the valid choices
            (`GraphSpecError`, a `UsageError`, for the graph).
    """
    return TaskParams(
        seed=_whole(task, "seed", seed, 0, "0 is the public set, others fresh sets"),
        graph=_check_graph(task, graph),
        max_steps=_whole(task, "max_steps", max_steps, 1, "the agent's step budget"),
        sandbox=_check_sandbox(task, sandbox),
    )


def eval_models() -> list[str] | None:
    """The models of the eval building this task ("provider/name"), role models too.

    Inspect sets the active model (and the model roles) before it calls a `@task`
    function from `inspect eval`/`eval("...")`; None when the task is built outside an
    eval (e.g. `eval(deploy_recovery(), ...)` builds it first).
    """
    from inspect_ai.model import model_roles
    from inspect_ai.model._model import active_model

    model = active_model()
    if model is None:
        return None
    names = [str(model)]
    for assigned in model_roles().values():
        for role_model in assigned if isinstance(assigned, list) else [assigned]:
            names.append(str(role_model))
    return names
