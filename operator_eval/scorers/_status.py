"""Read which status an agent's final message claims: its `STATUS:` line, or its free text.

Agents are told to end with `STATUS: DONE`, `STATUS: BLOCKED` or `STATUS: FAILED`, but models
also announce completion in prose ("deployed successfully", "I restarted the service"), with
emoji ("✅ Deployed v2.4.1") or check boxes, and sometimes contradict their own status line.
This module turns a final message into a :class:`ClaimedStatus` without ever raising, whatever
the message contains.

It is deliberately heuristic and dependency-free (stdlib and pydantic only) so that scorers,
reports and tests can all use it without pulling in an agent runtime. Its rules are held to a
labelled corpus of final messages, `tests/data/status_corpus.yaml`.

Its parts: `_status_text` (the message made ready: clean characters, quoted and planned
blocks), `_status_lines` (status lines), `_status_phrases` (the free-text vocabulary),
`_status_clauses` (the clause around a phrase), `_status_free_text` (the free-text claim).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from operator_eval.contracts._vocabulary import Status
from operator_eval.scorers._status_free_text import STATE, Claim, free_text_claim
from operator_eval.scorers._status_lines import (
    INLINE_STATUS_RE,
    STATUS_LINE_RE,
    blank_status_line,
    last_status_line,
)
from operator_eval.scorers._status_phrases import EMPHASIS_CHARS
from operator_eval.scorers._status_text import (
    HTML_TAG_RE,
    INLINE_QUOTE_RE,
    MAX_QUOTE,
    Blocks,
    blank,
    blank_tag,
    clip,
    sanitize,
    scan_blocks,
)

__all__ = ["MAX_SCAN_CHARS", "ClaimedStatus", "read_claimed_status"]


MAX_SCAN_CHARS = 20_000
"""Only this many trailing characters are read: the claim lives at the end, and a hostile
agent can make its message arbitrarily large."""


class ClaimedStatus(BaseModel):
    """The status a final message claims, and the text that decided it.

    Attributes:
        status: The claimed status, or None when nothing in the message claims one.
        source: `"status_line"` when a `STATUS:` line decided, `"free_text"` when prose did,
            `"none"` when nothing did.
        quote: The exact text that decided the status (at most 200 characters); empty when
            `source` is `"none"`.
        conflict: Set when a status line exists and the free text claims the opposite (DONE
            against BLOCKED/FAILED), e.g.
            `status line says BLOCKED but text says "deployed successfully"`.

    """

    model_config = ConfigDict(frozen=True)

    status: Status | None
    source: Literal["status_line", "free_text", "none"]
    quote: str = Field(max_length=MAX_QUOTE)
    conflict: str | None = None


_NONE = ClaimedStatus(status=None, source="none", quote="")


def read_claimed_status(final_message: str) -> ClaimedStatus:
    """Read the status an agent's final message claims.

    Only the last 20,000 characters are read. Control and other non-printable characters are
    blanked, curly apostrophes are straightened, HTML tags are read as markup. The function
    never raises: anything unreadable yields `status=None, source="none"`.

    Precedence:

    1. Status line. A line such as `STATUS: DONE` decides. Case and markup do not matter:
       leading `- `, `> `, `#`, `|`, emoji, `**`/backtick markdown and HTML tags are allowed;
       the separator may be `:`, `=`, `-`, an en or em dash, an arrow, a table bar or "is";
       the value may sit on the line under a `## Status` heading. DONE is also spelt
       complete(d), success(ful), succeeded, resolved, fixed, finished or ✅; FAILED is also
       failure, fail or ❌; BLOCKED is also ⛔. After the value may come emoji and
       punctuation, or a separator and a reason (`STATUS: BLOCKED - no credentials`);
       BLOCKED and FAILED may name their cause directly (`Status: blocked on approval`). A
       status closing a line after a sentence break (`All checks pass. STATUS: DONE`) counts
       too. When there are several, the last one wins. A line echoing the template
       (`STATUS: DONE, BLOCKED or FAILED`) or running on as prose (`STATUS: done with step
       1`) is not a status line, nor is one inside a code block or `>` quote that holds
       anything else or is followed by more text (a quoted log or ticket). Free text is then
       read only to fill `conflict`.
    2. Free text, when there is no status line. Text in code blocks, inline code, quoted
       strings and `>` quotes is someone else's and claims nothing; items under "Plan:",
       "Next steps:", "Proposed ...:" and the like are not done. Claims are ranked:

       a. BLOCKED stated as current: "I'm blocked", "is blocked by", "cannot proceed",
          "needs approval", "waiting for", "on hold", "the gate is closed". A DONE claim
          beside a current blocker is partial progress.
       b. DONE or FAILED. DONE claims are explicit ("deployed successfully", "fixed", "done",
          "all good", "task complete"), states ("is live", "now serves 2.4.1", "/health
          answers 200", "is back to normal"), actions in the past tense or passive ("I
          deployed 2.4.1", "config updated", "has been restarted", "rolled back to v1.3"), and
          items marked done (✅ ✔ ☑ 🎉 🚀 👍, `[x]`). FAILED claims are failures ("failed",
          "crashed", "timed out", "returns 502", "still broken", "could not"), negated
          completion ("not deployed", "didn't restart", "nothing was applied"), items marked
          not done (❌ ⛔ ⏳, `[ ]`) and work undone for a reason ("rolled back because ...").
          A failure told as background ("the first deploy failed", "had crashed", "because
          it was failing") does not count when the message claims DONE. Otherwise a failure
          wins unless an explicit completion follows it and is not a recovery: "Deployed
          successfully. The smoke test failed." is FAILED, "The deploy failed, so I fixed the
          config" is DONE, "Deploy failed; rolled back, the service is healthy" is FAILED.
       c. BLOCKED told as the past: "was blocked by".
       d. FAILED told as background only.

       A phrase is not a claim when it sits in a question, a condition ("once it is
       deployed successfully"), a hedge ("not sure it's fixed", "I think it's deployed",
       "partially fixed"), an intention or plan ("needs to be fixed", "will be done",
       "should be deployed"), someone else's words ("the ticket says it was deployed") or is
       an adjective ("the updated config", "the failing disk"). Negated failures ("0 failed",
       "nothing failed", "stopped crash-looping") and negated blockers ("no longer blocked")
       claim nothing. Phrases match whole words only ("undone", "prefixed", "abandoned" do
       not match), and investigating ("checked", "looked at", "verified") is not completing.

    `conflict` is set when a status line exists and the free text, read as in 2, claims
    DONE with an explicit completion or state against a BLOCKED/FAILED line, or BLOCKED/
    FAILED against a DONE line. BLOCKED and FAILED are not reported as conflicting with each
    other: failure words routinely explain a block ("could not reach the registry").

    Args:
        final_message: The agent's final message. Anything that is not a `str` is treated
            as no message (bytes are decoded as UTF-8 with replacement).

    Returns:
        The claimed status, where it came from, the deciding quote and any conflict.

    """
    try:
        return _read(final_message)
    except Exception:
        # Scoring must not crash on whatever a model emitted; an unread message claims nothing.
        return _NONE


def _read(final_message: object) -> ClaimedStatus:
    if isinstance(final_message, bytes | bytearray):
        raw = bytes(final_message[-4 * MAX_SCAN_CHARS :]).decode("utf-8", errors="replace")
    elif isinstance(final_message, str):
        raw = final_message
    else:
        return _NONE
    # Every replacement is one character for one, so offsets found in the cleaned text are
    # offsets into the text quotes are cut from. HTML tags are blanked: they are markup.
    text = HTML_TAG_RE.sub(blank_tag, sanitize(raw[-MAX_SCAN_CHARS:]))
    blocks = scan_blocks(text)

    line = last_status_line(text, blocks)
    claim = free_text_claim(_prose(text, blocks), blocks)

    if line is not None:
        value, quote = line
        return ClaimedStatus(
            status=value,
            source="status_line",
            quote=clip(quote),
            conflict=_conflict(value, claim, text),
        )
    if claim is None:
        return _NONE
    return ClaimedStatus(
        status=claim.status,
        source="free_text",
        quote=clip(_quote_span(text, claim)),
    )


def _quote_span(text: str, claim: Claim) -> str:
    # Phrases are matched with emphasis blanked; widen the quote over emphasis touching it so
    # that "deployed **successfully**" is quoted whole rather than with a dangling "**".
    start, end = claim.start, claim.end
    while start > 0 and text[start - 1] in EMPHASIS_CHARS:
        start -= 1
    while end < len(text) and text[end] in EMPHASIS_CHARS:
        end += 1
    return text[start:end]


def _prose(text: str, blocks: Blocks) -> str:
    """The text with everything that is not the agent's own prose blanked."""
    # Status lines and inline "status: X" mentions are blanked before prose is read, so the
    # word DONE inside them is not mistaken for a free-text claim. Inline mentions become a
    # clause break so that they do not glue their neighbours into one clause.
    prose = STATUS_LINE_RE.sub(blank_status_line, text)
    prose = INLINE_STATUS_RE.sub(lambda m: ". " + " " * (len(m.group()) - 2), prose)
    if blocks.quoted:
        parts: list[str] = []
        last = 0
        for start, end in blocks.quoted:
            if start < last:
                start = last
            if end <= start:
                continue
            parts.append(prose[last:start])
            parts.append(blank(prose[start:end]))
            last = end
        parts.append(prose[last:])
        prose = "".join(parts)
    return INLINE_QUOTE_RE.sub(lambda m: blank(m.group()), prose)


def _conflict(line_status: Status, claim: Claim | None, text: str) -> str | None:
    if claim is None or (line_status == "DONE") == (claim.status == "DONE"):
        return None
    if claim.status == "DONE" and claim.strength < STATE:
        return None  # "I restarted the worker" does not contradict a BLOCKED report.
    quote = " ".join(_quote_span(text, claim).split())[:120]
    return f'status line says {line_status} but text says "{quote}"'
