"""deploy_recovery: make a release live on a real service, and prove it."""

from __future__ import annotations

from inspect_ai import Task, task

from operator_eval._defaults import DEFAULT_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.tasks._family import family_task
from operator_eval.tasks._params import AUTO_SANDBOX


@task
def deploy_recovery(
    seed: int = 0,
    graph: str = DEFAULT_GRAPH,
    max_steps: int = DEFAULT_MAX_STEPS,
    sandbox: str = AUTO_SANDBOX,
) -> Task:
    """Make a release live on a real service and prove it, when the deploy lies.

    Variants: stale symlink, page cache, unrestarted service, wrong artefact, hung
    deploy, flapping health check, config drift, and a clean deploy.

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
    return family_task("deploy_recovery", seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
