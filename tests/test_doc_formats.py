"""Generated business documents open in ordinary readers and carry their values."""

from __future__ import annotations

import csv
import dataclasses
import email
import io
import os
import subprocess
import sys
import time
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default as default_policy

import pypdf
import pytest

from operator_eval.documents import (
    BANK_CSV_FIELDS,
    BANK_CSV_LOCALE_HEADER,
    MAX_TEXT_CHARS,
    Attachment,
    BankRow,
    InvoiceDoc,
    LineItem,
    bank_csv,
    document_text,
    email_eml,
    format_amount,
    invoice_pdf,
    is_document,
)

INVOICE = InvoiceDoc(
    kind="invoice",
    number="INV-1042",
    issuer="Acme Consulting GmbH",
    customer="Contoso Ltd",
    issue_date="2024-03-01",
    due_date="2024-03-31",
    currency="EUR",
    items=(
        LineItem("Migration workshop", 2, Decimal("450.00")),
        LineItem("Travel expenses", 1, Decimal("334.50")),
    ),
    notes="Replaces INV-1040.",
)

QUOTE = InvoiceDoc(
    kind="quote",
    number="Q-2207",
    issuer="Müller Bau AG",
    customer="Contoso Ltd",
    issue_date="2024-02-10",
    due_date=None,
    currency="EUR",
    items=(LineItem("Roof repair \u2013 estimate", 1, Decimal("9876.5")),),
    notes="This is a quote, not a request for payment",
)

ROWS = (
    BankRow("2024-03-05", Decimal("1234.50"), "INV-1042 March", "Contoso Ltd", "TX-88123"),
    BankRow("2024-03-07", Decimal("-89.99"), "Card fee; March", 'Bank "Nord"', "TX-88124"),
    BankRow("2024-03-09", Decimal("10000"), "Q-2207, deposit", "Contoso Ltd", "TX-88125"),
)


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


# --- invoice PDFs -----------------------------------------------------------------------


def test_invoice_total_and_format() -> None:
    assert INVOICE.total == Decimal("1234.50")
    assert QUOTE.total == Decimal("9876.50")
    assert format_amount(INVOICE.total) == "1,234.50"
    assert format_amount(Decimal("-1234567.005")) == "-1,234,567.01"


def test_invoice_pdf_opens_and_carries_values() -> None:
    data = invoice_pdf(INVOICE)
    assert data.startswith(b"%PDF-")
    pages, text = _pdf_text(data)
    assert pages == 1
    for value in ("INVOICE", "INV-1042", "Total: EUR 1,234.50", "Acme Consulting GmbH"):
        assert value in text
    for value in ("Contoso Ltd", "2024-03-01", "2024-03-31", "Replaces INV-1040", "334.50"):
        assert value in text


def test_quote_pdf_says_quote_and_keeps_latin1() -> None:
    pages, text = _pdf_text(invoice_pdf(QUOTE))
    assert pages == 1
    assert "QUOTE" in text and "INVOICE" not in text
    for value in ("Q-2207", "9,876.50", "Müller Bau AG", "Roof repair - estimate", "not a request"):
        assert value in text


def test_invoice_pdf_is_deterministic() -> None:
    assert invoice_pdf(INVOICE) == invoice_pdf(INVOICE)
    assert invoice_pdf(INVOICE) != invoice_pdf(dataclasses.replace(INVOICE, number="INV-1042-R1"))
    changed = dataclasses.replace(INVOICE, items=(LineItem("Migration workshop", 3, Decimal(450)),))
    assert invoice_pdf(INVOICE) != invoice_pdf(changed)


def test_invoice_pdf_is_deterministic_across_processes() -> None:
    # Load the module by path: importing the operator_eval packages pulls in Inspect (slow).
    path = os.path.join(
        os.path.dirname(__file__), "..", "operator_eval", "documents", "_invoice.py"
    )
    script = (
        "import hashlib, importlib.util, sys\n"
        "from decimal import Decimal\n"
        f"spec = importlib.util.spec_from_file_location('docfmt', {path!r})\n"
        "mod = importlib.util.module_from_spec(spec)\n"
        "sys.modules['docfmt'] = mod\n"
        "spec.loader.exec_module(mod)\n"
        "doc = mod.InvoiceDoc('invoice', 'INV-1042', 'Acme', 'Contoso', '2024-03-01', None,"
        " 'EUR', (mod.LineItem('Work', 2, Decimal('450.00')),))\n"
        "print(hashlib.sha256(mod.invoice_pdf(doc)).hexdigest())\n"
    )
    digests = set()
    for seed, tz in (("1", "UTC"), ("2", "America/New_York")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_invoice_inputs_are_validated() -> None:
    with pytest.raises(TypeError):
        LineItem("x", 1, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        dataclasses.replace(INVOICE, issue_date="01.03.2024")


# --- bank CSVs ----------------------------------------------------------------------------


def test_plain_csv() -> None:
    text = bank_csv(ROWS, style="plain")
    assert text.splitlines()[0] == "date,amount,currency,reference,counterparty,bank_ref"
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(ROWS)
    for row, got in zip(ROWS, parsed, strict=True):
        assert Decimal(got["amount"]) == row.amount
        assert got["date"] == row.date
        assert got["reference"] == row.reference
        assert got["counterparty"] == row.counterparty
        assert got["bank_ref"] == row.bank_ref
        assert got["currency"] == "EUR"
    assert "1234.50" in text and "10000.00" in text


def test_locale_csv() -> None:
    text = bank_csv(ROWS, style="locale", currency="CHF")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header, *body = list(reader)
    assert tuple(header) == BANK_CSV_LOCALE_HEADER
    assert len(body) == len(ROWS)
    for row, got in zip(ROWS, body, strict=True):
        record = dict(zip(header, got, strict=True))
        assert Decimal(record["Betrag"].replace(",", ".")) == row.amount
        day, month, year = record["Buchungstag"].split(".")
        assert f"{year}-{month}-{day}" == row.date
        assert record["Verwendungszweck"] == row.reference
        assert record["Auftraggeber"] == row.counterparty
        assert record["Referenz"] == row.bank_ref
        assert record["Waehrung"] == "CHF"
    assert "1234,50" in text and "05.03.2024" in text
    assert '"Card fee; March"' in text  # a delimiter inside a field is quoted


def test_reordered_csv() -> None:
    text = bank_csv(ROWS, style="reordered")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames is not None
    assert sorted(reader.fieldnames) == sorted(BANK_CSV_FIELDS)
    assert tuple(reader.fieldnames) != BANK_CSV_FIELDS
    parsed = list(reader)
    assert len(parsed) == len(ROWS)
    for row, got in zip(ROWS, parsed, strict=True):
        assert Decimal(got["amount"]) == row.amount
        assert got["bank_ref"] == row.bank_ref
        assert got["counterparty"] == row.counterparty


def test_csv_is_deterministic_and_checks_style() -> None:
    assert bank_csv(ROWS, style="locale") == bank_csv(list(ROWS), style="locale")
    with pytest.raises(ValueError):
        bank_csv(ROWS, style="xml")  # type: ignore[arg-type]


# --- emails -------------------------------------------------------------------------------


def _eml(**overrides: object) -> bytes:
    args: dict[str, object] = {
        "sender": "Anna Berg <anna@acme.example>",
        "to": "ap@contoso.example",
        "subject": "Corrected invoice INV-1042-R1",
        "date": "2024-03-02T10:15:00+01:00",
        "body": "Hello,\n\nplease find the corrected invoice attached.\n\nAnna\n",
        "attachments": (Attachment("INV-1042-R1.pdf", invoice_pdf(INVOICE)),),
        "message_id": "<inv1042r1@acme.example>",
        "in_reply_to": "inv1042@contoso.example",
    }
    args.update(overrides)
    return email_eml(**args)  # type: ignore[arg-type]


def test_eml_parses_with_attachment() -> None:
    data = _eml()
    msg = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    assert msg["Subject"] == "Corrected invoice INV-1042-R1"
    assert msg["Message-ID"] == "<inv1042r1@acme.example>"
    assert msg["In-Reply-To"] == "<inv1042@contoso.example>"
    assert msg["Date"] == "Sat, 02 Mar 2024 10:15:00 +0100"
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    assert "corrected invoice attached" in body.get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "INV-1042-R1.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == invoice_pdf(INVOICE)


def test_eml_is_deterministic() -> None:
    assert _eml() == _eml()
    assert _eml() != _eml(subject="Other")


def test_eml_without_attachments_and_text_attachment() -> None:
    plain = email.message_from_bytes(_eml(attachments=()), policy=default_policy)
    assert not plain.is_multipart()
    csv_text = bank_csv(ROWS, style="plain")
    data = _eml(attachments=(Attachment("march.csv", csv_text.encode(), "text/csv"),))
    msg = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_payload(decode=True) == csv_text.encode()
    assert "TX-88123" in document_text("mail.eml", data)


# --- document_text ------------------------------------------------------------------------


def test_document_text_pdf() -> None:
    data = invoice_pdf(INVOICE)
    text = document_text("INV-1042.pdf", data)
    assert "INV-1042" in text and "1,234.50" in text
    assert is_document("INV-1042.pdf", data)
    assert document_text("renamed.bin", data) == text  # recognised by content too


def test_document_text_multipage_pdf_separator() -> None:
    items = tuple(LineItem(f"Item {i}", 1, Decimal(i)) for i in range(1, 120))
    data = invoice_pdf(dataclasses.replace(INVOICE, items=items))
    text = document_text("long.pdf", data)
    assert "\n--- page 2 ---\n" in text
    assert "\f" not in text
    assert (
        f"Total: EUR {format_amount(sum((Decimal(i) for i in range(1, 120)), Decimal(0)))}" in text
    )


def test_document_text_eml_renders_attachment() -> None:
    data = _eml()
    text = document_text("inbox/corrected.eml", data)
    assert text.startswith("From: Anna Berg <anna@acme.example>\n")
    for value in (
        "To: ap@contoso.example",
        "Subject: Corrected invoice INV-1042-R1",
        "Message-ID: <inv1042r1@acme.example>",
        "In-Reply-To: <inv1042@contoso.example>",
        "corrected invoice attached",
    ):
        assert value in text
    size = len(invoice_pdf(INVOICE))
    assert f"--- attachment: INV-1042-R1.pdf (application/pdf, {size} bytes) ---" in text
    attachment_part = text.split("--- attachment:", 1)[1]
    assert "INV-1042" in attachment_part and "Total: EUR 1,234.50" in attachment_part
    assert is_document("corrected.eml", data)
    assert document_text("corrected.txt", data) == text  # recognised by its headers


def test_document_text_binary_attachment_is_only_named() -> None:
    data = _eml(
        attachments=(Attachment("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(50), "image/png"),)
    )
    text = document_text("m.eml", data)
    assert text.rstrip().endswith("--- attachment: logo.png (image/png, 58 bytes) ---")


def test_document_text_plain_text() -> None:
    csv_text = bank_csv(ROWS, style="locale")
    assert document_text("bank.csv", csv_text.encode()) == csv_text
    note = "Accounting note: INV-1042 was replaced by INV-1042-R1.\n"
    assert document_text("note.txt", note.encode()) == note
    assert not is_document("note.txt", note.encode())
    assert not is_document("bank.csv", csv_text.encode())
    assert document_text("bad.txt", b"caf\xe9") == "caf\ufffd"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("broken.pdf", b"this is not a pdf at all"),
        ("broken.bin", b"%PDF-1.7\n\x00\x01garbage"),
        ("truncated.pdf", invoice_pdf(INVOICE)[:300]),
        ("empty.pdf", b""),
    ],
)
def test_document_text_corrupt_pdf(path: str, data: bytes) -> None:
    text = document_text(path, data)
    assert text.startswith("[unreadable PDF: ")
    assert is_document(path, data)


def test_document_text_hostile_eml_does_not_raise() -> None:
    for data in (
        b"",
        b"\xff\xfe\x00garbage",
        b"From: x\nSubject: y\nContent-Type: multipart/mixed",
    ):
        document_text("weird.eml", data)
    bad_attachment = _eml().replace(b"Content-Transfer-Encoding: base64", b"X-Broken: 1")
    document_text("weird.eml", bad_attachment)


def test_document_text_is_capped() -> None:
    huge = b"x" * (MAX_TEXT_CHARS * 10)
    text = document_text("huge.log", huge)
    assert len(text) <= MAX_TEXT_CHARS + 100
    assert text.startswith("x" * 1000)
    assert text.endswith(f"[truncated: output capped at {MAX_TEXT_CHARS} characters]")
    big_mail = _eml(body="y" * (MAX_TEXT_CHARS * 2))
    assert len(document_text("big.eml", big_mail)) <= MAX_TEXT_CHARS + 100


def test_timings_are_small() -> None:
    start = time.perf_counter()
    data = invoice_pdf(INVOICE)
    made = time.perf_counter()
    document_text("x.pdf", data)
    read = time.perf_counter()
    assert made - start < 2.0 and read - made < 2.0
