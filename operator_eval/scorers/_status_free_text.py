"""The status free text claims: every phrase judged in its clause, then the claims ranked."""

from __future__ import annotations

import re
from typing import NamedTuple

from operator_eval.contracts._vocabulary import Status
from operator_eval.scorers._status_clauses import (
    TOKEN_RE,
    clause_end,
    clause_tokens,
    failed_end,
    has_modal,
    is_negator,
    is_question,
    line_around,
    negation,
    not_a_claim,
    sentence_around,
    sentence_before,
    word_start,
)
from operator_eval.scorers._status_phrases import (
    ACKS,
    ACTION_RE,
    ADJECTIVE_FAILURES,
    ARTICLES,
    AUXILIARIES,
    BARE_DONE,
    BLOCKED_RE,
    COMPLETE_AS_VERB_RE,
    CONDITIONALS,
    DETERMINERS,
    DONE_NON_CLAIM_SUFFIX_RE,
    DONE_RE,
    EMPHASIS,
    FAILED_MODALS,
    FAILED_RE,
    HYPOTHETICAL,
    LINE_LEAD_RE,
    MARK_RE,
    MODALS,
    NEG_BASE_RE,
    NOT_NEEDED_RE,
    NOTHING_AFTER_RE,
    ONLY_AFTER_RE,
    PARTIAL_AFTER_RE,
    PASSIVE_MODAL_RE,
    PAST,
    PAST_STATES,
    RECOVERY_RE,
    REPORTED,
    RESOLVED_TO_RE,
    RETOLD,
    STATE_RE,
    STILL,
    STRONG_WORDS_RE,
    UNCERTAIN,
    UNDO_BECAUSE_RE,
    WITH_ERRORS_RE,
)
from operator_eval.scorers._status_text import Blocks, in_plan

# Free-text ranks, highest first.
_RANK_BLOCKED_NOW = 4
_RANK_DONE = 3
_RANK_BLOCKED_PAST = 2
_RANK_FAILED = 1

# How much a DONE claim says. Only an explicit completion overturns a failure told before
# it; a state or an action after a failure is usually the recovery ("rolled back, healthy").
# Only explicit completions and states conflict with a BLOCKED/FAILED status line: actions
# are what a BLOCKED report lists as done before it stopped.
_STRONG = 3
STATE = 2
_ACTION = 1


class Claim(NamedTuple):
    status: Status
    rank: int
    start: int
    end: int
    strength: int = 0  # for DONE: _STRONG, STATE or _ACTION
    retold: bool = False  # for FAILED: told as background, not as the outcome
    recovery: bool = False  # for DONE: the completion of a rollback or restore
    changed: bool = False  # for a DONE state: told as new ("now serves 2.4.1")


def free_text_claim(prose: str, blocks: Blocks) -> Claim | None:
    # Markdown emphasis would split phrases ("deployed **successfully**"); blank it one for
    # one so that offsets still point into the original text.
    text = prose.translate(EMPHASIS)
    # Walk the blockers from the end and stop at the first current one: the winner is the
    # latest claim of the highest rank.
    past: Claim | None = None
    for m in reversed(list(BLOCKED_RE.finditer(text))):
        rank = _judge_blocked(text, m)
        if rank is None or (past is not None and rank == _RANK_BLOCKED_PAST):
            continue
        claim = Claim("BLOCKED", rank, word_start(text, m.start()), m.end())
        if rank == _RANK_BLOCKED_NOW:
            return claim
        past = claim

    dones: list[Claim] = []
    fails: list[Claim] = []
    for m in DONE_RE.finditer(text):
        _add(_judge_done(text, m, blocks), dones, fails)
    for m in STATE_RE.finditer(text):
        _add(_judge_state(text, m, blocks), dones, fails)
    for m in ACTION_RE.finditer(text):
        _add(_judge_action(text, m, blocks), dones, fails)
    marks = list(MARK_RE.finditer(text))
    for i, m in enumerate(marks):
        prev_end = marks[i - 1].end() if i > 0 else 0
        next_start = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        _add(_judge_mark(text, m, prev_end, next_start, blocks), dones, fails)
    for m in FAILED_RE.finditer(text):
        retold = _judge_failed(text, m)
        if retold is not None:
            fails.append(
                Claim("FAILED", _RANK_FAILED, m.start(), failed_end(text, m), retold=retold)
            )
    for m in NEG_BASE_RE.finditer(text):
        if _judge_negated_base(text, m):
            fails.append(Claim("FAILED", _RANK_FAILED, m.start(), m.end()))
    if dones:
        first_done = min(d.start for d in dones)
        for m in UNDO_BECAUSE_RE.finditer(text):
            # Work undone for a reason after it was reported: "Deployed, then rolled back
            # because error rates spiked". A revert that is itself the fix comes first.
            if m.start() > first_done and not is_question(text, m.end()):
                fails.append(Claim("FAILED", _RANK_FAILED, m.start(), m.end()))
    return _decide(text, dones, fails, past)


def _add(claim: Claim | None, dones: list[Claim], fails: list[Claim]) -> None:
    if claim is None:
        return
    (dones if claim.status == "DONE" else fails).append(claim)


def _decide(
    text: str, dones: list[Claim], fails: list[Claim], past: Claim | None
) -> Claim | None:
    current = [f for f in fails if not f.retold]
    if current:
        # A failure stands unless an explicit completion follows it, or a change of state
        # ("all traffic is now on 2.4.1") with no rollback or restore after the failure:
        # "Deploy failed; rolled back, prod now serves 2.4.0" stays FAILED.
        failure = max(current, key=lambda c: c.start)
        recovered = RECOVERY_RE.search(text, failure.start) is not None
        overturned = [
            d
            for d in dones
            if d.start > failure.start
            and not d.recovery
            and (d.strength == _STRONG or (d.changed and not recovered))
        ]
        if overturned:
            return _best(overturned)
        return past or failure
    if dones:
        return _best(dones)
    if past is not None:
        return past
    if fails:
        return max(fails, key=lambda c: c.start)
    return None


def _best(dones: list[Claim]) -> Claim:
    # The most explicit completion, the latest among equals: it makes the best quote.
    return max(dones, key=lambda c: (c.strength, c.start, c.end - c.start))


def _recovery(text: str, start: int, end: int) -> bool:
    lo, _ = line_around(text, start, end)
    return RECOVERY_RE.search(text, lo, end) is not None


def _judge_done(text: str, m: re.Match[str], blocks: Blocks) -> Claim | None:
    phrase = m.group().lower()
    after = text[m.end() : m.end() + 40]
    tokens = clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if not_a_claim(text, m, words) or in_plan(blocks, m.start()):
        return None
    if phrase in BARE_DONE:
        # Adjective and verb uses are not claims: "the fixed version", "complete the form",
        # "the name resolved to 10.0.0.1", "done via CI", "done so far", "done with the
        # investigation".
        if words and words[-1] in ARTICLES:
            return None
        if phrase == "complete" and COMPLETE_AS_VERB_RE.match(after):
            return None
        if phrase == "resolved" and RESOLVED_TO_RE.match(after):
            return None
        if phrase == "done" and DONE_NON_CLAIM_SUFFIX_RE.match(after):
            return None
    errors = WITH_ERRORS_RE.match(text, m.end())
    if errors is not None:
        return Claim("FAILED", _RANK_FAILED, m.start(), errors.end())
    neg = negation(tokens, window=8)
    if neg is not None:
        return Claim("FAILED", _RANK_FAILED, neg.start, m.end())
    if has_modal(tokens):
        return None
    strength = _STRONG if STRONG_WORDS_RE.search(phrase) and "again" not in phrase else STATE
    return Claim(
        "DONE",
        _RANK_DONE,
        m.start(),
        m.end(),
        strength=strength,
        recovery=_recovery(text, m.start(), m.end()),
    )


def _judge_state(text: str, m: re.Match[str], blocks: Blocks) -> Claim | None:
    tokens = clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if not_a_claim(text, m, words) or in_plan(blocks, m.start()):
        return None
    # "prod still serves 2.4.0", "currently answers 200": nothing changed.
    if any(w in STILL for w in words[-3:]) or negation(tokens, window=4) is not None:
        return None
    if has_modal(tokens) or any(w == "should" for w in words):
        return None
    changed = "now" in m.group().lower().split() or (bool(words) and words[-1] == "now")
    return Claim("DONE", _RANK_DONE, m.start(), m.end(), strength=STATE, changed=changed)


def _judge_action(text: str, m: re.Match[str], blocks: Blocks) -> Claim | None:
    tokens = clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if not_a_claim(text, m, words) or in_plan(blocks, m.start()):
        return None
    if words and words[-1] in DETERMINERS:
        return None  # an adjective: "the updated config", "a patched build"
    if any(w in {"only", "just"} for w in words[-3:]):
        return None  # "only restarted the worker"
    neg = negation(tokens, window=6)
    if neg is not None:
        if NOT_NEEDED_RE.search(sentence_around(text, m.start(), m.end())):
            return None
        return Claim("FAILED", _RANK_FAILED, neg.start, clause_end(text, m.end()))
    if NOTHING_AFTER_RE.match(text, m.end()):
        return Claim("FAILED", _RANK_FAILED, m.start(), clause_end(text, m.end()))
    if has_modal(tokens) or any(w in {"should", "ought", "supposed"} for w in words):
        return None
    # "The patch needs to be applied and the service restarted": the modal of the sentence
    # reaches a participle whose own clause has no auxiliary.
    if not any(w in AUXILIARIES or w.endswith(("'s", "'ve")) for w in words):
        if PASSIVE_MODAL_RE.search(sentence_before(text, m.start())):
            return None
    part = PARTIAL_AFTER_RE.match(text, m.end())
    if part is not None and part.group(1) != part.group(2):
        return None  # "rolled out to 2 of 5 regions"
    if ONLY_AFTER_RE.match(text, m.end(), clause_end(text, m.end())):
        return None
    return Claim(
        "DONE",
        _RANK_DONE,
        m.start(),
        clause_end(text, m.end()),
        strength=_ACTION,
        recovery=_recovery(text, m.start(), m.end()),
    )


def _judge_mark(
    text: str, m: re.Match[str], prev_end: int, next_start: int, blocks: Blocks
) -> Claim | None:
    lo, hi = line_around(text, m.start(), m.end())
    if LINE_LEAD_RE.fullmatch(text, lo, m.start()):
        # A leading mark marks what follows it, up to the next mark: "✅ Deployed v2.4.1",
        # "- [x] deploy".
        item_lo, item_hi = m.end(), min(hi, max(next_start, m.end()))
    else:
        # A trailing mark marks what precedes it: "Migration ✔", "| Deploy | ✅ |".
        item_lo, item_hi = max(lo, prev_end), m.start()
    item = text[item_lo:item_hi]
    words = [t.group().lower() for t in TOKEN_RE.finditer(item)]
    quote_lo, quote_hi = min(m.start(), item_lo), max(m.end(), item_hi)
    if m.group("neg") is not None:
        if any(w in RETOLD for w in words):
            return Claim("FAILED", _RANK_FAILED, quote_lo, quote_hi, retold=True)
        return Claim("FAILED", _RANK_FAILED, quote_lo, quote_hi)
    if in_plan(blocks, m.start()) or "?" in item:
        return None
    if words and (words[0] in MODALS or words[0] in CONDITIONALS or words[0] in ACKS):
        return None
    if any(is_negator(w) or w in UNCERTAIN for w in words):
        return None
    if any(_judge_failed(item, f) is not None for f in FAILED_RE.finditer(item)):
        return None
    if BLOCKED_RE.search(item) is not None:
        return None
    return Claim(
        "DONE",
        _RANK_DONE,
        quote_lo,
        quote_hi,
        strength=_ACTION,
        recovery=RECOVERY_RE.search(item) is not None,
    )


def _judge_failed(text: str, m: re.Match[str]) -> bool | None:
    """None when the failure phrase is no claim, else whether it is told as background."""
    if is_question(text, m.end()):
        return None
    phrase = m.group().lower()
    words = [t.text for t in clause_tokens(text, m.start())]
    # "if it fails" is hypothetical; "after the health check failed" is a fact.
    if any(w in HYPOTHETICAL for w in words[-6:]):
        return None
    if any(w in CONDITIONALS for w in words[-6:]) and not _past_tense(phrase):
        return None
    # "0 failed", "no tests failed", "none of the checks failed", "stopped crash-looping",
    # "no longer crashes" report success.
    if any(is_negator(w) or w in {"0", "zero", "stopped", "longer"} for w in words[-4:]):
        return None
    if any(w in FAILED_MODALS or w.endswith(("'ll", "'d")) for w in words[-3:]):
        return None
    if any(w in REPORTED for w in words):
        return None
    if words and words[-1] in DETERMINERS and phrase in ADJECTIVE_FAILURES:
        return None  # "the failing disk", "a failed pod"
    if any(w in RETOLD for w in words) or "that" in words[1:]:
        return True
    if words and words[-1] in {"had", "hadn't"}:
        return True
    # "was failing", "was returning 502", "was down": the state the work started from.
    parts = phrase.split()
    if parts[0] in {"was", "were"}:
        parts = parts[1:]
    elif not (words and words[-1] in {"was", "were"}):
        return False
    return any(w.endswith("ing") for w in parts) or parts[-1] in PAST_STATES


def _past_tense(phrase: str) -> bool:
    return any(
        w.endswith("ed") or w in {"broke", "hung", "stuck", "died", "went", "hit", "threw", "got"}
        for w in phrase.split()
    )


def _judge_negated_base(text: str, m: re.Match[str]) -> bool:
    if is_question(text, m.end()):
        return False
    words = [t.text for t in clause_tokens(text, m.start())]
    if any(w in CONDITIONALS for w in words[-6:]):
        return False
    return not NOT_NEEDED_RE.search(sentence_around(text, m.start(), m.end()))


def _judge_blocked(text: str, m: re.Match[str]) -> int | None:
    if is_question(text, m.end()):
        return None
    words = [t.text for t in clause_tokens(text, m.start())]
    if any(w in CONDITIONALS for w in words[-6:]):
        return None
    if any(is_negator(w) for w in words[-3:]):
        return None  # "no longer blocked", "nothing is blocked", "doesn't need approval"
    phrase = m.group().lower()
    if phrase.startswith("blocked"):
        if any(w in PAST for w in words[-3:]):
            return _RANK_BLOCKED_PAST
        # A bare "blocked" is a claim only when it opens its clause ("Blocked: no creds") or
        # names its cause; otherwise it is an adjective ("the blocked port").
        if words and phrase == "blocked":
            return None
    if phrase.startswith("wait") and any(w in {"after", "while", "without"} for w in words):
        return None
    return _RANK_BLOCKED_NOW
