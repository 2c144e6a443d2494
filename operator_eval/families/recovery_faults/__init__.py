"""recovery_faults (benchboard_hard): recover a deploy while tools fail mid-way."""

from __future__ import annotations

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import (
    FamilyFile,
    Faults,
    FlexibleVariant,
    LiveState,
    ReleaseSettings,
)
from operator_eval.world._service_world import SHIPPED


class RecoveryFaultsVariant(FlexibleVariant, ReleaseSettings, LiveState):
    """A variant of `recovery_faults/family.yaml`: the keys its generator reads."""

    faults: Faults = None


class RecoveryFaultsFile(FamilyFile):
    """`recovery_faults/family.yaml`: the keys its generator reads."""

    variants: dict[str, RecoveryFaultsVariant] = Field(min_length=1)


FAMILY = Family(
    name="recovery_faults", file_model=RecoveryFaultsFile, world_checks={"shipped": SHIPPED}
)
