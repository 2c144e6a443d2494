"""The reconciliation output an agent writes in document work (`schema reconciliation`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import Field, field_validator

from operator_eval.contracts._models import StrictModel
from operator_eval.contracts._spec import InvoiceStatus

_AMOUNT = re.compile(r"^-?[0-9][0-9.,]*$")


class EvidenceRef(StrictModel):
    """A document in the workspace and a value found in it (as its text shows it)."""

    path: str = Field(min_length=1, description="Workspace-relative path of the document.")
    value: str = Field(min_length=1, description="Text found in that document, verbatim.")


class InvoiceEntry(StrictModel):
    """One invoice that counts, its amount, its payments and where each fact came from."""

    invoice: str = Field(min_length=1, description="Invoice number, e.g. 'INV-1042-R1'.")
    amount: str = Field(description="Invoice total as a decimal string, e.g. '1234.50'.")
    currency: str = Field(min_length=3, max_length=3, description="ISO currency, e.g. 'EUR'.")
    status: InvoiceStatus
    payments: list[str] = Field(
        default_factory=list, description="Bank transaction ids (`bank_ref`) paying it."
    )
    evidence: list[EvidenceRef] = Field(min_length=1)

    @field_validator("amount")
    @classmethod
    def _decimal(cls, value: str) -> str:
        if to_decimal(value) is None:
            raise ValueError(f"amount {value!r} is not a decimal number like '1234.50'")
        return value


class Exclusion(StrictModel):
    """A document that looks relevant but must not be counted, and why."""

    document: str = Field(min_length=1, description="Workspace-relative path.")
    reason: Literal["superseded", "quote", "duplicate", "cancelled", "outdated_export", "other"]


class Reconciliation(StrictModel):
    """The output of an invoice reconciliation (`operator-eval schema reconciliation`)."""

    invoices: list[InvoiceEntry]
    excluded: list[Exclusion] = Field(default_factory=list)


def to_decimal(value: str) -> Decimal | None:
    """Parse an amount: '1234.50', '1234,50', '1,234.50', '1.234,50'; None when it is not one.

    With both separators present, the last one is the decimal point.
    """
    text = value.strip().replace(" ", "")
    if not _AMOUNT.match(text):
        return None
    if "," in text and "." in text:
        decimal_comma = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
