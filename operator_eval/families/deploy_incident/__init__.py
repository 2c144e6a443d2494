"""deploy_incident (benchboard_hard): an incident whose cause is only in the service's own logs."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, FlexibleVariant, Settings


class DeployIncidentVariant(FlexibleVariant):
    """A variant of `deploy_incident/family.yaml`: the keys its generator reads."""

    settings: Settings = None
    prebuilt: Any = None
    failing_release: Any = None
    config_fault: Any = None
    flaw_status: Any = None


class DeployIncidentFile(FamilyFile):
    """`deploy_incident/family.yaml`: the keys its generator reads."""

    variants: dict[str, DeployIncidentVariant] = Field(min_length=1)
    log_paths: Any = None
    migration_words: Any = None
    health_reasons: Any = None
    fault_keys: Any = None
    runbook: str | None = None
    changelog_fix: Any = None
    changelog_disputed: Any = None
    disputed_docs: Any = None
    investigate: Any = None


FAMILY = Family(name="deploy_incident", file_model=DeployIncidentFile)
