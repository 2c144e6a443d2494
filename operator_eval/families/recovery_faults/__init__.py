"""recovery_faults (benchboard_hard): recover a deploy while tools fail mid-way."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, Faults, FlexibleVariant, Settings
from operator_eval.world._service_world import SHIPPED


class RecoveryFaultsVariant(FlexibleVariant):
    """A variant of `recovery_faults/family.yaml`: the keys its generator reads."""

    settings: Settings = None
    prebuilt_artifact_version: Any = None
    already_live: Any = None
    drifted_config: Any = None
    faults: Faults = None


class RecoveryFaultsFile(FamilyFile):
    """`recovery_faults/family.yaml`: the keys its generator reads."""

    variants: dict[str, RecoveryFaultsVariant] = Field(min_length=1)


FAMILY = Family(
    name="recovery_faults", file_model=RecoveryFaultsFile, world_checks={"shipped": SHIPPED}
)
