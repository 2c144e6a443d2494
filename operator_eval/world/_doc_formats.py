"""Realistic business documents for workspace worlds: invoice/quote PDFs, bank CSVs, emails.

Everything here is deterministic: the same inputs give byte-identical output, so a
world built twice is the same world and a sample's files can be hashed. Amounts are
`Decimal` throughout (never float). The text an agent reads back from these files is
produced by `operator_eval.scorers._doc_text.document_text`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parsedate_to_datetime
from typing import Literal

from operator_eval.world._render_cache import cached_render

CENT = Decimal("0.01")

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


def quantize_amount(amount: Decimal) -> Decimal:
    """Round an amount to cents (half up), the way every document here shows it.

    Args:
        amount: Any Decimal amount.

    Returns:
        The amount quantized to 0.01.
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """Format an amount as it appears on invoices: thousands commas, two decimals.

    Args:
        amount: The amount, e.g. `Decimal("1234.5")`.

    Returns:
        The display string, e.g. `"1,234.50"` (negative amounts keep a leading `-`).
    """
    return f"{quantize_amount(amount):,.2f}"


def _check_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")


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
        _check_decimal(self.unit_price, "unit_price")

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

    Rendered once per document, then read from the disk cache (`_render_cache.py`).

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
        _check_decimal(self.amount, "amount")
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


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email.

    Attributes:
        filename: Name shown to the reader, e.g. `"INV-1042.pdf"`.
        data: The file's bytes.
        mime: MIME type, `maintype/subtype`.
    """

    filename: str
    data: bytes
    mime: str = "application/pdf"


def _email_date(value: str) -> str:
    """Turn an ISO date/datetime or an RFC 5322 date into an RFC 5322 Date header value."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError) as ex:
            raise ValueError(f"not an ISO or RFC 5322 date: {value!r}") from ex
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_datetime(when)


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def email_eml(
    *,
    sender: str,
    to: str,
    subject: str,
    date: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    message_id: str,
    in_reply_to: str | None = None,
) -> bytes:
    r"""Build an RFC 5322 email (an .eml file), multipart when there are attachments.

    Args:
        sender: From header, e.g. `"Anna Berg <anna@acme.example>"`.
        to: To header.
        subject: Subject header.
        date: ISO date or datetime (naive means UTC) or an RFC 5322 date string.
        body: The text/plain body.
        attachments: Files to attach, in order.
        message_id: Message-ID; angle brackets are added when missing.
        in_reply_to: Message-ID this replies to (sets In-Reply-To and References).

    Returns:
        The message bytes (`\n` line endings), identical for identical inputs: the
        Date and Message-ID are explicit and the MIME boundary is derived from the content.
    """
    msg = EmailMessage(policy=default_policy)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = _email_date(date)
    msg["Message-ID"] = _angle(message_id)
    if in_reply_to is not None:
        msg["In-Reply-To"] = _angle(in_reply_to)
        msg["References"] = _angle(in_reply_to)
    msg.set_content(body)
    if attachments:
        digest = hashlib.sha256()
        for part in (message_id, subject, body):
            digest.update(part.encode("utf-8", errors="replace") + b"\0")
        for attachment in attachments:
            maintype, _, subtype = attachment.mime.partition("/")
            if not maintype or not subtype:
                raise ValueError(f"attachment mime must be maintype/subtype: {attachment.mime!r}")
            msg.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
            )
            digest.update(attachment.filename.encode("utf-8", errors="replace") + b"\0")
            digest.update(attachment.data)
        # "=_" never occurs in base64 or quoted-printable output; the body is checked too.
        boundary = f"=_operator-eval_{digest.hexdigest()[:24]}"
        while boundary in body:
            boundary += "_"
        msg.set_boundary(boundary)
    return msg.as_bytes(policy=default_policy)
