"""The human-readable summary next to a reconciliation: it must agree with the JSON (pure).

A summary a controller reads is only worth something when it says what the deliverable
says. The check is deliberately format-tolerant (a markdown table, a bullet list or plain
lines all do): each invoice of the JSON must have a line naming it with its amount and
its status, and one line must give the total of the amounts.
"""

from __future__ import annotations

import re
from decimal import Decimal

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._reconciliation import Reconciliation, to_decimal
from operator_eval.scorers._reconciliation import Finding

MAX_SUMMARY_CHARS = 64 * 1024
"""Longer summaries are cut before they are checked (nobody reads past that)."""

_STATUS = re.compile(r"\b(paid|partial|unpaid)\b", re.IGNORECASE)
_NUMBER = re.compile(r"-?[0-9][0-9.,]*[0-9]|[0-9]")


def _mentions(line: str, invoice: str) -> bool:
    """The line names `invoice` as a whole token (INV-1042 is not INV-1042-R1)."""
    return re.search(rf"(?<![\w-]){re.escape(invoice)}(?![\w-])", line) is not None


def _amounts(line: str) -> list[Decimal]:
    """Every amount written on the line, in any of the formats `to_decimal` reads."""
    found = (to_decimal(m.group(0)) for m in _NUMBER.finditer(line))
    return [amount for amount in found if amount is not None]


# A line may say more than the status ("partial, 50.00 paid", "unpaid: nothing paid yet"),
# but not a status that contradicts it.
_CONTRADICTS = {"paid": {"partial", "unpaid"}, "partial": set(), "unpaid": {"partial"}}


def _agrees(line: str, invoice: str, amount: Decimal, status: str) -> bool:
    rest = re.sub(rf"(?<![\w-]){re.escape(invoice)}(?![\w-])", " ", line)
    statuses = {s.lower() for s in _STATUS.findall(rest)}
    shown = status in statuses and not statuses & _CONTRADICTS.get(status, set())
    return shown and amount in _amounts(rest)


def check_summary(summary: str | None, output: Reconciliation, path: str) -> Finding:
    """The summary names every invoice with the JSON's amount and status, and the total.

    Args:
        summary: The summary's text (None when the file does not exist).
        output: The parsed deliverable it must agree with.
        path: The summary's path, for the reasons.
    """
    if summary is None:
        return Finding(passed=False, reason=f"{path} missing", label=FailureLabel.ARTIFACT_MISSING)
    lines = summary[:MAX_SUMMARY_CHARS].splitlines()
    disagree: list[str] = []
    for entry in output.invoices:
        amount = to_decimal(entry.amount)
        naming = [ln for ln in lines if _mentions(ln, entry.invoice)]
        agreeing = [
            ln for ln in naming if _agrees(ln, entry.invoice, amount or Decimal(0), entry.status)
        ]
        if amount is None or not agreeing:
            shown = naming[0].strip()[:60] if naming else "no line names it"
            disagree.append(f"{entry.invoice} ({entry.amount}, {entry.status}): {shown!r}")
    if disagree:
        return Finding(
            passed=False,
            reason=f"{path} disagrees with the JSON: {'; '.join(disagree[:3])}",
            label=FailureLabel.WRONG_RESULT,
        )
    total = sum((to_decimal(e.amount) or Decimal(0) for e in output.invoices), Decimal(0))
    if not any(total in _amounts(ln) for ln in lines if "total" in ln.lower()):
        return Finding(
            passed=False,
            reason=f"{path} has no total line showing {total} (the sum of the JSON's amounts)",
            label=FailureLabel.WRONG_RESULT,
        )
    return Finding(
        passed=True, reason=f"{path} agrees with the JSON ({len(output.invoices)} invoices, total)"
    )
