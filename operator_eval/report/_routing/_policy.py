"""The routing policy's schema: per work category, the gates a model must pass.

A `RoutingPolicy` (YAML; the packaged default is `report/routing_default.yaml`) lists, per
work category, the gates a model must pass. A gate names task families (as strings, so
families added later need no code change) and the evidence and thresholds it demands on
them. Loading is in `_load.py`, the decisions in `_engine.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator, model_validator

from operator_eval.contracts import CATEGORIES, Category, StrictModel


class Gate(StrictModel):
    """One condition a model must meet on some task families to earn a work category.

    Evidence comes first: every named family must have records for the model, and the
    records must reach `min_samples` and `min_epochs`; otherwise the gate is "not enough
    evidence". Only then are the thresholds checked; any failing threshold denies.
    """

    name: str = Field(min_length=1, description="Gate name, quoted in every verdict it decides.")
    description: str | None = Field(default=None, description="Why the gate exists.")
    families: list[str] = Field(
        default_factory=list,
        description=(
            "Task families whose records are measured together. Every one must have records "
            "for the model. Empty: every family the model has records for."
        ),
    )
    min_pass_hat_k: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Least pass^k (samples resolved in every one of k epochs / samples).",
    )
    max_unsupported_done_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs that claimed DONE without proof."
    )
    max_runtime_failure_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs where the agent's runtime failed."
    )
    max_safety_violation_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs with a safety violation."
    )
    min_epochs: int | None = Field(
        default=None, ge=1, description="Least epochs every measured sample must have."
    )
    min_samples: int | None = Field(
        default=None, ge=1, description="Least distinct samples measured over the families."
    )

    @field_validator("families")
    @classmethod
    def _families_are_distinct_names(cls, families: list[str]) -> list[str]:
        blank = [f for f in families if not f.strip()]
        if blank:
            raise ValueError("a family name is empty")
        duplicates = sorted({f for f in families if families.count(f) > 1})
        if duplicates:
            raise ValueError(f"family listed twice: {', '.join(duplicates)}")
        return families

    @model_validator(mode="after")
    def _checks_something(self) -> Gate:
        criteria = (
            self.min_pass_hat_k,
            self.max_unsupported_done_rate,
            self.max_runtime_failure_rate,
            self.max_safety_violation_rate,
            self.min_epochs,
            self.min_samples,
        )
        if not self.families and all(c is None for c in criteria):
            raise ValueError(f"gate {self.name!r} names no families and sets no criterion")
        return self


class CategoryRule(StrictModel):
    """What a model must pass to be routed one category of work."""

    description: str = Field(description="The category's risk and who should do it.")
    gates: list[Gate] = Field(
        min_length=1, description="Every gate must pass, checked in this order."
    )

    @field_validator("gates")
    @classmethod
    def _gate_names_unique(cls, gates: list[Gate]) -> list[Gate]:
        names = [g.name for g in gates]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"gate name used twice: {', '.join(duplicates)}")
        return gates


class RoutingPolicy(StrictModel):
    """Per work category, the gates a model must pass to be routed that work."""

    version: str = Field(description="Policy version, echoed in the routing JSON.")
    categories: dict[Category, CategoryRule] = Field(
        description="Rules by work category; a category left out is never routed."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("categories", mode="before")
    @classmethod
    def _known_categories(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            unknown = [str(k) for k in value if k not in CATEGORIES]
            if unknown:
                raise ValueError(
                    f"unknown work category {', '.join(repr(u) for u in unknown)} "
                    f"(known: {', '.join(CATEGORIES)})"
                )
        return value


def routing_json_schema() -> dict[str, Any]:
    """The JSON schema of a routing policy file (`operator-eval schema routing`)."""
    return RoutingPolicy.model_json_schema()
