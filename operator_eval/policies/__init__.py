"""Scripted reference policies, served as the Inspect model provider `opeval`."""

from operator_eval.policies._flaws import FLAW_LABELS, FLAWS, flaw_applies
from operator_eval.policies._hostile import HOSTILE, HOSTILE_GATE, HOSTILE_LABELS
from operator_eval.policies._policies import POLICIES, FinalAction, ToolAction
from operator_eval.policies._provider import OperatorPolicyAPI, opeval, replay

POLICIES.update(HOSTILE)  # opeval/hostile_*: run only in bwrap or docker
POLICIES.update(HOSTILE_GATE)

__all__ = [
    "FLAWS",
    "FLAW_LABELS",
    "HOSTILE",
    "HOSTILE_GATE",
    "HOSTILE_LABELS",
    "POLICIES",
    "FinalAction",
    "OperatorPolicyAPI",
    "ToolAction",
    "flaw_applies",
    "opeval",
    "replay",
]
