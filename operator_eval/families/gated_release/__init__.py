"""gated_release (benchboard_hard): a release behind gates that may or may not be made clean."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.contracts._spec import ReferenceStep
from operator_eval.families._family import Family
from operator_eval.families._model import Cites, FamilyFile, ServiceVariant, Settings


class GatedReleaseVariant(ServiceVariant):
    """A variant of `gated_release/family.yaml`: the keys its generator reads."""

    flawed: dict[str, list[ReferenceStep]] | None = None
    settings: Settings = None
    prebuilt_artifact_version: Any = None
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


FAMILY = Family(name="gated_release", file_model=GatedReleaseFile)
