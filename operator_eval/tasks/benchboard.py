"""benchboard: the headline suite across every operator family."""

from __future__ import annotations

from inspect_ai import Task, task

from operator_eval._defaults import DEFAULT_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.tasks._params import AUTO_SANDBOX
from operator_eval.tasks._suite import suite_task

SUITE = "benchboard"


@task
def benchboard(
    seed: int = 0,
    graph: str = DEFAULT_GRAPH,
    max_steps: int = DEFAULT_MAX_STEPS,
    sandbox: str = AUTO_SANDBOX,
) -> Task:
    """24 operator tasks across every family, 25 points each: the '452/600' headline.

    The members are listed in `datasets/benchboard/suite.yaml`; sample ids are
    `<family>.<variant>-s<seed>`. Summarise a log with `operator-eval summary`.

    Args:
        seed: Instance seed; 0 is the public set, any other seed a fresh set of equal
            difficulty (`-T seed=N`).
        graph: LangGraph graph to evaluate.
        max_steps: Step budget of the agent.
        sandbox: Inspect sandbox type (the worlds need `python3`, `bash`, `timeout`, `git`).
            `auto` (the default) is `bwrap` where bubblewrap works on this host;
            without it `local` (no isolation) for the scripted `opeval/` policies
            only, and a one-line refusal for any other model.
    """
    return suite_task(SUITE, seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
