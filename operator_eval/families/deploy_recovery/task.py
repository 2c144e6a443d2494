"""deploy_recovery: make a release live on a real service, and prove it."""

from operator_eval.tasks._family import family_task_function

deploy_recovery = family_task_function(
    "deploy_recovery",
    """Make a release live on a real service and prove it, when the deploy lies.

    Variants: stale symlink, page cache, unrestarted service, wrong artefact, hung
    deploy, flapping health check, config drift, and a clean deploy.
    """,
)
