"""Scripted reference policies, served as the Inspect model provider `opeval`."""

from operator_eval.policies._policies import FLAWS, POLICIES, FinalAction, ToolAction
from operator_eval.policies._provider import OperatorPolicyAPI, opeval, replay

__all__ = [
    "FLAWS",
    "POLICIES",
    "FinalAction",
    "OperatorPolicyAPI",
    "ToolAction",
    "opeval",
    "replay",
]
