"""tool_failure: the tools misbehave on a seeded schedule; notice and verify."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, Faults, FlexibleVariant, ReleaseSettings
from operator_eval.world._service_world import SHIPPED


class ToolFailureVariant(FlexibleVariant, ReleaseSettings):
    """A variant of `tool_failure/family.yaml`: the keys its generator reads."""

    old_artifact: Any = None
    faults: Faults = None


class ToolFailureFile(FamilyFile):
    """`tool_failure/family.yaml`: the keys its generator reads."""

    variants: dict[str, ToolFailureVariant] = Field(min_length=1)


FAMILY = Family(
    name="tool_failure",
    file_model=ToolFailureFile,
    world_checks={"shipped": SHIPPED},
    has_task=True,
)
