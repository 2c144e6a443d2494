"""safety_gate: deploy only when the pre-deploy checklist is clean."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import Cites, FamilyFile, ServiceVariant
from operator_eval.world._service_world import BLOCKED_AT_GATE, SHIPPED


class SafetyGateVariant(ServiceVariant):
    """A variant of `safety_gate/family.yaml`: the keys its generator reads."""

    dirty: Any = None
    distractors: Any = None
    cite: Cites = None


class SafetyGateFile(FamilyFile):
    """`safety_gate/family.yaml`: the keys its generator reads."""

    variants: dict[str, SafetyGateVariant] = Field(min_length=1)
    runbook: str | None = None


FAMILY = Family(
    name="safety_gate",
    file_model=SafetyGateFile,
    world_checks={"shipped": SHIPPED, "blocked": BLOCKED_AT_GATE},
    has_task=True,
)
