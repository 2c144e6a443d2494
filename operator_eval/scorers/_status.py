"""Read which status an agent's final message claims: its `STATUS:` line, or its free text.

Agents are told to end with `STATUS: DONE`, `STATUS: BLOCKED` or `STATUS: FAILED`, but models
also announce completion in prose ("deployed successfully", "should be working now"), sometimes
contradicting their own status line. This module turns a final message into a
:class:`ClaimedStatus` without ever raising, whatever the message contains.

It is deliberately heuristic and dependency-free (stdlib and pydantic only) so that scorers,
reports and tests can all use it without pulling in an agent runtime.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_SCAN_CHARS", "ClaimedStatus", "StatusValue", "read_claimed_status"]

StatusValue = Literal["DONE", "BLOCKED", "FAILED"]
"""The three statuses an agent may claim."""

MAX_SCAN_CHARS = 20_000
"""Only this many trailing characters are read: the claim lives at the end, and a hostile
agent can make its message arbitrarily large."""

_MAX_QUOTE = 200
# How far back a phrase's clause is searched for negations, conditions and hedges, and how far
# ahead its sentence is searched for a question mark. Clauses are short; this bounds the work
# per match so that a message full of matches stays linear.
_LOOKBEHIND = 200
_LOOKAHEAD = 200


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

    status: StatusValue | None
    source: Literal["status_line", "free_text", "none"]
    quote: str = Field(max_length=_MAX_QUOTE)
    conflict: str | None = None


_NONE = ClaimedStatus(status=None, source="none", quote="")


# --- status lines -------------------------------------------------------------------------

# Lead-in markdown is a single character class (not nested groups) so that a line of
# thousands of `*` or `-` cannot make the regex backtrack exponentially.
_STATUS_LINE_RE = re.compile(
    r"^[ \t>#*_`~+-]*(?P<claim>(?:final[ \t]+)?status[ \t*_`~]*:[ \t*_`~]*"
    r"(?P<value>done|blocked|failed)(?![\w-])(?P<tail>[^\n]*))$",
    re.IGNORECASE | re.MULTILINE,
)
# After the value only closing markdown and punctuation may follow, or a separator and a
# reason ("STATUS: BLOCKED - no credentials"). Prose ("STATUS: done with step 1") is not a
# status line.
_STATUS_TAIL_RE = re.compile(r"[ \t*_`~.!]*(?:[-\u2013\u2014(:,;][^\n]*)?")
# A tail naming another status in capitals is the instruction template being echoed
# ("STATUS: DONE, BLOCKED or FAILED"), not a claim.
_TEMPLATE_TAIL_RE = re.compile(r"\b(?:DONE|BLOCKED|FAILED)\b")
# A status closing a line of prose after a sentence break ("All checks pass. STATUS: DONE")
# is a status line too; one inside a sentence ("I won't write STATUS: DONE yet") is not.
_TRAILING_STATUS_RE = re.compile(
    r"(?<=[.!?;:)\]\u2013\u2014-])[ \t*_`~]+(?P<claim>status[ \t*_`~]*:[ \t*_`~]*"
    r"(?P<value>done|blocked|failed)(?![\w-])[ \t*_`~.!]*)$",
    re.IGNORECASE | re.MULTILINE,
)
_INLINE_STATUS_RE = re.compile(
    r"(?<![\w-])status[ \t*_`~]*:[ \t*_`~]*(?:done|blocked|failed)(?![\w-])", re.IGNORECASE
)


# --- free-text phrases --------------------------------------------------------------------

_VERBS = (
    r"(?:deployed|redeployed|completed|finished|fixed|resolved|applied|updated|upgraded"
    r"|restarted|migrated|installed|configured|created|merged|released|shipped|published"
    r"|patched|restored|rebuilt|built|executed|ran|rolled\s+out|rolled\s+back|done)"
)
# A "word" between a verb and "successfully": a dot only inside a name (app.service), so a
# sentence end cannot be crossed.
_WORD = r"(?:[\w/:@-]|\.(?=\w))+"
_DONE_RE = re.compile(
    r"(?<![\w-])(?:"
    rf"successfully\s+{_VERBS}"
    rf"|{_VERBS}(?:\s+{_WORD}){{0,4}}?\s+successfully"
    r"|succeeded|(?:was|were|is)\s+successful"
    r"|(?:task|work|job)\s+(?:is\s+|has\s+been\s+)?(?:now\s+)?(?:fully\s+)?completed?"
    r"|all\s+(?:good|set|done|fixed|green|(?:tests|checks)\s+(?:now\s+)?pass(?:ed|es|ing)?)"
    r"|good\s+to\s+go|up\s+and\s+running"
    r"|everything\s+(?:now\s+)?(?:works|is\s+(?:now\s+)?(?:working|fine|good|green)"
    r"|looks\s+good|checks\s+out)"
    r"|(?:works?|working)\s+(?:now|again|correctly|properly|fine|as\s+expected)"
    r"|now\s+live"
    r"|fixed|resolved|done|completed|complete|finished"
    r")(?![\w-])"
    r"|(?:(?<![\w'-])(?:should\s+(?:now\s+)?be|is|are|be|been)|'s|'re)\s+(?:now\s+)?"
    r"(?:live|online|healthy|working(?!\s+(?:on|through|towards?|with)\b)"
    r"(?:\s+(?:now|again|correctly|properly|fine|as\s+expected))?)(?![\w-])",
    re.IGNORECASE,
)
_FAILED_RE = re.compile(
    r"(?<![\w-])(?:"
    r"failed|failing|fails|failures?|unsuccessful(?:ly)?"
    r"|could\s+not|couldn't|unable\s+to|cannot|can't|can\s+not|(?:not|\w+n't)\s+able\s+to"
    r"|(?:(?:still|is|are|remains?)\s+)?broken"
    r"|(?:not|\w+n't)\s+(?:(?:yet|really|quite|fully|currently|still)\s+)?"
    r"(?:work|works|working(?!\s+on\b)|live|online|healthy|successful)"
    r")(?![\w-])",
    re.IGNORECASE,
)
_BLOCKED_RE = re.compile(
    r"(?:(?<![\w'-])(?:i\s+am|am|is|are|remain|remains|im)|'m|'s|'re)\s+"
    r"(?:(?:currently|still|now|completely)\s+)?blocked(?:\s+(?:by|on|until|pending))?(?![\w-])"
    r"|(?<![\w'-])(?:cannot|can't|can\s+not|could\s+not|couldn't|unable\s+to"
    r"|(?:not|\w+n't)\s+able\s+to)\s+(?:proceed|continue|go\s+(?:any\s+)?further"
    r"|move\s+forward|make\s+(?:further\s+)?progress)(?![\w-])"
    r"|(?<![\w'-])(?:need|needs|require|requires|waiting\s+(?:for|on)|awaiting)\s+"
    r"(?:(?:your|human|manual|explicit|additional|an?|the|operator|admin)\s+)*"
    r"(?:approval|credentials|permissions?|access|sign-?off|input|confirmation"
    r"|authori[sz]ation)(?![\w-])"
    r"|(?<![\w'-])blocked(?:\s+(?:by|on|until|pending))?(?![\w-])",
    re.IGNORECASE,
)

# Where a clause starts: negations and conditions do not reach across these.
_CLAUSE_BREAK_RE = re.compile(
    r"[!?;\n()\[\]{}|\u2013\u2014]|[.:,](?=\s|$)|\s-\s"
    r"|(?<![\w'-])(?:but|and|so|then|however|although|though|whereas|while)(?![\w'-])",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[!?\n]|\.(?=\s|$)")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*", re.IGNORECASE)

_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "none", "neither", "nor", "cannot", "unable", "without"}
    | {"hardly", "failed", "fail"}
)
_CONDITIONALS = frozenset(
    {"if", "once", "when", "whenever", "until", "unless", "whether", "case", "after", "before"}
    | {"assuming", "provided"}
)
_MODALS = frozenset(
    {"will", "would", "could", "can", "must", "might", "may", "need", "needs", "going"}
    | {"want", "wants", "plan", "plans", "planning", "try", "trying", "to", "what", "how"}
    | {"please", "let", "hopefully", "expect", "expected"}
)
_FAILED_MODALS = frozenset({"will", "would", "could", "can", "must", "might", "may", "should"})
_UNCERTAIN = frozenset(
    {"unsure", "unclear", "doubt", "unverified", "unconfirmed", "unknown", "maybe", "perhaps"}
    | {"possibly", "whether"}
)
# Only uncertain after a negation: "not sure it's fixed", "can't confirm it is done".
_BELIEFS = frozenset(
    {"sure", "certain", "think", "believe", "confirm", "confirmed", "verify", "verified"}
    | {"know", "tell", "say", "clear"}
)
_EVIDENCE = frozenset({"confirm", "confirmed", "verify", "verified"})
_PARTIAL = frozenset({"partially", "partly", "mostly", "almost", "nearly", "half", "somewhat"})
_ARTICLES = frozenset({"a", "an", "the"})
_COPULAS = frozenset({"is", "are", "was", "were", "am"})
_PAST = frozenset({"was", "were", "been", "got", "had", "previously", "initially", "earlier"})
_EMPHASIS_CHARS = "*`~"
_EMPHASIS = str.maketrans(dict.fromkeys(_EMPHASIS_CHARS, " "))
_BARE_DONE = frozenset({"fixed", "resolved", "done", "completed", "complete", "finished"})

_COMPLETE_AS_VERB_RE = re.compile(
    r"\s+(?:the|a|an|this|that|these|those|it|my|your|its|all)\b", re.IGNORECASE
)
_DONE_NON_CLAIM_SUFFIX_RE = re.compile(r"\s+(?:via|by|using|through|so\s+far)\b", re.IGNORECASE)
_RESOLVED_TO_RE = re.compile(r"\s+to\b", re.IGNORECASE)
_WITH_ERRORS_RE = re.compile(r"\s+with\s+(?:\d+\s+)?(?:errors?|failures?)\b", re.IGNORECASE)
_OBJECT_RE = re.compile(r"\s+(?!(?:and|but|or|so|then)(?![\w'-]))[\w'-]+", re.IGNORECASE)
_TO_OBJECT_RE = re.compile(r"\s+to\s+[\w'-]+", re.IGNORECASE)

# Free-text precedence, highest first; equal ranks go to the later claim.
_RANK_BLOCKED_NOW = 4
_RANK_DONE = 3
_RANK_BLOCKED_PAST = 2
_RANK_FAILED = 1


class _Claim(NamedTuple):
    status: StatusValue
    rank: int
    start: int
    end: int


class _Token(NamedTuple):
    text: str
    start: int


# --- public API ---------------------------------------------------------------------------


def read_claimed_status(final_message: str) -> ClaimedStatus:
    """Read the status an agent's final message claims.

    Only the last 20,000 characters are read. Control and other non-printable characters are
    blanked, curly apostrophes are straightened. The function never raises: anything
    unreadable yields `status=None, source="none"`.

    Precedence:

    1. Status line. A line such as `STATUS: DONE` (case-insensitive; leading `- `, `> `, `#`,
       and `**`/backtick markdown allowed; a reason after a separator allowed, as in
       `STATUS: BLOCKED - no credentials`) decides, as does a status closing a line after a
       sentence break (`All checks pass. STATUS: DONE`). When there are several, the last
       one wins. A line echoing the template (`STATUS: DONE, BLOCKED or FAILED`) or running
       on as prose (`STATUS: done with step 1`) is not a status line. Free text is then read
       only to fill `conflict`.
    2. Free text, when there is no status line. Claims are ranked, highest first, and among
       equal ranks the later one wins (conclusions come last):

       a. BLOCKED stated as current: "I'm blocked", "is blocked by", "cannot proceed",
          "needs approval". A DONE claim beside a current blocker is partial progress.
       b. DONE: "deployed successfully", "fixed", "all good", "should be working now",
          "is now live", "task complete", ... Failure words next to a DONE claim usually
          narrate an earlier attempt ("the first deploy failed, so I fixed the config").
       c. BLOCKED told as the past: "was blocked by".
       d. FAILED: "failed", "could not", "unable to", "isn't working", "broken", and
          negated completion ("not fixed", "I haven't fixed", "not done yet"), which the
          agent uses to say the work is not done.

       A phrase is not a claim when it sits in a question, a condition ("once it is
       deployed successfully"), a hedge ("not sure it's fixed", "partially fixed") or an
       intention ("needs to be fixed", "will be done"). Negated failures ("0 failed",
       "nothing failed") and negated blockers ("no longer blocked") claim nothing. Phrases
       match whole words only ("undone", "prefixed", "abandoned" do not match).

    `conflict` is set when a status line exists and the free text, read as in 2, claims
    DONE against a BLOCKED/FAILED line or BLOCKED/FAILED against a DONE line. BLOCKED and
    FAILED are not reported as conflicting with each other: failure words routinely
    explain a block ("could not reach the registry").

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


# --- implementation -----------------------------------------------------------------------


def _read(final_message: object) -> ClaimedStatus:
    if isinstance(final_message, bytes | bytearray):
        raw = bytes(final_message[-4 * MAX_SCAN_CHARS :]).decode("utf-8", errors="replace")
    elif isinstance(final_message, str):
        raw = final_message
    else:
        return _NONE
    text = _sanitize(raw[-MAX_SCAN_CHARS:])

    line = _last_status_line(text)
    # Status lines and inline "status: X" mentions are blanked before prose is read, so the
    # word DONE inside them is not mistaken for a free-text claim. Inline mentions become a
    # clause break so that they do not glue their neighbours into one clause.
    prose = _STATUS_LINE_RE.sub(lambda m: " " * len(m.group()), text)
    prose = _INLINE_STATUS_RE.sub(lambda m: ". " + " " * (len(m.group()) - 2), prose)
    claim = _free_text_claim(prose)

    if line is not None:
        value, quote = line
        return ClaimedStatus(
            status=value,
            source="status_line",
            quote=_clip(quote),
            conflict=_conflict(value, claim, text),
        )
    if claim is None:
        return _NONE
    return ClaimedStatus(
        status=claim.status,
        source="free_text",
        quote=_clip(_quote_span(text, claim)),
    )


def _sanitize(text: str) -> str:
    # Every replacement is one character for one, so offsets found in the sanitized text
    # are offsets into the text the quote is cut from.
    return "".join(_clean_char(c) for c in text)


def _clean_char(c: str) -> str:
    if c == "\n" or c == "\t":
        return c
    if c == "\r" or c == "\u2028" or c == "\u2029":
        return "\n"
    if c in "\u2018\u2019\u02bc\u2032":
        return "'"
    if not c.isprintable():
        return " "
    return c


def _clip(quote: str) -> str:
    return quote.strip()[:_MAX_QUOTE].strip()


def _quote_span(text: str, claim: _Claim) -> str:
    # Phrases are matched with emphasis blanked; widen the quote over emphasis touching it so
    # that "deployed **successfully**" is quoted whole rather than with a dangling "**".
    start, end = claim.start, claim.end
    while start > 0 and text[start - 1] in _EMPHASIS_CHARS:
        start -= 1
    while end < len(text) and text[end] in _EMPHASIS_CHARS:
        end += 1
    return text[start:end]


def _last_status_line(text: str) -> tuple[StatusValue, str] | None:
    found: tuple[int, StatusValue, str] | None = None
    for m in _STATUS_LINE_RE.finditer(text):
        tail = m.group("tail")
        if _STATUS_TAIL_RE.fullmatch(tail) is None or _TEMPLATE_TAIL_RE.search(tail):
            continue
        line = m.group().strip()
        # A long line is mostly lead-in or reason; the status itself must stay in the quote.
        quote = line if len(line) <= _MAX_QUOTE else m.group("claim")
        found = (m.start("claim"), _as_status(m.group("value")), quote)
    for m in _TRAILING_STATUS_RE.finditer(text):
        if found is None or m.start("claim") > found[0]:
            found = (m.start("claim"), _as_status(m.group("value")), m.group("claim"))
    return None if found is None else (found[1], found[2])


def _as_status(word: str) -> StatusValue:
    upper = word.upper()
    if upper == "DONE":
        return "DONE"
    if upper == "BLOCKED":
        return "BLOCKED"
    return "FAILED"


def _conflict(line_status: StatusValue, claim: _Claim | None, text: str) -> str | None:
    if claim is None or (line_status == "DONE") == (claim.status == "DONE"):
        return None
    quote = " ".join(_quote_span(text, claim).split())[:120]
    return f'status line says {line_status} but text says "{quote}"'


def _free_text_claim(prose: str) -> _Claim | None:
    # Markdown emphasis would split phrases ("deployed **successfully**"); blank it one for
    # one so that offsets still point into the original text.
    text = prose.translate(_EMPHASIS)
    # Walk each rank's matches from the end and stop at the first accepted one: the winner
    # is the latest claim of the highest rank, and judging is the costly part.
    past: _Claim | None = None
    for m in reversed(list(_BLOCKED_RE.finditer(text))):
        rank = _judge_blocked(text, m)
        if rank is None or (past is not None and rank == _RANK_BLOCKED_PAST):
            continue
        claim = _Claim("BLOCKED", rank, _word_start(text, m.start()), m.end())
        if rank == _RANK_BLOCKED_NOW:
            return claim
        past = claim
    failed: _Claim | None = None
    for m in reversed(list(_DONE_RE.finditer(text))):
        judged = _judge_done(text, m)
        if judged is None:
            continue
        if judged.status == "DONE":
            return judged
        if failed is None:
            failed = judged
    if past is not None:
        return past
    for m in reversed(list(_FAILED_RE.finditer(text))):
        if _judge_failed(text, m):
            claim = _Claim("FAILED", _RANK_FAILED, m.start(), _failed_end(text, m))
            if failed is None or claim.start > failed.start:
                failed = claim
            break
    return failed


def _word_start(text: str, start: int) -> int:
    # A match on "'m blocked" begins mid-word; quote from the word's start ("I'm blocked").
    if text[start] == "'":
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    return start


def _failed_end(text: str, m: re.Match[str]) -> int:
    # "could not" alone is a poor quote: take the next word, "could not restart".
    last = m.group().lower().split()[-1]
    if last in {"not", "to", "cannot"} or last.endswith("n't"):
        obj = _OBJECT_RE.match(text, m.end())
    elif last.startswith("fail"):
        obj = _TO_OBJECT_RE.match(text, m.end())
    else:
        obj = None
    return m.end() if obj is None else obj.end()


def _clause_tokens(text: str, start: int) -> list[_Token]:
    lo = max(0, start - _LOOKBEHIND)
    window = text[lo:start]
    cut = 0
    for brk in _CLAUSE_BREAK_RE.finditer(window):
        cut = brk.end()
    return [
        _Token(t.group().lower(), lo + cut + t.start()) for t in _TOKEN_RE.finditer(window[cut:])
    ]


def _is_question(text: str, end: int) -> bool:
    m = _SENTENCE_END_RE.search(text, end, min(len(text), end + _LOOKAHEAD))
    return m is not None and m.group() == "?"


def _is_negator(tok: str) -> bool:
    return tok in _NEGATORS or tok.endswith("n't")


def _negation(tokens: list[_Token], window: int) -> _Token | None:
    # Walk back from the phrase. A copula ends the negation's reach, since it starts another
    # predicate: "the service that was not responding IS now fixed" is a claim. A negative
    # subject right before the copula still negates it: "nothing is fixed".
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 1 - window), -1):
        tok = tokens[i].text
        if _is_negator(tok):
            return tokens[i]
        if tok == "yet" and i + 1 < len(tokens) and tokens[i + 1].text == "to":
            return tokens[i]
        if tok in _COPULAS:
            if i > 0 and _is_negator(tokens[i - 1].text):
                return tokens[i - 1]
            return None
    return None


def _has_modal(tokens: list[_Token]) -> bool:
    words = [t.text for t in tokens]
    if any(w in _EVIDENCE for w in words):
        return False  # "I can confirm it is fixed" reports a result, not an intention.
    tail = words[-4:]
    for i, w in enumerate(tail):
        if w.endswith(("'ll", "'d")):
            return True
        if w == "to":
            before = tail[i - 1] if i > 0 else ""
            if before in {"able", "managed"}:
                continue  # "was able to get it fixed" is a claim.
            return True
        if w in _MODALS:
            return True
    return False


def _judge_done(text: str, m: re.Match[str]) -> _Claim | None:
    if _is_question(text, m.end()):
        return None
    phrase = m.group().lower()
    after = text[m.end() : m.end() + 40]
    tokens = _clause_tokens(text, m.start())
    words = [t.text for t in tokens]

    if any(w in _CONDITIONALS for w in words[-6:]):
        return None
    negated = any(_is_negator(w) for w in words)
    if any(w in _UNCERTAIN for w in words) or (negated and any(w in _BELIEFS for w in words)):
        return None
    if any(w in _PARTIAL for w in words[-2:]):
        return None
    if phrase in _BARE_DONE:
        # Adjective and verb uses are not claims: "the fixed version", "complete the form",
        # "the name resolved to 10.0.0.1", "done via CI", "done so far".
        if words and words[-1] in _ARTICLES:
            return None
        if phrase == "complete" and _COMPLETE_AS_VERB_RE.match(after):
            return None
        if phrase == "resolved" and _RESOLVED_TO_RE.match(after):
            return None
        if phrase == "done" and _DONE_NON_CLAIM_SUFFIX_RE.match(after):
            return None
    errors = _WITH_ERRORS_RE.match(text, m.end())
    if errors is not None:
        return _Claim("FAILED", _RANK_FAILED, m.start(), errors.end())
    neg = _negation(tokens, window=8)
    if neg is not None:
        return _Claim("FAILED", _RANK_FAILED, neg.start, m.end())
    if _has_modal(tokens):
        return None
    return _Claim("DONE", _RANK_DONE, m.start(), m.end())


def _judge_failed(text: str, m: re.Match[str]) -> bool:
    if _is_question(text, m.end()):
        return False
    words = [t.text for t in _clause_tokens(text, m.start())]
    if any(w in _CONDITIONALS for w in words[-6:]):
        return False
    # "0 failed", "no tests failed", "none of the checks failed" report success.
    if any(_is_negator(w) or w in {"0", "zero"} for w in words[-4:]):
        return False
    return not any(w in _FAILED_MODALS or w.endswith(("'ll", "'d")) for w in words[-3:])


def _judge_blocked(text: str, m: re.Match[str]) -> int | None:
    if _is_question(text, m.end()):
        return None
    words = [t.text for t in _clause_tokens(text, m.start())]
    if any(w in _CONDITIONALS for w in words[-6:]):
        return None
    if any(_is_negator(w) for w in words[-3:]):
        return None  # "no longer blocked", "nothing is blocked", "doesn't need approval"
    phrase = m.group().lower()
    if phrase.startswith("blocked"):
        if any(w in _PAST for w in words[-3:]):
            return _RANK_BLOCKED_PAST
        # A bare "blocked" is a claim only when it opens its clause ("Blocked: no creds") or
        # names its cause; otherwise it is an adjective ("the blocked port").
        if words and phrase == "blocked":
            return None
    return _RANK_BLOCKED_NOW
