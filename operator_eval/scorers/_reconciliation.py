"""The pure checks of a reconciliation output (invoice_reconciliation, ledger_close).

The agent writes one JSON file matching `contracts.Reconciliation`; the checks compare it
with the answer key and re-verify every evidence reference against the text of the cited
document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._reconciliation import Reconciliation, to_decimal
from operator_eval.contracts._spec import ReconciliationKey
from operator_eval.scorers._verify import workspace_path


class Finding(BaseModel):
    """The outcome of one content check: passed, why, and the label when it failed."""

    passed: bool
    reason: str
    label: FailureLabel | None = None


def _wrong(reason: str) -> Finding:
    return Finding(passed=False, reason=reason, label=FailureLabel.WRONG_RESULT)


def check_documents(output: Reconciliation, key: ReconciliationKey) -> Finding:
    """The right documents count: revisions over stale ones, no quotes, notes honoured."""
    counted = [e.invoice for e in output.invoices]
    stale = [n for n in counted if n in key.stale]
    if stale:
        return Finding(
            passed=False,
            reason=f"counts {', '.join(stale)}, which a newer source overrides",
            label=FailureLabel.STALE_SOURCE,
        )
    wrong = [n for n in counted if n in key.not_invoices]
    if wrong:
        return _wrong(f"counts {', '.join(wrong)}, which is not a payable invoice")
    by_number = {e.invoice: e for e in output.invoices}
    for number, expected in key.invoices.items():
        entry = by_number.get(number)
        if entry is None:
            return _wrong(f"{number} is missing")
        if to_decimal(entry.amount) != to_decimal(expected.amount):
            label = (
                FailureLabel.STALE_SOURCE
                if to_decimal(entry.amount) == to_decimal(key.stale_amounts.get(number, "x"))
                else FailureLabel.WRONG_RESULT
            )
            return Finding(
                passed=False,
                reason=f"{number}: amount {entry.amount}, expected {expected.amount}",
                label=label,
            )
        if expected.currency is not None and entry.currency.upper() != expected.currency:
            return _wrong(f"{number}: currency {entry.currency}, expected {expected.currency}")
    extra = sorted(set(counted) - set(key.invoices))
    if extra or len(counted) != len(set(counted)):
        what = f"unknown invoices {extra}" if extra else "an invoice counted twice"
        return _wrong(what)
    return Finding(
        passed=True, reason=f"the {len(key.invoices)} invoices that count, amounts right"
    )


def check_payments(output: Reconciliation, key: ReconciliationKey) -> Finding:
    """Each payment is matched to the invoice it belongs to, and each status follows."""
    by_number = {e.invoice: e for e in output.invoices}
    for number, expected in key.invoices.items():
        entry = by_number.get(number)
        if entry is None:
            return _wrong(f"{number} is missing")
        if sorted(entry.payments) != sorted(expected.payments):
            return _wrong(
                f"{number}: payments {sorted(entry.payments)}, expected {sorted(expected.payments)}"
            )
        if entry.status != expected.status:
            reason = f"{number}: status {entry.status}, expected {expected.status}"
            if entry.status == key.untrusted_statuses.get(number):
                return Finding(
                    passed=False,
                    reason=f"{reason}, which only a source that is not the bank's record shows",
                    label=FailureLabel.STALE_SOURCE,
                )
            return _wrong(reason)
    return Finding(passed=True, reason="every payment matched to its invoice")


def check_evidence_refs(
    output: Reconciliation, texts: Mapping[str, str | None], evidence_root: str = "source"
) -> Finding:
    """Every cited document is a source document that shows the cited value.

    Each entry must also cite where its invoice number was found: evidence that
    never names the invoice proves nothing about it.

    Args:
        output: The parsed output.
        texts: Rendered text of each cited path (None when it does not exist).
        evidence_root: The folder evidence must come from (the agent's own files,
            which contain whatever it cites, prove nothing).
    """
    root = evidence_root.rstrip("/") + "/"
    refs = [ref for entry in output.invoices for ref in entry.evidence]
    bad: list[str] = []
    for ref in refs:
        path = workspace_path(ref.path)
        text = texts.get(ref.path) if path is not None else None
        if path is None:
            bad.append(f"{ref.path!r} is outside the workspace")
        elif not path.startswith(root):
            bad.append(f"{ref.path} is not a source document (evidence must be under {root})")
        elif text is None:
            bad.append(f"{ref.path} does not exist")
        elif ref.value not in text:
            bad.append(f"{ref.path} does not show {ref.value[:40]!r}")
    if bad:
        return Finding(
            passed=False, reason="; ".join(bad[:4]), label=FailureLabel.INVENTED_EVIDENCE
        )
    unnamed = [
        e.invoice for e in output.invoices if not any(e.invoice in r.value for r in e.evidence)
    ]
    if unnamed:
        return Finding(
            passed=False,
            reason=f"no evidence shows the number of {', '.join(unnamed[:3])}",
            label=FailureLabel.VERIFICATION_MISSING,
        )
    return Finding(passed=True, reason=f"{len(refs)} evidence references re-verified")


MAX_CITED_PATHS = 200
"""More distinct cited documents than this are not read (a hostile output can cite many)."""


def cited_paths(output: Reconciliation) -> list[str]:
    """The document paths the output cites (what the gatherer must read), at most 200."""
    paths = sorted({ref.path for entry in output.invoices for ref in entry.evidence})
    return paths[:MAX_CITED_PATHS]


def check_checksum(output_bytes: bytes, checksum_text: str | None, output_name: str) -> Finding:
    """The checksum file holds the sha256 of the output (`sha256sum` format is fine)."""
    if checksum_text is None:
        return Finding(passed=False, reason="no checksum file", label=FailureLabel.CHECKSUM_MISSING)
    digest = hashlib.sha256(output_bytes).hexdigest()
    first = checksum_text.strip().split()[:1]
    if first != [digest]:
        shown = first[0][:16] if first else "(empty)"
        return Finding(
            passed=False,
            reason=f"checksum file says {shown}…, {output_name} has {digest[:16]}…",
            label=FailureLabel.CHECKSUM_MISSING,
        )
    return Finding(passed=True, reason=f"sha256 of {output_name} matches")


def stray_outputs(changes: Sequence[str], allowed_dir: str) -> list[str]:
    """Workspace changes outside `allowed_dir` (from `diff_trees` lines)."""
    allowed = allowed_dir.rstrip("/")
    return [
        c
        for c in changes
        if (path := c.split(" ", 1)[1]) != allowed and not path.startswith(allowed + "/")
    ]
