"""ledger_close (benchboard_hard): close a month's ledger from documents at real size."""

from __future__ import annotations

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import DocumentFamilyFile, VariantFile


class LedgerCloseVariant(VariantFile):
    """A variant of `ledger_close/family.yaml`: the keys its generator reads."""


class LedgerCloseFile(DocumentFamilyFile):
    """`ledger_close/family.yaml`: the keys its generator reads."""

    variants: dict[str, LedgerCloseVariant] = Field(min_length=1)


FAMILY = Family(name="ledger_close", file_model=LedgerCloseFile)
