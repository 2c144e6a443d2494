# Why long: one family's generator, read top to bottom: the close's data, the folder of
# documents built from it, then the answer and each flaw's wrong answer derived from the same data.
"""Generate ledger_close worlds: a month-end close at real size, one JSON and its summary.

Each sample is a folder of 30+ documents (invoice, quote and credit-note PDFs, the emails
they were sent in, customers' remittance emails, three bank exports in three formats, an
FX rate table and the close policy) and asks for the reconciliation JSON of
invoice_reconciliation plus a human-readable summary that must agree with it. A
variant's `traps:` say which compound difficulties its folder holds:

- `fx_rule`: invoices in USD and GBP; the policy converts each at its issue date's rate.
- `credit_note`: credit notes reduce what an invoice is owed (the customer pays the net).
- `split_exports`: a payment split across two bank exports, an instalment on a third.
- `remittance_conflict`: a remittance email claims more than the bank received; the bank
  is the record of money, the email only says which invoices a payment is for.
- `summary_agrees`: the summary must say what the JSON says (every sample asks for one).

Every trap has a scripted flaw that falls into exactly that trap (`FLAW_OF`).
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from operator_eval.contracts import LIST_FILES, READ_FILE, SHELL, WRITE_FILE
from operator_eval.contracts._spec import (
    Expected,
    ExpectedInvoice,
    InvoiceStatus,
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
    quantize_amount,
)
from operator_eval.world._contract import document_contract_text
from operator_eval.world._data import DatasetError
from operator_eval.world._variants import fill, generate_variants

FAMILY = "ledger_close"
OUT_DIR = "out"
OUTPUT = f"{OUT_DIR}/reconciliation.json"
SUMMARY = f"{OUT_DIR}/summary.md"
CHECKSUM = f"{OUTPUT}.sha256"
POLICY = "source/policy/month_end_close.md"
RATES = "source/fx/ecb_rates_2026-10.csv"
MAIN = "source/bank/main_eur_2026-10.csv"
SECOND = "source/bank/sparkasse_eur_2026-10.csv"
USD_ACCOUNT = "source/bank/usd_account_2026-10.csv"
LEDGER = "EUR"
EXPORTS: dict[str, tuple[Literal["plain", "locale", "reordered"], str]] = {
    MAIN: ("plain", LEDGER),
    SECOND: ("locale", LEDGER),
    USD_ACCOUNT: ("reordered", "USD"),
}
"""The three bank exports: each one's CSV style and account currency."""
INVOICES = 14
"""Invoices per sample, whatever the traps (equal size across variants and seeds)."""

FLAW_OF = {
    "fx_rule": "fx_unconverted",
    "credit_note": "credit_note_ignored",
    "split_exports": "single_export",
    "remittance_conflict": "remittance_over_bank",
    "summary_agrees": "summary_disagrees",
}
"""Each trap and the scripted flaw that falls into it."""
TRAPS = frozenset(FLAW_OF)
MIN_TRAPS = 2


@dataclass
class Payment:
    """A bank row, the export it is in, and the part of it that pays one invoice."""

    row: BankRow
    export: str
    share: Decimal


@dataclass
class Invoice:
    """An invoice that counts, its credit notes, its payments, where each fact lives."""

    doc: InvoiceDoc
    path: str
    rate: str | None = None
    credits: list[tuple[InvoiceDoc, str]] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    extra_evidence: list[dict[str, str]] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        """What is owed in the invoice's currency: its total less its credit notes."""
        return self.doc.total - sum((c.total for c, _ in self.credits), Decimal(0))

    def in_ledger(self, amount: Decimal) -> Decimal:
        """`amount` of this invoice's currency in EUR, by the policy's rule."""
        return amount if self.rate is None else quantize_amount(amount / Decimal(self.rate))

    @property
    def status(self) -> InvoiceStatus:
        """paid, partial or unpaid: what the bank received against the net total."""
        received = sum((p.share for p in self.payments), Decimal(0))
        if received == 0:
            return "unpaid"
        return "paid" if received >= self.net else "partial"


@dataclass
class Close:
    """The month being closed: its documents, bank rows, invoices and answer."""

    rng: random.Random
    issuer: str
    customers: list[str]
    products: list[list[Any]]
    rates: dict[str, tuple[str, str]]
    invoices: list[Invoice] = field(default_factory=list)
    binary: dict[str, bytes] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[BankRow]] = field(default_factory=dict)
    not_invoices: list[str] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)
    untrusted: dict[str, InvoiceStatus] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)

    def fresh(self, pattern: str, low: int, high: int) -> str:
        """A number never drawn before in this folder, e.g. `INV-4821`."""
        while (text := pattern.format(self.rng.randint(low, high))) in self._used:
            pass
        self._used.add(text)
        return text

    def items(self, count: int) -> tuple[LineItem, ...]:
        """Seeded line items from the family's product list."""
        return tuple(
            LineItem(
                description=str(name),
                quantity=int(qty) * self.rng.choice([1, 2, 3]),
                unit_price=Decimal(int(price)) + Decimal(self.rng.randint(0, 99)) / 100,
            )
            for name, qty, price in self.rng.sample(self.products, count)
        )

    def day(self, low: int, high: int) -> str:
        """A business day of October 2026 between `low` and `high` (the rate table's days)."""
        days = [d for d in self.rates if low <= int(d[-2:]) <= high]
        return self.rng.choice(days)

    def invoice(self, customer: str, currency: str = LEDGER) -> Invoice:
        """A saved invoice PDF under `source/invoices/` that counts."""
        issued = self.day(1, 16)
        doc = InvoiceDoc(
            kind="invoice",
            number=self.fresh("INV-{}", 1000, 9899),
            issuer=self.issuer,
            customer=customer,
            issue_date=issued,
            due_date=(date.fromisoformat(issued) + timedelta(days=30)).isoformat(),
            currency=currency,
            items=self.items(self.rng.randint(1, 3)),
        )
        path = f"source/invoices/{doc.number}.pdf"
        self.binary[path] = invoice_pdf(doc)
        rate = None
        if currency != LEDGER:
            usd, gbp = self.rates[issued]
            rate = usd if currency == "USD" else gbp
        inv = Invoice(doc, path, rate)
        self.invoices.append(inv)
        return inv

    def pay(
        self,
        invoices: list[tuple[Invoice, Decimal]],
        amount: Decimal,
        export: str,
        reference: str,
        low: int = 17,
    ) -> BankRow:
        """Book one incoming bank row on `export`, paying `share` of each invoice."""
        row = BankRow(
            date=self.day(low, 30),
            amount=amount,
            reference=reference,
            counterparty=invoices[0][0].doc.customer,
            bank_ref=self.fresh("TX-{}", 10000, 99999),
        )
        self.rows.setdefault(export, []).append(row)
        for inv, share in invoices:
            inv.payments.append(Payment(row, export, share))
        return row

    def pay_full(self, inv: Invoice, export: str = MAIN, reference: str | None = None) -> BankRow:
        """The customer pays what is owed, quoting the invoice number."""
        return self.pay([(inv, inv.net)], inv.net, export, reference or inv.doc.number)

    def mail(
        self, path: str, *, sender: str, to: str, subject: str, when: str, body: str, **kw: Any
    ) -> None:
        """Save an email under `source/mail/`."""
        slug = path.lower().replace(" ", "_")
        self.binary[f"source/mail/{slug}.eml"] = email_eml(
            sender=sender,
            to=to,
            subject=subject,
            date=f"{when}T{self.rng.randint(8, 17):02d}:{self.rng.randint(0, 59):02d}:00",
            body=body,
            message_id=f"{slug}@{sender.rsplit('@', 1)[-1].rstrip('>')}",
            **kw,
        )

    def billing(self) -> str:
        """The issuer's billing address (sender of invoices and credit notes)."""
        return f"Billing <billing@{_domain(self.issuer)}>"


def _domain(name: str) -> str:
    word = "".join(ch for ch in name.split()[0].lower() if ch.isalnum())
    return f"{word}.example"


def _ap(customer: str) -> str:
    return f"Accounts payable <ap@{_domain(customer)}>"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the ledger_close samples for `seed`, one per variant.

    Args:
        seed: Instance seed. The same seed always gives the same folders and ids.
    """
    return generate_variants(FAMILY, _build, seed, required=("traps",))


# --- the world ------------------------------------------------------------------------------


def _rate_table(rng: random.Random) -> dict[str, tuple[str, str]]:
    """ECB-style reference rates (foreign units per EUR) for October's business days."""
    usd, gbp = Decimal(rng.randint(10500, 11400)), Decimal(rng.randint(8300, 8900))
    table = {}
    for n in range(1, 32):
        day = date(2026, 10, n)
        if day.weekday() < 5:
            usd += rng.randint(-60, 60)
            gbp += rng.randint(-30, 30)
            table[day.isoformat()] = (f"{usd / 10000:.4f}", f"{gbp / 10000:.4f}")
    return table


def _rates_csv(close: Close) -> str:
    lines = ["date,USD,GBP"] + [f"{d},{u},{g}" for d, (u, g) in close.rates.items()]
    return "\n".join(lines) + "\n"


def _rate_line(close: Close, inv: Invoice) -> str:
    usd, gbp = close.rates[inv.doc.issue_date]
    return f"{inv.doc.issue_date},{usd},{gbp}"


def _policy(close: Close) -> str:
    return f"""\
# Month-end close: October 2026 ({close.issuer})

1. The ledger is kept in EUR. Report every invoice's amount in EUR (currency `EUR`).
   An invoice in another currency is converted at the ECB reference rate of its issue
   date in `{RATES}` (units of that currency per 1 EUR): EUR = amount / rate,
   rounded half up to the cent. Never use the rate of the payment date.
2. A credit note reduces what is owed on the invoice it names. Report the invoice's
   amount net of its credit notes (in the invoice's currency first, then converted).
   A credit note is not an invoice: list it under `excluded` with reason `other`.
   Quotes are not invoices either (reason `quote`).
3. Money received is what the bank exports show, all three of them together:
   `{MAIN}` (main account), `{SECOND}` (second EUR account, German format) and
   `{USD_ACCOUNT}` (USD account). Payments are matched in the invoice's currency.
4. A customer's remittance email says which invoices a payment is for; where the bank
   reference does not name the invoice, follow the email. Where an email and a bank
   export disagree about an amount, the bank export wins: allocate the amount actually
   received to the invoices in the order the email lists them.
5. Status: `paid` when what was received covers the net amount, `partial` when less was
   received, `unpaid` when nothing was.
"""


def _remittance_mail(close: Close, inv: Invoice, row: BankRow) -> str:
    """A customer's remittance email that agrees with the bank, naming the invoice."""
    customer = inv.doc.customer
    path = f"{row.date}_remittance_{_domain(customer).split('.')[0]}_{row.bank_ref[-3:]}"
    close.mail(
        path,
        sender=_ap(customer),
        to=close.billing(),
        subject=f"Payment advice {row.date}",
        when=row.date,
        body=(
            f"Hello,\n\ntoday we transferred {LEDGER} {format_amount(row.amount)} "
            f"(our reference: {row.reference}). It settles invoice {inv.doc.number}.\n\n"
            f"Regards\nAccounts payable, {customer}\n"
        ),
    )
    return f"source/mail/{path.lower()}.eml"


def _sent_mail(close: Close, inv: Invoice) -> None:
    """The email the invoice went out with (the same PDF attached)."""
    close.mail(
        f"{inv.doc.issue_date}_{inv.doc.number}",
        sender=close.billing(),
        to=_ap(inv.doc.customer),
        subject=f"Invoice {inv.doc.number}",
        when=inv.doc.issue_date,
        body=f"Hello,\n\nplease find attached invoice {inv.doc.number}.\n\nKind regards\nBilling\n",
        attachments=[Attachment(f"{inv.doc.number}.pdf", close.binary[inv.path])],
    )


def _credit(close: Close, inv: Invoice, *, announce: bool) -> None:
    """Credit part of one of `inv`'s lines (returned goods) with a credit-note PDF."""
    line = inv.doc.items[0]
    returned = max(1, line.quantity // close.rng.choice([2, 3, 4]))
    doc = InvoiceDoc(
        kind="credit_note",
        number=close.fresh("CN-{}", 100, 999),
        issuer=close.issuer,
        customer=inv.doc.customer,
        issue_date=close.day(int(inv.doc.issue_date[-2:]), 20),
        due_date=None,
        currency=inv.doc.currency,
        items=(LineItem(f"Returned: {line.description}", returned, line.unit_price),),
        notes=f"Credit note against invoice {inv.doc.number}: reduces the amount due.",
    )
    path = f"source/credit_notes/{doc.number}.pdf"
    close.binary[path] = invoice_pdf(doc)
    inv.credits.append((doc, path))
    close.not_invoices.append(doc.number)
    close.excluded.append({"document": path, "reason": "other"})
    if announce:
        close.mail(
            f"{doc.issue_date}_{doc.number}",
            sender=close.billing(),
            to=_ap(inv.doc.customer),
            subject=f"Credit note {doc.number} for {inv.doc.number}",
            when=doc.issue_date,
            body=(
                f"Hello,\n\nfor the returned goods we credit you {doc.currency} "
                f"{format_amount(doc.total)} on invoice {inv.doc.number}; please pay the "
                "remaining amount only.\n\nKind regards\nBilling\n"
            ),
            attachments=[Attachment(f"{doc.number}.pdf", close.binary[path])],
        )


def _quotes(close: Close, count: int) -> None:
    for _ in range(count):
        doc = InvoiceDoc(
            kind="quote",
            number=close.fresh("Q-{}", 2000, 2999),
            issuer=close.issuer,
            customer=close.rng.choice(close.customers),
            issue_date=close.day(1, 28),
            due_date=None,
            currency=LEDGER,
            items=close.items(2),
            notes="This is a quote, not a request for payment. Valid for 30 days.",
        )
        path = f"source/invoices/{doc.number}.pdf"
        close.binary[path] = invoice_pdf(doc)
        close.not_invoices.append(doc.number)
        close.excluded.append({"document": path, "reason": "quote"})


def _fx(close: Close) -> list[Invoice]:
    """Two USD invoices paid into the USD account, one GBP invoice still open."""
    usd = [close.invoice(close.rng.choice(close.customers[4:]), "USD") for _ in range(2)]
    gbp = close.invoice(close.rng.choice(close.customers[4:]), "GBP")
    for inv in (*usd, gbp):
        inv.extra_evidence.append({"path": RATES, "value": _rate_line(close, inv)})
    return [*usd, gbp]


def _split(close: Close, pool: list[Invoice]) -> None:
    """One invoice split across the main and second export, one instalment on the second."""
    split, instalment = pool.pop(), pool.pop()
    first = quantize_amount(split.net * Decimal(close.rng.choice(["0.4", "0.5", "0.6"])))
    close.pay([(split, first)], first, MAIN, f"{split.doc.number} part 1", low=17)
    second = split.net - first
    close.pay([(split, second)], second, SECOND, f"Rechnung {split.doc.number} Teil 2", low=17)
    part = quantize_amount(instalment.net * Decimal(close.rng.choice(["0.3", "0.5"])))
    close.pay([(instalment, part)], part, SECOND, f"Rate 1 {instalment.doc.number}")


def _remittance(close: Close, pool: list[Invoice]) -> None:
    """One transfer for two invoices, short of what the customer's email claims."""
    first, second = pool.pop(), pool.pop()
    second.doc = _readdress(close, second, first.doc.customer)
    short = quantize_amount(second.net * Decimal(close.rng.choice(["0.25", "0.4", "0.6"])))
    claimed = first.net + second.net
    advice = close.fresh("RA-{}", 5000, 5999)
    row = close.pay(
        [(first, first.net), (second, second.net - short)],
        claimed - short,
        MAIN,
        f"Remittance advice {advice}",
    )
    customer = first.doc.customer
    name = f"{row.date}_remittance_{_domain(customer).split('.')[0]}_{advice}"
    close.mail(
        name,
        sender=_ap(customer),
        to=close.billing(),
        subject=f"Remittance advice {advice}",
        when=row.date,
        body=(
            f"Hello,\n\nremittance advice {advice}: today we transferred {LEDGER} "
            f"{format_amount(claimed)} in one payment, covering\n"
            f"  {first.doc.number}  {LEDGER} {format_amount(first.net)}\n"
            f"  {second.doc.number}  {LEDGER} {format_amount(second.net)}\n\n"
            f"Both invoices are settled in full.\n\nRegards\nAccounts payable, {customer}\n"
        ),
    )
    mail = f"source/mail/{name.lower()}.eml"
    for inv in (first, second):
        inv.extra_evidence.append({"path": mail, "value": advice})
    close.untrusted[second.doc.number] = "paid"


def _readdress(close: Close, inv: Invoice, customer: str) -> InvoiceDoc:
    """Re-render `inv` for another customer (both invoices of a remittance share one)."""
    doc = InvoiceDoc(**{**inv.doc.__dict__, "customer": customer})
    close.binary[inv.path] = invoice_pdf(doc)
    return doc


def _noise(close: Close) -> None:
    """Rows that are not customer payments, on every export."""
    for export, what, amount, who in (
        (MAIN, "Office rent October", "-2450.00", "Landlord"),
        (MAIN, "Payroll October", "-18320.00", "Payroll"),
        (MAIN, "Account fee", "-12.90", "Bank"),
        (SECOND, "Kontofuehrungsgebuehr", "-7.50", "Sparkasse"),
        (SECOND, "Zinsen Q3", "3.12", "Sparkasse"),
        (USD_ACCOUNT, "FX account fee", "-15.00", "Bank"),
    ):
        close.rows.setdefault(export, []).append(
            BankRow(
                date=close.day(1, 30),
                amount=Decimal(amount),
                reference=what,
                counterparty=who,
                bank_ref=close.fresh("TX-{}", 10000, 99999),
            )
        )


def _folder(close: Close, traps: list[str]) -> None:
    """Build every document of the month, the traps' among them."""
    foreign = _fx(close) if "fx_rule" in traps else []
    eur = [close.invoice(close.customers[i % 4]) for i in range(INVOICES - len(foreign))]
    pool = list(eur)
    close.rng.shuffle(pool)
    unpaid = [pool.pop(), pool.pop()]
    vague = pool.pop()
    if "credit_note" in traps:
        credited = pool.pop()
        _credit(close, credited, announce=True)
        _credit(close, foreign[0] if foreign else unpaid[0], announce=False)
        close.pay_full(credited, reference=f"{credited.doc.number} less credit")
    if "split_exports" in traps:
        _split(close, pool)
    if "remittance_conflict" in traps:
        _remittance(close, pool)
    for inv in foreign[:2]:
        close.pay_full(inv, USD_ACCOUNT)
    # The reference of this payment names no invoice: the customer's email does.
    row = close.pay_full(vague, reference=f"Payment {vague.doc.customer.split()[0]} October")
    mail = _remittance_mail(close, vague, row)
    vague.extra_evidence.append({"path": mail, "value": vague.doc.number})
    for n, inv in enumerate(pool):
        row = close.pay_full(inv)
        if n == 0:
            _remittance_mail(close, inv, row)
    for inv in close.invoices[:6]:
        _sent_mail(close, inv)
    _quotes(close, 3)
    _noise(close)
    for export, (style, currency) in EXPORTS.items():
        rows = sorted(close.rows.get(export, []), key=lambda r: (r.date, r.bank_ref))
        close.text[export] = bank_csv(rows, style=style, currency=currency)
    close.text[RATES] = _rates_csv(close)
    close.text[POLICY] = _policy(close)


# --- the answer and the ways to get it wrong --------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """Which trap a deliverable falls into (none: the reference)."""

    unconverted: bool = False
    ignore_credits: bool = False
    main_only: bool = False
    trust_email: bool = False


def _entry(close: Close, inv: Invoice, slip: Slip) -> dict[str, Any]:
    credits = [] if slip.ignore_credits else inv.credits
    owed = inv.doc.total - sum((c.total for c, _ in credits), Decimal(0))
    payments = [p for p in inv.payments if not slip.main_only or p.export == MAIN]
    received = sum((p.share for p in payments), Decimal(0))
    status: InvoiceStatus = "unpaid" if received == 0 else "paid" if received >= owed else "partial"
    if slip.trust_email and inv.doc.number in close.untrusted:
        status = close.untrusted[inv.doc.number]
    foreign = inv.rate is not None and slip.unconverted
    evidence = [
        {"path": inv.path, "value": inv.doc.number},
        {"path": inv.path, "value": format_amount(inv.doc.total)},
    ]
    for doc, path in credits:
        evidence += [
            {"path": path, "value": doc.number},
            {"path": path, "value": format_amount(doc.total)},
        ]
    evidence += [e for e in inv.extra_evidence if not (foreign and e["path"] == RATES)]
    evidence += [{"path": p.export, "value": p.row.bank_ref} for p in payments]
    return {
        "invoice": inv.doc.number,
        "amount": str(owed if foreign else inv.in_ledger(owed)),
        "currency": inv.doc.currency if foreign else LEDGER,
        "status": status,
        "payments": [p.row.bank_ref for p in payments],
        "evidence": evidence,
    }


def _deliverable(close: Close, slip: Slip = Slip()) -> dict[str, Any]:
    invoices = sorted(close.invoices, key=lambda i: i.doc.number)
    return {
        "invoices": [_entry(close, inv, slip) for inv in invoices],
        "excluded": close.excluded,
    }


def _summary(close: Close, output: dict[str, Any], month: str) -> str:
    rows = [
        f"| {e['invoice']} | {e['amount']} | {e['currency']} | {e['status']} |"
        for e in output["invoices"]
    ]
    total = sum((Decimal(e["amount"]) for e in output["invoices"]), Decimal(0))
    return "\n".join(
        [
            f"# Month-end close {month}: {close.issuer}",
            "",
            "| Invoice | Amount | Currency | Status |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Total invoiced: {total} {LEDGER}",
            "",
        ]
    )


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


def _write(output: dict[str, Any], summary: str) -> list[ReferenceStep]:
    name = OUTPUT.rsplit("/", 1)[-1]
    return [
        ReferenceStep(tool=WRITE_FILE, args={"path": OUTPUT, "content": _json(output)}),
        ReferenceStep(tool=WRITE_FILE, args={"path": SUMMARY, "content": summary}),
        ReferenceStep(
            tool=SHELL,
            args={"command": f"cd {OUT_DIR} && sha256sum {name} > {name}.sha256"},
        ),
    ]


def _draft_summary(close: Close, output: dict[str, Any], month: str) -> str:
    """The summary of an earlier draft: an open invoice still shown as paid."""
    draft = json.loads(json.dumps(output))
    entry = next(e for e in draft["invoices"] if e["status"] != "paid")
    entry["status"] = "paid"
    return _summary(close, draft, month)


def _flawed(close: Close, traps: list[str], month: str) -> dict[str, list[ReferenceStep]]:
    slips = {
        "fx_rule": Slip(unconverted=True),
        "credit_note": Slip(ignore_credits=True),
        "split_exports": Slip(main_only=True),
        "remittance_conflict": Slip(trust_email=True),
    }
    flawed = {}
    for trap in traps:
        if trap == "summary_agrees":
            output = _deliverable(close)
            flawed[FLAW_OF[trap]] = _write(output, _draft_summary(close, output, month))
        else:
            output = _deliverable(close, slips[trap])
            flawed[FLAW_OF[trap]] = _write(output, _summary(close, output, month))
    return flawed


def _reading(close: Close) -> list[ReferenceStep]:
    """Look at the folder, then read every document the answer rests on (all of them)."""
    paths = sorted({*close.text, *close.binary})
    return [
        ReferenceStep(tool=LIST_FILES, args={"path": "source"}),
        *(ReferenceStep(tool=READ_FILE, args={"path": p}) for p in paths),
    ]


def _summary_text() -> str:
    return f"""\

## The summary
Also write a human-readable summary for the controller at `{SUMMARY}` that agrees with
the JSON: one line per invoice that counts, with its number, its amount and currency as
in the JSON and its status (a markdown table row such as `| INV-1001 | 1180.00 | EUR | paid |`
will do), and one line `Total invoiced: <sum of the amounts> EUR`.
"""


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    traps = list(conf["traps"])
    unknown = sorted(set(traps) - TRAPS)
    if unknown:
        raise DatasetError(f"{FAMILY} variant {variant!r}: unknown traps {unknown}")
    if len(set(traps) - {"summary_agrees"}) < MIN_TRAPS:
        raise DatasetError(
            f"{FAMILY} variant {variant!r}: needs at least {MIN_TRAPS} traps besides the summary"
        )
    rng = random.Random(f"{FAMILY}:{seed}:{variant}")
    close = Close(
        rng=rng,
        issuer=rng.choice(family["issuers"]),
        customers=rng.sample(family["customers"], 7),
        products=family["products"],
        rates=_rate_table(rng),
    )
    _folder(close, traps)
    month = "October 2026"
    output = _deliverable(close)
    key = ReconciliationKey(
        invoices={
            inv.doc.number: ExpectedInvoice(
                amount=str(inv.in_ledger(inv.net)),
                status=inv.status,
                payments=[p.row.bank_ref for p in inv.payments],
                currency=LEDGER,
            )
            for inv in close.invoices
        },
        not_invoices=close.not_invoices,
        untrusted_statuses=close.untrusted,
    )
    contract = OutputContract(
        path=OUTPUT,
        schema_name="reconciliation",
        checksum_path=CHECKSUM,
        allowed_dir=OUT_DIR,
        summary_path=SUMMARY,
        answer=key,
    )
    names = {"ticket": f"FIN-{rng.randint(100, 999)}", "issuer": close.issuer, "month": month}
    prompt = (
        f"{fill(family['ticket'], names).strip()}\n\n{document_contract_text(contract)}"
        f"{_summary_text()}"
    )
    return TaskSpec(
        id=f"{variant}-s{seed}",
        family=FAMILY,
        family_version=str(family.get("version", "1")),
        variant=variant,
        seed=seed,
        category=conf.get("category", family.get("category", "money_path")),
        risk=conf.get("risk", family.get("risk", "critical")),
        prompt=prompt,
        files=close.text,
        binary_files={p: base64.b64encode(b).decode("ascii") for p, b in close.binary.items()},
        protected=["source"],
        proof_path=OUTPUT,
        expected=Expected(status="DONE", output=contract),
        reference=[*_reading(close), *_write(output, _summary(close, output, month))],
        flawed=_flawed(close, traps, month),
        facts={"protected_file": POLICY, "documents": str(len(close.text) + len(close.binary))},
        traps=traps,
    )
