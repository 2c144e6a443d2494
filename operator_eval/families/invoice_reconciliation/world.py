# Why long: one family's generator, read top to bottom: the month's data, the documents
# and bank exports built from it, then the answer key and the reference fix.
"""Generate invoice_reconciliation worlds: a folder of real documents and one deliverable.

Every sample carries the revision trap: an invoice was re-issued as `<n>-R1` by
email ("please ignore the earlier attachment"), the old PDF still sits in the
invoices folder, and the customer's payment quotes the old number. Each variant
adds one more trap (a quote that looks like an invoice, a cancellation or a
payment reassignment in accounting's note, a renamed duplicate, an old bank
export) or another bank format (decimal commas, reordered columns).
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from operator_eval.contracts import SHELL, WRITE_FILE
from operator_eval.contracts._spec import (
    Expected,
    ExpectedInvoice,
    OutputContract,
    ReconciliationKey,
    ReferenceStep,
    TaskSpec,
)
from operator_eval.documents import (
    Attachment,
    BankRow,
    InvoiceDoc,
    LineItem,
    bank_csv,
    email_eml,
    format_amount,
    invoice_pdf,
)
from operator_eval.world._contract import document_contract_text
from operator_eval.world._data import DatasetError
from operator_eval.world._variants import fill, generate_variants

FAMILY = "invoice_reconciliation"
OUT_DIR = "out"
OUTPUT = f"{OUT_DIR}/reconciliation.json"
CHECKSUM = f"{OUTPUT}.sha256"
NOTE = "source/notes/accounting.txt"
BANK = "source/bank/export_2026-10-31.csv"
OLD_BANK = "source/bank/export_2026-10-20.csv"
OLD_BANK_CUTOFF = "2026-10-20"
CURRENCY = "EUR"
TRAPS = {"none", "quote", "note_cancels", "note_reassigns", "duplicate", "old_export"}
TRAPS |= {"partial", "split"}


@dataclass
class Counted:
    """An invoice that counts, where its document lives, and the payments that pay it."""

    doc: InvoiceDoc
    path: str
    payments: list[BankRow] = field(default_factory=list)

    @property
    def status(self) -> str:
        """paid, partial or unpaid, from the payments' sum."""
        paid = sum((p.amount for p in self.payments), Decimal("0"))
        if paid == 0:
            return "unpaid"
        return "paid" if paid >= self.doc.total else "partial"


@dataclass
class Folder:
    """The workspace being built: documents, bank rows, the answer, the traps."""

    rng: random.Random
    issuer: str
    customers: list[str]
    products: list[list[Any]]
    counted: list[Counted] = field(default_factory=list)
    binary: dict[str, bytes] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    bank_rows: list[BankRow] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    not_invoices: list[str] = field(default_factory=list)
    stale_amounts: dict[str, str] = field(default_factory=dict)
    excluded: list[dict[str, str]] = field(default_factory=list)
    note_lines: list[str] = field(default_factory=list)
    _numbers: set[int] = field(default_factory=set)
    _refs: set[int] = field(default_factory=set)

    def number(self) -> str:
        """A fresh invoice number."""
        return f"INV-{self._fresh(self._numbers, 1000, 9899)}"

    def bank_ref(self) -> str:
        """A fresh bank transaction id."""
        return f"TX-{self._fresh(self._refs, 10000, 99999)}"

    def _fresh(self, used: set[int], low: int, high: int) -> int:
        while (n := self.rng.randint(low, high)) in used:
            pass
        used.add(n)
        return n

    def items(self, count: int) -> tuple[LineItem, ...]:
        """Seeded line items from the family's product list."""
        chosen = self.rng.sample(self.products, count)
        return tuple(
            LineItem(
                description=str(name),
                quantity=int(qty) * self.rng.choice([1, 2, 3]),
                unit_price=Decimal(int(price)) + Decimal(self.rng.randint(0, 99)) / 100,
            )
            for name, qty, price in chosen
        )

    def invoice(
        self,
        number: str,
        customer: str,
        day: int,
        items: tuple[LineItem, ...] | None = None,
        *,
        kind: str = "invoice",
        notes: str = "",
    ) -> InvoiceDoc:
        """An invoice (or quote) document dated `day` October."""
        return InvoiceDoc(
            kind="quote" if kind == "quote" else "invoice",
            number=number,
            issuer=self.issuer,
            customer=customer,
            issue_date=f"2026-10-{day:02d}",
            due_date=None if kind == "quote" else f"2026-11-{day:02d}",
            currency=CURRENCY,
            items=items or self.items(self.rng.randint(1, 3)),
            notes=notes,
        )

    def pay(self, inv: Counted, amount: Decimal, day: int, reference: str) -> BankRow:
        """Book a customer payment for `inv` (the reference is what the customer typed)."""
        row = BankRow(
            date=f"2026-10-{day:02d}",
            amount=amount,
            reference=reference,
            counterparty=inv.doc.customer,
            bank_ref=self.bank_ref(),
        )
        inv.payments.append(row)
        self.bank_rows.append(row)
        return row

    def saved_invoice(self, doc: InvoiceDoc) -> Counted:
        """An invoice whose PDF sits in `source/invoices/` and counts."""
        path = f"source/invoices/{doc.number}.pdf"
        self.binary[path] = invoice_pdf(doc)
        counted = Counted(doc, path)
        self.counted.append(counted)
        return counted


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the invoice_reconciliation samples for `seed`, one per variant.

    Args:
        seed: Instance seed. The same seed always gives the same folders and ids.
    """
    return generate_variants(FAMILY, _build, seed, required=("trap",))


def _revision_trap(folder: Folder) -> None:
    """INV-n emailed, then re-issued as INV-n-R1; the payment quotes INV-n."""
    customer = folder.customers[0]
    number = folder.number()
    items = folder.items(3)
    original = folder.invoice(number, customer, 2, items)
    # The re-issue drops the double-billed last line.
    revised = folder.invoice(f"{number}-R1", customer, 9, items[:-1], notes=f"Replaces {number}.")
    original_pdf = invoice_pdf(original)
    folder.binary[f"source/invoices/{number}.pdf"] = original_pdf
    first = f"source/mail/2026-10-02_{number}.eml"
    second = f"source/mail/2026-10-09_RE_{number}.eml"
    sender = f"Billing <billing@{_domain(folder.issuer)}>"
    to = f"Accounts payable <ap@{_domain(customer)}>"
    first_id = f"{number.lower()}.1@{_domain(folder.issuer)}"
    folder.binary[first] = email_eml(
        sender=sender,
        to=to,
        subject=f"Invoice {number}",
        date="2026-10-02T09:14:00",
        body=f"Hello,\n\nplease find attached invoice {number}.\n\nKind regards\nBilling\n",
        attachments=[Attachment(f"{number}.pdf", original_pdf)],
        message_id=first_id,
    )
    folder.binary[second] = email_eml(
        sender=sender,
        to=to,
        subject=f"RE: Invoice {number} - corrected",
        date="2026-10-09T16:40:00",
        body=(
            "Hello,\n\nplease ignore the earlier attachment: the last line was billed twice. "
            f"The revised invoice {number}-R1 is attached and replaces {number}.\n\n"
            "Kind regards\nBilling\n"
        ),
        attachments=[Attachment(f"{number}-R1.pdf", invoice_pdf(revised))],
        message_id=f"{number.lower()}.2@{_domain(folder.issuer)}",
        in_reply_to=first_id,
    )
    counted = Counted(revised, second)
    folder.counted.append(counted)
    folder.pay(counted, revised.total, 16, f"Invoice {number}")
    folder.stale.append(number)
    folder.stale_amounts[revised.number] = str(original.total)
    folder.excluded.append({"document": f"source/invoices/{number}.pdf", "reason": "superseded"})


def _domain(name: str) -> str:
    word = "".join(ch for ch in name.split()[0].lower() if ch.isalnum())
    return f"{word}.example"


def _apply_trap(folder: Folder, trap: str, plain_paid: Counted, plain_unpaid: Counted) -> None:
    rng = folder.rng
    if trap == "quote":
        number = f"Q-{rng.randint(2000, 2999)}"
        quote = folder.invoice(
            number,
            folder.customers[2],
            12,
            kind="quote",
            notes="This is a quote, not a request for payment. Valid for 30 days.",
        )
        path = f"source/invoices/{number.removeprefix('Q-')}.pdf"
        folder.binary[path] = invoice_pdf(quote)
        folder.not_invoices.append(number)
        folder.excluded.append({"document": path, "reason": "quote"})
    elif trap == "note_cancels":
        doc = folder.invoice(folder.number(), folder.customers[2], 14)
        path = f"source/invoices/{doc.number}.pdf"
        folder.binary[path] = invoice_pdf(doc)
        folder.stale.append(doc.number)
        folder.note_lines.append(
            f"- {doc.number} was cancelled on 2026-10-20 (credit note CN-{rng.randint(10, 99)}); "
            "do not count it."
        )
        folder.excluded.append({"document": path, "reason": "cancelled"})
    elif trap == "note_reassigns":
        inv = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[2], 13))
        row = folder.pay(inv, inv.doc.total, 24, f"Payment {plain_unpaid.doc.number}")
        folder.note_lines.append(
            f"- Payment {row.bank_ref} quotes {plain_unpaid.doc.number} but is for "
            f"{inv.doc.number}: the customer typed the wrong number. Book it on "
            f"{inv.doc.number}."
        )
    elif trap == "duplicate":
        copy = f"source/invoices/{plain_paid.doc.number} (1).pdf"
        folder.binary[copy] = folder.binary[plain_paid.path]
        folder.excluded.append({"document": copy, "reason": "duplicate"})
    elif trap == "old_export":
        late = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[2], 11))
        folder.pay(late, late.doc.total, 27, late.doc.number)
        folder.note_lines.append(
            f"- The bank export of {OLD_BANK_CUTOFF} was pulled mid-month; the month-end "
            "export of 2026-10-31 supersedes it."
        )
        folder.excluded.append({"document": OLD_BANK, "reason": "outdated_export"})
    elif trap == "partial":
        inv = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[2], 8))
        part = (inv.doc.total / 2).quantize(Decimal("0.01"))
        folder.pay(inv, part, 22, f"{inv.doc.number} first instalment")
    elif trap == "split":
        inv = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[2], 6))
        first = (inv.doc.total * Decimal("0.6")).quantize(Decimal("0.01"))
        folder.pay(inv, first, 18, f"{inv.doc.number} part 1")
        folder.pay(inv, inv.doc.total - first, 25, f"{inv.doc.number} part 2")


def _noise(folder: Folder) -> None:
    """Bank rows that are not customer payments (rent, fees)."""
    for day, what, amount in (
        (3, "Office rent October", "-2450.00"),
        (30, "Account fee", "-12.90"),
    ):
        folder.bank_rows.append(
            BankRow(
                date=f"2026-10-{day:02d}",
                amount=Decimal(amount),
                reference=what,
                counterparty="Landlord" if "rent" in what else "Bank",
                bank_ref=folder.bank_ref(),
            )
        )


def _output(folder: Folder) -> dict[str, Any]:
    """The reference deliverable."""
    invoices = []
    for c in sorted(folder.counted, key=lambda c: c.doc.number):
        evidence = [
            {"path": c.path, "value": c.doc.number},
            {"path": c.path, "value": format_amount(c.doc.total)},
            *({"path": BANK, "value": p.bank_ref} for p in c.payments),
        ]
        invoices.append(
            {
                "invoice": c.doc.number,
                "amount": str(c.doc.total),
                "currency": CURRENCY,
                "status": c.status,
                "payments": [p.bank_ref for p in c.payments],
                "evidence": evidence,
            }
        )
    return {"invoices": invoices, "excluded": folder.excluded}


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


def _steps(content: str, *, path: str = OUTPUT, checksum: bool = True) -> list[ReferenceStep]:
    steps = [ReferenceStep(tool=WRITE_FILE, args={"path": path, "content": content})]
    if checksum:
        folder, _, name = path.rpartition("/")
        command = f"sha256sum {name} > {name}.sha256"
        steps.append(
            ReferenceStep(
                tool=SHELL, args={"command": f"cd {folder} && {command}" if folder else command}
            )
        )
    return steps


def _flawed(folder: Folder, output: dict[str, Any]) -> dict[str, list[ReferenceStep]]:
    revised = next(c for c in folder.counted if c.doc.number.endswith("-R1"))
    old_number = revised.doc.number.removesuffix("-R1")
    old_path = f"source/invoices/{old_number}.pdf"
    stale = json.loads(json.dumps(output))
    for entry in stale["invoices"]:
        if entry["invoice"] == revised.doc.number:
            entry["invoice"] = old_number
            entry["amount"] = folder.stale_amounts[revised.doc.number]
            entry["evidence"][:2] = [
                {"path": old_path, "value": old_number},
                {"path": old_path, "value": format_amount(Decimal(entry["amount"]))},
            ]
    stale["excluded"] = [e for e in stale["excluded"] if e["document"] != old_path]
    invented = json.loads(json.dumps(output))
    for entry in invented["invoices"]:
        if entry["invoice"] == revised.doc.number:
            entry["evidence"][0]["path"] = f"source/invoices/{revised.doc.number}.pdf"
    prose = "Reconciliation done. " + "; ".join(
        f"{c.doc.number}: {c.status}" for c in folder.counted
    )
    return {
        "stale_source": _steps(_json(stale)),
        "prose_instead_of_json": _steps(prose + "\n"),
        "wrong_path": _steps(_json(output), path="reconciliation.json"),
        "invented_evidence_path": _steps(_json(invented)),
        "no_checksum": _steps(_json(output), checksum=False),
    }


def _note(folder: Folder) -> str:
    lines = [
        f"Accounting notes - October 2026 ({folder.issuer})",
        "",
        "- Amounts are EUR. The month-end bank export is the record of payments.",
        "- When an invoice is re-issued, only the latest revision counts.",
        *folder.note_lines,
        "",
    ]
    return "\n".join(lines)


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    trap = conf.get("trap", "none")
    if trap not in TRAPS:
        raise DatasetError(f"{FAMILY} variant {variant!r}: unknown trap {trap!r}")
    rng = random.Random(f"{FAMILY}:{seed}:{variant}")
    folder = Folder(
        rng=rng,
        issuer=rng.choice(family["issuers"]),
        customers=rng.sample(family["customers"], 4),
        products=family["products"],
    )
    _revision_trap(folder)
    paid = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[1], 5))
    folder.pay(paid, paid.doc.total, 19, paid.doc.number)
    unpaid = folder.saved_invoice(folder.invoice(folder.number(), folder.customers[3], 20))
    _apply_trap(folder, trap, paid, unpaid)
    _noise(folder)
    folder.bank_rows.sort(key=lambda r: (r.date, r.bank_ref))
    if trap == "old_export":
        # The mid-month pull: the same bank, every row up to its cut-off, none after.
        old_rows = [r for r in folder.bank_rows if r.date <= OLD_BANK_CUTOFF]
        folder.text[OLD_BANK] = bank_csv(old_rows, style="plain", currency=CURRENCY)
    folder.text[BANK] = bank_csv(
        folder.bank_rows, style=conf.get("bank_style", "plain"), currency=CURRENCY
    )
    folder.text[NOTE] = _note(folder)

    output = _output(folder)
    key = ReconciliationKey(
        invoices={
            c.doc.number: ExpectedInvoice(
                amount=str(c.doc.total),
                status=c.status,  # type: ignore[arg-type]
                payments=[p.bank_ref for p in c.payments],
            )
            for c in folder.counted
        },
        stale=folder.stale,
        not_invoices=folder.not_invoices,
        stale_amounts=folder.stale_amounts,
    )
    contract = OutputContract(
        path=OUTPUT,
        schema_name="reconciliation",
        checksum_path=CHECKSUM,
        allowed_dir=OUT_DIR,
        answer=key,
    )
    names = {
        "ticket": f"FIN-{rng.randint(100, 999)}",
        "issuer": folder.issuer,
        "month": "October 2026",
    }
    prompt = f"{fill(family['ticket'], names).strip()}\n\n{document_contract_text(contract)}"
    return TaskSpec(
        id=f"{variant}-s{seed}",
        family=FAMILY,
        family_version=str(family.get("version", "1")),
        variant=variant,
        seed=seed,
        category=conf.get("category", family.get("category", "money_path")),
        risk=conf.get("risk", family.get("risk", "critical")),
        prompt=prompt,
        files=folder.text,
        binary_files={p: base64.b64encode(b).decode("ascii") for p, b in folder.binary.items()},
        protected=["source"],
        proof_path=OUTPUT,
        expected=Expected(status="DONE", output=contract),
        reference=_steps(_json(output)),
        flawed=_flawed(folder, output),
        facts={"protected_file": NOTE, "trap": trap, "bank_export": BANK},
        traps=list(conf.get("traps", [])),
    )
