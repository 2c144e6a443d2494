"""invoice_reconciliation: survive the folder, deliver one checked file."""

from operator_eval.tasks._family import family_task_function

invoice_reconciliation = family_task_function(
    "invoice_reconciliation",
    """Reconcile a month of invoices against the bank from a folder of real documents.

    PDFs, email threads with revised attachments, bank exports in several formats, an
    old export, a quote that looks like an invoice, a note from accounting that
    overrides the obvious file. One JSON deliverable at an exact path with its sha256;
    `source/` must stay untouched and nothing may be written outside `out/`.
    """,
)
