"""invoice_reconciliation: survive the folder, deliver one checked file."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from operator_eval.families._family import Family
from operator_eval.families._model import DocumentFamilyFile, VariantFile


class InvoiceReconciliationVariant(VariantFile):
    """A variant of `invoice_reconciliation/family.yaml`: the keys its generator reads."""

    trap: Any = None
    bank_style: Any = None


class InvoiceReconciliationFile(DocumentFamilyFile):
    """`invoice_reconciliation/family.yaml`: the keys its generator reads."""

    variants: dict[str, InvoiceReconciliationVariant] = Field(min_length=1)


FAMILY = Family(name="invoice_reconciliation", file_model=InvoiceReconciliationFile, has_task=True)
