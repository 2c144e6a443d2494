"""benchboard_hard: compound operator incidents that leave headroom for the strongest agents."""

from __future__ import annotations

from inspect_ai import Task, task

from operator_eval._defaults import HARD_MAX_STEPS
from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.tasks._params import AUTO_SANDBOX
from operator_eval.tasks._suite import suite_task

SUITE = "benchboard_hard"


@task
def benchboard_hard(
    seed: int = 0,
    graph: str = DEFAULT_GRAPH,
    max_steps: int = HARD_MAX_STEPS,
    sandbox: str = AUTO_SANDBOX,
) -> Task:
    """24 compound operator incidents, 25 points each: the tier that separates the best.

    Every sample combines at least two traps (several causes at once, the cause only
    in the service's own logs, gates that may or may not be made clean, faults in the
    middle of the recovery, document work at real size), and the oracle's closure is 25
    tool calls or more. The members are listed in `datasets/benchboard_hard/suite.yaml`;
    sample ids are `<family>.<variant>-s<seed>`. `operator-eval closure LOG` prints each
    sample's traps and tool calls.

    Args:
        seed: Instance seed; 0 is the public set, any other seed a fresh set of equal
            difficulty (`-T seed=N`).
        graph: LangGraph graph to evaluate.
        max_steps: Step budget of the agent (100 by default: the closures are long).
        sandbox: Inspect sandbox type (the worlds need `python3`, `bash`, `timeout`, `git`).
            `auto` (the default) is `bwrap` where bubblewrap works on this host;
            without it `local` (no isolation) for the scripted `opeval/` policies
            only, and a one-line refusal for any other model.
    """
    return suite_task(SUITE, seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
