"""The typed shape of a `family.yaml`: the keys every family shares, as pydantic bases.

Each family's folder declares the keys its generator reads by subclassing these (its
`_file.py`); a key outside its model would be silently ignored (a typo such as
`setings:` builds a different world), so `world/_data.py` refuses it, naming the file,
the place and the keys the family reads. Any key starting with `x-` is free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast, get_args

from pydantic import Field

from operator_eval.contracts._models import StrictModel
from operator_eval.contracts._spec import ReferenceStep
from operator_eval.contracts._vocabulary import Category, Risk

# The keys several families type the same way.
Settings = dict[str, Any] | None
Faults = list[dict[str, Any]] | None
Cites = list[dict[str, Any]] | None


class VariantFile(StrictModel):
    """The keys every variant may have: its work category, risk and traps."""

    category: Category | None = None
    risk: Risk | None = None
    traps: list[str] | None = None


class ServiceVariant(VariantFile):
    """A variant of a service-world family: a story, a reference fix, setup after start."""

    story: str | None = None
    reference: list[ReferenceStep] | None = None
    setup_after_start: list[str] | None = None


class FlexibleVariant(ServiceVariant):
    """A service-world variant that may also run setup before start and list wrong fixes."""

    setup_before_start: list[str] | None = None
    flawed: dict[str, list[ReferenceStep]] | None = None


class ReleaseSettings(StrictModel):
    """Variant keys of a family that tunes the deploy and may leave a prebuilt artefact."""

    settings: Settings = None
    prebuilt_artifact_version: Any = None


class LiveState(StrictModel):
    """Variant keys of a family whose release may already be live (its config drifted)."""

    already_live: Any = None
    drifted_config: Any = None


class FamilyFile(StrictModel):
    """The top-level keys every `family.yaml` has; a family narrows `variants` to its model."""

    family: str | None = None
    version: str | None = Field(default=None, description="Quoted: 1.10 is not 1.1.")
    category: Category | None = None
    risk: Risk | None = None
    description: str | None = None
    ticket: str | None = None
    variants: Mapping[str, VariantFile] = Field(min_length=1)

    @classmethod
    def variant_model(cls) -> type[VariantFile]:
        """The model of one variant (what the family narrowed `variants` to)."""
        return cast(type[VariantFile], get_args(cls.model_fields["variants"].annotation)[1])


class DocumentFamilyFile(FamilyFile):
    """A document family's file: the issuers, customers and products its folders draw from."""

    issuers: list[str] | None = Field(default=None, min_length=1)
    customers: list[str] | None = Field(default=None, min_length=4)
    products: list[list[Any]] | None = Field(default=None, min_length=1)
