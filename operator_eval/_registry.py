"""Inspect entry point: registers tasks, scorers, solver, providers and the bwrap sandbox.

Every registered family's `@task` is registered by importing it (the family registry,
`operator_eval/families/_registry.py`, lists them); the suites' tasks come with
`operator_eval.tasks`.
"""

# ruff: noqa: F401
from operator_eval.agent import operator_agent
from operator_eval.families import registered
from operator_eval.policies import opeval
from operator_eval.runtime._faulty import faulty
from operator_eval.sandbox import BwrapSandboxEnvironment
from operator_eval.scorers import (
    done_claim,
    operator_score,
    proof_verified,
    protected_inputs,
    world_state,
)
from operator_eval.tasks import benchboard, benchboard_hard

for _family in registered().values():
    _family.task()
