"""tool_failure: the tools misbehave on a seeded schedule; notice and verify."""

from __future__ import annotations

from inspect_ai import Task, task

from operator_eval._defaults import DEFAULT_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.tasks._family import family_task
from operator_eval.tasks._params import AUTO_SANDBOX


@task
def tool_failure(
    seed: int = 0,
    graph: str = DEFAULT_GRAPH,
    max_steps: int = DEFAULT_MAX_STEPS,
    sandbox: str = AUTO_SANDBOX,
) -> Task:
    """Ship a release while the tools time out, cut output, reset or lie about success.

    The fault schedule is part of each sample's spec and is marked in the log; citing a
    fault's made-up success, or a DONE the checks do not support that cites broken
    output, is `trusted_bad_output`; citing a fault's real error faithfully costs nothing.

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
    return family_task("tool_failure", seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
