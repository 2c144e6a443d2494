"""source_of_truth: follow the declared source when configs disagree."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, FlexibleVariant


class SourceOfTruthVariant(FlexibleVariant):
    """A variant of `source_of_truth/family.yaml`: the keys its generator reads."""

    declared_by: Any = None
    source: Any = None
    repo: Any = None
    live: Any = None
    stale_copy: Any = None
    docs: dict[str, str] | None = None
    json_files: dict[str, dict[str, Any]] | None = None


class SourceOfTruthFile(FamilyFile):
    """`source_of_truth/family.yaml`: the keys its generator reads."""

    variants: dict[str, SourceOfTruthVariant] = Field(min_length=1)
    keys: dict[str, dict[str, Any]] | None = None
    common_docs: dict[str, str] | None = None


APPLIED: Mapping[str, int] = MappingProxyType(
    {"live_config": 6, "repo_config": 3, "source_cited": 3}
)
"""The declared source's value is live and in the repo, and the rule is cited."""

FAMILY = Family(
    name="source_of_truth",
    file_model=SourceOfTruthFile,
    world_checks={"applied": APPLIED},
    has_task=True,
)
