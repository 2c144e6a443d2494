"""source_of_truth: follow the declared source when configs disagree."""

from operator_eval.tasks._family import family_task_function

source_of_truth = family_task_function(
    "source_of_truth",
    """Repo config, live service, runbook and stale copies disagree; a declared rule says who wins.

    The agent must apply the declared source's value everywhere, cite the rule, and
    not fall for the stale copy that looks authoritative.
    """,
)
