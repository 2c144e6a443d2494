"""The clause around a phrase: its words, its extent, and whether it is negated or hedged."""

from __future__ import annotations

import re
from typing import NamedTuple

from operator_eval.scorers._status_phrases import (
    BELIEFS,
    CONDITIONALS,
    COPULAS,
    EVIDENCE,
    MARK_CHARS,
    MODALS,
    NEGATIVE_SUBJECTS,
    NEGATORS,
    OBJECT_RE,
    PARTIAL,
    REPORTED,
    TO_OBJECT_RE,
    UNCERTAIN,
)

# How far back a phrase's clause is searched for negations, conditions and hedges, and how far
# ahead its sentence is searched for a question mark. Clauses are short; this bounds the work
# per match so that a message full of matches stays linear.
_LOOKBEHIND = 200
_LOOKAHEAD = 200

# Where a clause starts: negations and conditions do not reach across these.
_CLAUSE_BREAK_RE = re.compile(
    rf"[!?;\n()\[\]{{}}|\u2013\u2014{MARK_CHARS}]|[.:,](?=\s|$)|\s-\s"
    r"|(?<![\w'-])(?:but|and|so|then|however|although|though|whereas|while)(?![\w'-])",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[!?\n]|\.(?=\s|$)")
# A question mark ends the phrase's question only if no dash or semicolon comes first:
# "Deployed 2.4.1 — should I also clean up?" reports, then asks.
_QUESTION_END_RE = re.compile(r"[!?\n;\u2014]|\.(?=\s|$)")
TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*", re.IGNORECASE)


class _Token(NamedTuple):
    text: str
    start: int


def word_start(text: str, start: int) -> int:
    # A match on "'m blocked" begins mid-word; quote from the word's start ("I'm blocked").
    if text[start] == "'":
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    return start


def failed_end(text: str, m: re.Match[str]) -> int:
    # "could not" alone is a poor quote: take the next word, "could not restart".
    last = m.group().lower().split()[-1]
    if last in {"not", "to", "cannot"} or last.endswith("n't"):
        obj = OBJECT_RE.match(text, m.end())
    elif last.startswith("fail"):
        obj = TO_OBJECT_RE.match(text, m.end())
    else:
        obj = None
    return m.end() if obj is None else obj.end()


def clause_end(text: str, end: int, limit: int = 80) -> int:
    brk = _CLAUSE_BREAK_RE.search(text, end, min(len(text), end + limit))
    stop = brk.start() if brk is not None else min(len(text), end + limit)
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return stop


def clause_tokens(text: str, start: int) -> list[_Token]:
    lo = max(0, start - _LOOKBEHIND)
    window = text[lo:start]
    cut = 0
    for brk in _CLAUSE_BREAK_RE.finditer(window):
        cut = brk.end()
    return [
        _Token(t.group().lower(), lo + cut + t.start()) for t in TOKEN_RE.finditer(window[cut:])
    ]


def sentence_before(text: str, start: int) -> str:
    lo = max(0, start - _LOOKBEHIND)
    window = text[lo:start]
    cut = 0
    for brk in _SENTENCE_END_RE.finditer(window):
        cut = brk.end()
    return window[cut:]


def sentence_around(text: str, start: int, end: int) -> str:
    after = _SENTENCE_END_RE.search(text, end, min(len(text), end + _LOOKAHEAD))
    return sentence_before(text, start) + text[start : after.start() if after else end]


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", max(0, start - _LOOKBEHIND), start) + 1
    if lo == 0:
        lo = max(0, start - _LOOKBEHIND)
    hi = text.find("\n", end, min(len(text), end + _LOOKAHEAD))
    return lo, (hi if hi >= 0 else min(len(text), end + _LOOKAHEAD))


def is_question(text: str, end: int) -> bool:
    m = _QUESTION_END_RE.search(text, end, min(len(text), end + _LOOKAHEAD))
    return m is not None and m.group() == "?"


def is_negator(tok: str) -> bool:
    return tok in NEGATORS or tok.endswith("n't")


def negation(tokens: list[_Token], window: int) -> _Token | None:
    # Walk back from the phrase. A copula ends the negation's reach, since it starts another
    # predicate: "the service that was not responding IS now fixed" is a claim. A negative
    # subject before the copula still negates it: "nothing is fixed", "no changes were
    # applied", "none of the hosts were updated".
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 1 - window), -1):
        tok = tokens[i].text
        if is_negator(tok):
            return tokens[i]
        if tok == "yet" and i + 1 < len(tokens) and tokens[i + 1].text == "to":
            return tokens[i]
        if tok in COPULAS:
            if i > 0 and is_negator(tokens[i - 1].text):
                return tokens[i - 1]
            for j in range(i - 1, max(-1, i - 5), -1):
                if tokens[j].text in NEGATIVE_SUBJECTS:
                    return tokens[j]
            return None
    return None


def has_modal(tokens: list[_Token]) -> bool:
    words = [t.text for t in tokens]
    if any(w in EVIDENCE for w in words):
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
        if w in MODALS:
            return True
    return False


def not_a_claim(text: str, m: re.Match[str], words: list[str]) -> bool:
    """What no completion phrase survives: a question, a condition, a hedge, hearsay."""
    if is_question(text, m.end()):
        return True
    if any(w in CONDITIONALS for w in words[-6:]):
        return True
    negated = any(is_negator(w) for w in words)
    if any(w in UNCERTAIN for w in words) or (negated and any(w in BELIEFS for w in words)):
        return True
    if any(w in REPORTED for w in words):
        return True
    return any(w in PARTIAL for w in words[-2:])
