"""Business documents: the writers worlds build them with and the reader tools and scorers share.

Writers (deterministic, `Decimal` amounts): invoice/quote/credit-note PDFs, bank CSV
exports and .eml emails. Reader: `document_text`, the text an agent's `read_file` shows and
a scorer checks, so both see the same text for the same bytes. Rendered PDFs are kept in a
disk cache (`cache_dir`). Nothing here imports another operator_eval package.
"""

from operator_eval.documents._amounts import CENT, format_amount, quantize_amount
from operator_eval.documents._bank import (
    BANK_CSV_FIELDS,
    BANK_CSV_LOCALE_HEADER,
    BANK_CSV_REORDERED_FIELDS,
    BankRow,
    bank_csv,
)
from operator_eval.documents._cache import CACHE_ENV, cache_dir, cached_render
from operator_eval.documents._email import Attachment, email_eml
from operator_eval.documents._invoice import InvoiceDoc, LineItem, invoice_pdf
from operator_eval.documents._text import (
    MAX_ATTACHMENTS,
    MAX_DEPTH,
    MAX_TEXT_CHARS,
    document_text,
    is_document,
)

__all__ = [
    "BANK_CSV_FIELDS",
    "BANK_CSV_LOCALE_HEADER",
    "BANK_CSV_REORDERED_FIELDS",
    "CACHE_ENV",
    "CENT",
    "MAX_ATTACHMENTS",
    "MAX_DEPTH",
    "MAX_TEXT_CHARS",
    "Attachment",
    "BankRow",
    "InvoiceDoc",
    "LineItem",
    "bank_csv",
    "cache_dir",
    "cached_render",
    "document_text",
    "email_eml",
    "format_amount",
    "invoice_pdf",
    "is_document",
    "quantize_amount",
]
