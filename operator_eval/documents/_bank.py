"""Bank account exports as CSV, in three bank styles (plain, German locale, reordered)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from operator_eval.documents._amounts import check_decimal, quantize_amount

# Column names of the plain CSV style, in the order the plain style writes them.
BANK_CSV_FIELDS: tuple[str, ...] = (
    "date",
    "amount",
    "currency",
    "reference",
    "counterparty",
    "bank_ref",
)

# The same columns as a German bank export names them (same order as BANK_CSV_FIELDS).
BANK_CSV_LOCALE_HEADER: tuple[str, ...] = (
    "Buchungstag",
    "Betrag",
    "Waehrung",
    "Verwendungszweck",
    "Auftraggeber",
    "Referenz",
)

# Column order of the "reordered" style (a permutation of BANK_CSV_FIELDS).
BANK_CSV_REORDERED_FIELDS: tuple[str, ...] = (
    "bank_ref",
    "counterparty",
    "amount",
    "date",
    "reference",
    "currency",
)



@dataclass(frozen=True)
class BankRow:
    """One transaction of a bank account export.

    Attributes:
        date: ISO booking date (`YYYY-MM-DD`).
        amount: Signed amount (incoming positive).
        reference: Remittance text, e.g. `"INV-1042 March services"`.
        counterparty: The other party's name.
        bank_ref: The bank's unique transaction id, e.g. `"TX-88123"`.
    """

    date: str
    amount: Decimal
    reference: str
    counterparty: str
    bank_ref: str

    def __post_init__(self) -> None:
        check_decimal(self.amount, "amount")
        date.fromisoformat(self.date)


def bank_csv(
    rows: Sequence[BankRow],
    *,
    style: Literal["plain", "locale", "reordered"],
    currency: str = "EUR",
) -> str:
    r"""Render bank transactions as a CSV export in one of three bank styles.

    Styles:
        plain: comma-separated, header `date,amount,currency,reference,counterparty,bank_ref`,
            ISO dates, amounts like `1234.50`.
        locale: German bank style: semicolon-separated, header
            `Buchungstag;Betrag;Waehrung;Verwendungszweck;Auftraggeber;Referenz`,
            dates `DD.MM.YYYY`, decimal commas `1234,50`.
        reordered: like plain but columns in the order `BANK_CSV_REORDERED_FIELDS`.

    Fields are quoted by the `csv` module when needed; lines end with `\n`.

    Args:
        rows: The transactions, written in the given order.
        style: Which export style.
        currency: Currency code written in the currency column.

    Returns:
        The CSV text (header plus one line per row).
    """
    if style not in ("plain", "locale", "reordered"):
        raise ValueError(f"unknown bank CSV style {style!r}")
    out = io.StringIO()
    delimiter = ";" if style == "locale" else ","
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    order = BANK_CSV_REORDERED_FIELDS if style == "reordered" else BANK_CSV_FIELDS
    writer.writerow(BANK_CSV_LOCALE_HEADER if style == "locale" else order)
    for row in rows:
        amount = f"{quantize_amount(row.amount):.2f}"
        booked = row.date
        if style == "locale":
            amount = amount.replace(".", ",")
            booked = date.fromisoformat(row.date).strftime("%d.%m.%Y")
        values = {
            "date": booked,
            "amount": amount,
            "currency": currency,
            "reference": row.reference,
            "counterparty": row.counterparty,
            "bank_ref": row.bank_ref,
        }
        writer.writerow([values[name] for name in order])
    return out.getvalue()
