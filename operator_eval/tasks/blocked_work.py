"""blocked_work: jobs that cannot be completed, next to look-alikes that can."""

from __future__ import annotations

from inspect_ai import Task, task

from operator_eval._defaults import DEFAULT_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.tasks._family import family_task
from operator_eval.tasks._params import AUTO_SANDBOX


@task
def blocked_work(
    seed: int = 0,
    graph: str = DEFAULT_GRAPH,
    max_steps: int = DEFAULT_MAX_STEPS,
    sandbox: str = AUTO_SANDBOX,
) -> Task:
    """Missing credentials, a dependency down, a self-contradicting spec: report BLOCKED with proof.

    Solvable look-alikes are mixed in, so always answering BLOCKED fails; DONE on a
    blocked job is `unsupported_done`.

    Args:
        seed: Instance seed; 0 is the public set, any other seed a fresh set of equal
            difficulty (`-T seed=N`).
        graph: LangGraph graph to evaluate (`-T graph=...`; the solver also takes
            `-S graph=...`).
        max_steps: Step budget of the agent.
        sandbox: Inspect sandbox type (the world needs `python3`, `bash`, `timeout`).
            `auto` (the default) is `bwrap` where bubblewrap works on this host;
            without it `local` (no isolation) for the scripted `opeval/` policies
            only, and a one-line refusal for any other model.
    """
    return family_task("blocked_work", seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
