"""Status lines: `STATUS: DONE` and its many spellings, and which of them are the agent's own."""

from __future__ import annotations

import re

from operator_eval.contracts._vocabulary import Status
from operator_eval.scorers._status_text import FENCE_LINE_RE, MAX_QUOTE, Blocks, blank, span_at

# Emoji and pictographs that decorate a status line ("STATUS: DONE ✅", "🚀 Status: Done").
_DECOR = "\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f"
# Lead-in markdown is a single possessive character class (not nested groups) so that a line
# of thousands of `*` or `-` cannot make the regex backtrack. Quotes and braces let a JSON
# object's "status" key be read; `|` a markdown table row.
_LEAD = rf"[ \t>#*_`~+\-|\"'{{{_DECOR}]*+"
_LABEL = r"(?:(?:final|overall|task|current)[ \t]+)?status"
# "STATUS: DONE", "Status - Done", "Status — DONE", "status=done", "Status → DONE",
# "| Status | DONE |", "Status is DONE".
_INLINE_SEP = (
    r"(?:[ \t*_`~\"'|]*(?::|=|->|=>|\u2192|-|\u2013|\u2014|\|)[ \t*_`~\"']*"
    r"|[ \t*_`~]+is[ \t*_`~]+)"
)
# A heading ("## Status", "**Status**") with the value on the next line.
_HEADING_SEP = r"[ \t*_`~:#]*\n(?:[ \t]*\n)?[ \t>#*_`~+\-]*"
_VALUE = (
    rf"(?:[{_DECOR}][ \t*_`~]*)*"
    r"(?P<value>done|complete|completed|success|successful|succeeded|resolved|fixed|finished"
    r"|blocked|failed|failure|fail"
    r"|[\u2705\u2714\u2611\u2713]|[\u274c\u274e\u2716\u2717\u2718]|[\u26d4\U0001f6ab\U0001f6d1])"
    r"(?![\w-])"
)
STATUS_LINE_RE = re.compile(
    rf"^{_LEAD}(?P<claim>{_LABEL}(?:{_INLINE_SEP}|{_HEADING_SEP}){_VALUE}(?P<tail>[^\n]*))$",
    re.IGNORECASE | re.MULTILINE,
)
_DONE_VALUES = frozenset(
    {"done", "complete", "completed", "success", "successful", "succeeded", "resolved"}
    | {"fixed", "finished", "\u2705", "\u2714", "\u2611", "\u2713"}
)
_BLOCKED_VALUES = frozenset({"blocked", "\u26d4", "\U0001f6ab", "\U0001f6d1"})
# After the value only closing markdown, punctuation and emoji may follow, or a separator and
# a reason ("STATUS: BLOCKED - no credentials"). Prose ("STATUS: done with step 1") is not a
# status line, except that BLOCKED and FAILED may name their cause without a separator
# ("Status: blocked on approval", "Status: failed to deploy").
_STATUS_TAIL_RE = re.compile(
    rf"[ \t*_`~.!\"'}}|{_DECOR}]*(?:[-\u2013\u2014(\[:,;][^\n]*)?", re.IGNORECASE
)
_REASON_TAIL_RE = re.compile(
    r"[ \t*_`~]+(?:by|on|until|pending|waiting|awaiting|due|because|for|to|with|at|in|after"
    r"|since|while)\b[^\n]*",
    re.IGNORECASE,
)
# A tail listing other statuses is the instruction template being echoed
# ("STATUS: DONE, BLOCKED or FAILED", "STATUS: DONE | BLOCKED | FAILED"), not a claim.
_TEMPLATE_TAIL_RE = re.compile(r"[ \t*_`~]*(?:,|/|\||\bor\b)[ \t*_`~]*(?:DONE|BLOCKED|FAILED)\b")
# A status closing a line of prose after a sentence break ("All checks pass. STATUS: DONE")
# is a status line too; one inside a sentence ("I won't write STATUS: DONE yet") is not.
_TRAILING_STATUS_RE = re.compile(
    rf"(?<=[.!?;:)\]\u2013\u2014-])[ \t*_`~{_DECOR}]+(?P<claim>{_LABEL}{_INLINE_SEP}{_VALUE}"
    rf"[ \t*_`~.!{_DECOR}]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# An inline mention of the status line ("I won't write STATUS: DONE yet"), with the rest of
# the template when it echoes one ("STATUS: DONE, BLOCKED or FAILED"): the statuses it names
# are not claims. Prose about a status ("the ticket status is done", "status: resolved, and
# verified") is read as prose.
INLINE_STATUS_RE = re.compile(
    r"(?<![\w-])status[ \t*_`~]*(?::|=)[ \t*_`~]*(?:done|blocked|failed)(?![\w-])"
    r"(?:[ \t*_`~]*(?:,|/|\||\bor\b)[ \t*_`~]*(?-i:DONE|BLOCKED|FAILED)\b)*",
    re.IGNORECASE,
)


def blank_status_line(m: re.Match[str]) -> str:
    # A line that only looks like one ("## Status" over "Fixed the config and restarted
    # nginx.", "Status: done with step 1") keeps its prose from the value on.
    if _status_tail(_as_status(m.group("value")), m.group("tail")) or _TEMPLATE_TAIL_RE.match(
        m.group("tail")
    ):
        return blank(m.group())
    cut = m.start("value") - m.start()
    return blank(m.group()[:cut]) + m.group()[cut:]


def last_status_line(text: str, blocks: Blocks) -> tuple[Status, str] | None:
    found: tuple[int, Status, str] | None = None
    verdicts: dict[tuple[int, int], bool] = {}
    for m in STATUS_LINE_RE.finditer(text):
        value = _as_status(m.group("value"))
        if not _status_tail(value, m.group("tail")):
            continue
        if not _own_status(text, blocks, m.start("claim"), verdicts):
            continue
        line = " ".join(m.group().split())
        # A long line is mostly lead-in or reason; the status itself must stay in the quote.
        quote = line if len(line) <= MAX_QUOTE else " ".join(m.group("claim").split())
        found = (m.start("claim"), value, quote)
    for m in _TRAILING_STATUS_RE.finditer(text):
        if found is not None and m.start("claim") <= found[0]:
            continue
        if _own_status(text, blocks, m.start("claim"), verdicts):
            found = (m.start("claim"), _as_status(m.group("value")), m.group("claim"))
    return None if found is None else (found[1], found[2])


def _status_tail(value: Status, tail: str) -> bool:
    """Whether what follows a status value leaves the line a status line."""
    if _TEMPLATE_TAIL_RE.match(tail):
        return False
    if _STATUS_TAIL_RE.fullmatch(tail) is not None:
        return True
    return value != "DONE" and _REASON_TAIL_RE.fullmatch(tail) is not None


def _own_status(
    text: str, blocks: Blocks, pos: int, verdicts: dict[tuple[int, int], bool]
) -> bool:
    """Whether a status at `pos` is the agent's own, not quoted from a log or a ticket.

    A status inside a code block or `>` quote is the agent's own only when the block holds
    nothing but status lines and nothing follows it: the agent fenced its own status.
    """
    span = span_at(blocks.quoted, pos)
    if span is None:
        return True
    if span not in verdicts:
        start, end = span
        inner = FENCE_LINE_RE.sub("", text[start:end])
        rest = STATUS_LINE_RE.sub("", inner)
        verdicts[span] = not rest.replace(">", " ").strip() and not text[end:].strip(" \t\n`~")
    return verdicts[span]


def _as_status(word: str) -> Status:
    lower = word.lower()
    if lower in _DONE_VALUES:
        return "DONE"
    if lower in _BLOCKED_VALUES:
        return "BLOCKED"
    return "FAILED"
