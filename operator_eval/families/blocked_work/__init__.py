"""blocked_work: jobs that cannot be completed, next to look-alikes that can."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import FamilyFile, FlexibleVariant


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


FAMILY = Family(name="blocked_work", file_model=BlockedWorkFile, has_task=True)
