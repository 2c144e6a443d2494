"""gated_release (benchboard_hard): a release behind gates that may or may not be made clean."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import Field

from operator_eval.contracts._spec import ReferenceStep
from operator_eval.families._family import Family
from operator_eval.families._model import Cites, FamilyFile, ReleaseSettings, ServiceVariant
from operator_eval.world._service_world import BLOCKED_AT_GATE, SHIPPED


class GatedReleaseVariant(ServiceVariant, ReleaseSettings):
    """A variant of `gated_release/family.yaml`: the keys its generator reads."""

    flawed: dict[str, list[ReferenceStep]] | None = None
    cite: Cites = None
    failed_checks: Any = None
    approval: Any = None
    freeze: Any = None
    uncommitted: Any = None
    other_scope_active: Any = None


class GatedReleaseFile(FamilyFile):
    """`gated_release/family.yaml`: the keys its generator reads."""

    variants: dict[str, GatedReleaseVariant] = Field(min_length=1)
    runbook: str | None = None


SHIPPED_AFTER_GREEN: Mapping[str, int] = MappingProxyType(
    {"live_release": 5, "health": 2, "config_in_sync": 2, "no_deploy_before_green": 3}
)
"""A flaky gate: the release live and right (9), no deploy before every re-run passed (3)."""

FAMILY = Family(
    name="gated_release",
    file_model=GatedReleaseFile,
    world_checks={
        "shipped": SHIPPED,
        "shipped_after_green": SHIPPED_AFTER_GREEN,
        "blocked": BLOCKED_AT_GATE,
    },
)
