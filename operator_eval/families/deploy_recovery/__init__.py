"""deploy_recovery: make a release live on a real service, and prove it."""

from __future__ import annotations

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, LiveState, ReleaseSettings, ServiceVariant
from operator_eval.world._service_world import SHIPPED


class DeployRecoveryVariant(ServiceVariant, ReleaseSettings, LiveState):
    """A variant of `deploy_recovery/family.yaml`: the keys its generator reads."""

    setup_before_start: list[str] | None = None


class DeployRecoveryFile(FamilyFile):
    """`deploy_recovery/family.yaml`: the keys its generator reads."""

    variants: dict[str, DeployRecoveryVariant] = Field(min_length=1)


FAMILY = Family(
    name="deploy_recovery",
    file_model=DeployRecoveryFile,
    world_checks={"shipped": SHIPPED},
    has_task=True,
)
