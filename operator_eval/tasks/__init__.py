"""Inspect tasks, one module per family."""

from operator_eval.tasks.deploy_recovery import deploy_recovery

__all__ = ["deploy_recovery"]
