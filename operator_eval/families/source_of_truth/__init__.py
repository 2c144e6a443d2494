"""source_of_truth: follow the declared source when configs disagree."""

from __future__ import annotations

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


FAMILY = Family(name="source_of_truth", file_model=SourceOfTruthFile, has_task=True)
