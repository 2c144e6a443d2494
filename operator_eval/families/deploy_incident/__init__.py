"""deploy_incident (benchboard_hard): an incident whose cause is only in the service's own logs."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, FlexibleVariant, Settings
from operator_eval.world._service_world import SHIPPED


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


CAUSE_CITED = 3
"""The incident's cause, cited from the service's own logs."""
ROLLED_BACK: Mapping[str, int] = MappingProxyType(
    {"rolled_back": 4, "health": 3, "config_of_rollback": 2, "cause_cited": CAUSE_CITED}
)
"""A failing release rolled back: the previous release serves, with its config."""
CONFIG_FIXED: Mapping[str, int] = MappingProxyType(
    {"live_release": 3, "health": 2, "live_config": 2, "repo_config": 2, "cause_cited": CAUSE_CITED}
)
"""A config fault fixed: the release live, the right config live and committed."""

FAMILY = Family(
    name="deploy_incident",
    file_model=DeployIncidentFile,
    world_checks={"shipped": SHIPPED, "rolled_back": ROLLED_BACK, "config_fixed": CONFIG_FIXED},
)
