"""Invoices, quotes and credit notes rendered to PDF (fpdf2, imported lazily).

Deterministic: the same document gives byte-identical PDF bytes, so a world built twice is
the same world and a sample's files can be hashed. The text an agent reads back from these
files is produced by `operator_eval.documents.document_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Literal

from operator_eval.documents._amounts import check_decimal, format_amount, quantize_amount
from operator_eval.documents._cache import cached_render

# Typographic characters outside latin-1 mapped to something the core PDF fonts can draw.
_LATIN1_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u00a0": " ",
}


@dataclass(frozen=True)
class LineItem:
    """One line of an invoice or quote.

    Attributes:
        description: What was sold.
        quantity: How many units.
        unit_price: Price of one unit, in the document's currency.
    """

    description: str
    quantity: int
    unit_price: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError(f"quantity must be an int, not {type(self.quantity).__name__}")
        check_decimal(self.unit_price, "unit_price")

    @property
    def amount(self) -> Decimal:
        """Line amount: quantity times unit price, quantized to cents."""
        return quantize_amount(self.quantity * self.unit_price)


@dataclass(frozen=True)
class InvoiceDoc:
    """An invoice, a quote or a credit note, rendered to PDF by `invoice_pdf`.

    Attributes:
        kind: `"invoice"`, `"quote"` or `"credit_note"` (its total is the amount credited).
        number: Document number, e.g. `"INV-1042"`, `"INV-1042-R1"`, `"Q-2207"`, `"CN-41"`.
        issuer: Who issued it (may span lines, e.g. name and address).
        customer: Who it is addressed to (may span lines).
        issue_date: ISO date (`YYYY-MM-DD`) the document was issued.
        due_date: ISO due date for invoices ("valid until" for quotes), or None.
        currency: ISO currency code, e.g. `"EUR"`.
        items: The line items.
        notes: Free text printed under the total, e.g. `"Replaces INV-1042"`.
    """

    kind: Literal["invoice", "quote", "credit_note"]
    number: str
    issuer: str
    customer: str
    issue_date: str
    due_date: str | None
    currency: str
    items: tuple[LineItem, ...]
    notes: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("invoice", "quote", "credit_note"):
            raise ValueError(f"kind must be 'invoice', 'quote' or 'credit_note', got {self.kind!r}")
        date.fromisoformat(self.issue_date)
        if self.due_date is not None:
            date.fromisoformat(self.due_date)

    @property
    def total(self) -> Decimal:
        """Sum of quantity times unit price over all items, quantized to cents."""
        return quantize_amount(sum((i.quantity * i.unit_price for i in self.items), Decimal(0)))


def _latin1(text: str) -> str:
    """Make text drawable with a PDF core font (latin-1); unknown characters become '?'."""
    for char, replacement in _LATIN1_REPLACEMENTS.items():
        text = text.replace(char, replacement)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def invoice_pdf(doc: InvoiceDoc) -> bytes:
    """Render an invoice, quote or credit note as a one-page (for usual sizes) PDF.

    Rendered once per document, then read from the disk cache (`_cache.py`).

    The layout reads back (e.g. with pypdf) as lines like `INVOICE`,
    `Invoice number: INV-1042`, `Issue date: 2024-03-01`, `Due date: ...` (quotes:
    `Valid until: ...`; credit notes: `CREDIT NOTE`, `Credit note number: ...`,
    `Credit to: ...`), `From: ...`, `Bill to: ...`, an item table
    (`Description Qty Unit price Amount`), `Total: EUR 1,234.50` and the notes.
    Text is drawn with Helvetica, so characters outside latin-1 are replaced.

    Args:
        doc: The document to render.

    Returns:
        The PDF bytes; identical for identical `doc` (creation date derived from
        `doc.issue_date`, fixed producer, content-derived file ID).
    """
    return cached_render(
        "pdf",
        repr(doc),
        lambda: _render_invoice_pdf(doc),
        renderer_file=__file__,
        library="fpdf2",  # its version from the metadata: importing fpdf itself costs ~1 s
    )


# Per kind: title, number label, label of the second date, label of the addressee.
_LAYOUT = {
    "invoice": ("INVOICE", "Invoice", "Due date", "Bill to"),
    "quote": ("QUOTE", "Quote", "Valid until", "Prepared for"),
    "credit_note": ("CREDIT NOTE", "Credit note", "Refund by", "Credit to"),
}


def _render_invoice_pdf(doc: InvoiceDoc) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    title, label, due, to = _LAYOUT[doc.kind]
    issued = date.fromisoformat(doc.issue_date)

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(datetime.combine(issued, time(9, 0), tzinfo=UTC))
    pdf.set_producer("operator-eval")
    pdf.set_creator("operator-eval")
    pdf.set_title(_latin1(f"{label} {doc.number}"))
    pdf.set_author(_latin1(doc.issuer.splitlines()[0] if doc.issuer else ""))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(left=20, top=20, right=20)
    pdf.add_page()

    def line(text: str, *, size: float = 10, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(title, size=20, style="B", height=10)
    pdf.ln(2)
    line(f"{label} number: {doc.number}")
    line(f"Issue date: {doc.issue_date}")
    if doc.due_date is not None:
        line(f"{due}: {doc.due_date}")
    pdf.ln(3)
    line(f"From: {doc.issuer}")
    line(f"{to}: {doc.customer}")
    pdf.ln(4)

    pdf.set_font("Helvetica", size=10)
    with pdf.table(
        col_widths=(90, 20, 30, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        first_row_as_headings=True,
    ) as table:
        header = table.row()
        for heading in ("Description", "Qty", f"Unit price ({doc.currency})", "Amount"):
            header.cell(_latin1(heading))
        for item in doc.items:
            row = table.row()
            row.cell(_latin1(item.description))
            row.cell(str(item.quantity))
            row.cell(format_amount(item.unit_price))
            row.cell(format_amount(item.amount))

    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(
        0,
        8,
        _latin1(f"Total: {doc.currency} {format_amount(doc.total)}"),
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    if doc.notes:
        pdf.ln(4)
        line(doc.notes)
    return bytes(pdf.output())
