"""blocked_work: jobs that cannot be completed, next to look-alikes that can."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, FlexibleVariant
from operator_eval.world._service_world import SHIPPED


class BlockedWorkVariant(FlexibleVariant):
    """A variant of `blocked_work/family.yaml`: the keys its generator reads."""

    kind: Any = None
    blocked: Any = None
    runbook_sections: list[str] | None = None


class BlockedWorkFile(FamilyFile):
    """`blocked_work/family.yaml`: the keys its generator reads."""

    variants: dict[str, BlockedWorkVariant] = Field(min_length=1)
    runbook: str | None = None
    runbook_sections: dict[str, str] | None = None


BLOCKED: Mapping[str, int] = MappingProxyType(
    {"live_unchanged": 6, "health": 3, "blocker_cited": 3}
)
"""A blocked job: the old release still serves, and the blocker is cited."""

FAMILY = Family(
    name="blocked_work",
    file_model=BlockedWorkFile,
    world_checks={"shipped": SHIPPED, "blocked": BLOCKED},
    has_task=True,
)
