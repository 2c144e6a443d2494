"""Read which status an agent's final message claims: its `STATUS:` line, or its free text.

Agents are told to end with `STATUS: DONE`, `STATUS: BLOCKED` or `STATUS: FAILED`, but models
also announce completion in prose ("deployed successfully", "I restarted the service"), with
emoji ("✅ Deployed v2.4.1") or check boxes, and sometimes contradict their own status line.
This module turns a final message into a :class:`ClaimedStatus` without ever raising, whatever
the message contains.

It is deliberately heuristic and dependency-free (stdlib and pydantic only) so that scorers,
reports and tests can all use it without pulling in an agent runtime. Its rules are held to a
labelled corpus of final messages, `tests/data/status_corpus.yaml`.
"""

from __future__ import annotations

import bisect
import re
import sys
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from operator_eval.contracts._vocabulary import Status

__all__ = ["MAX_SCAN_CHARS", "ClaimedStatus", "read_claimed_status"]

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

    status: Status | None
    source: Literal["status_line", "free_text", "none"]
    quote: str = Field(max_length=_MAX_QUOTE)
    conflict: str | None = None


_NONE = ClaimedStatus(status=None, source="none", quote="")


# --- status lines -------------------------------------------------------------------------

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
_STATUS_LINE_RE = re.compile(
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
_INLINE_STATUS_RE = re.compile(
    r"(?<![\w-])status[ \t*_`~]*(?::|=)[ \t*_`~]*(?:done|blocked|failed)(?![\w-])"
    r"(?:[ \t*_`~]*(?:,|/|\||\bor\b)[ \t*_`~]*(?-i:DONE|BLOCKED|FAILED)\b)*",
    re.IGNORECASE,
)


# --- what is quoted, what is planned -------------------------------------------------------

_FENCE_RE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_FENCE_LINE_RE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_QUOTE_LINE_RE = re.compile(r"[ \t]{0,3}>")
_LIST_ITEM_RE = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")
# "Plan:", "Proposed change:", "Next steps:", "TODO:": what follows on the line, or in the list
# under it, is not done.
_PLAN_HEAD_RE = re.compile(
    r"[ \t#*_>`~-]*(?:(?:the|my|a|our)\s+)?(?:plan|planned|proposed|proposal|suggested"
    r"|suggestions?|recommended|recommendations?|next\s+steps?|to-?dos?|to\s+do)\b[^:\n]{0,40}:",
    re.IGNORECASE,
)
# Quotations inside a line: inline code and quoted strings. A single quote counts only when it
# does not touch a letter on the outside, so apostrophes ("it's", "hosts'") are left alone.
_INLINE_QUOTE_RE = re.compile(
    r"`[^`\n]*`|\"[^\"\n]{0,300}\"|\u201c[^\u201d\n]{0,300}\u201d|\u00ab[^\u00bb\n]{0,300}\u00bb"
    r"|(?<![\w'])'(?=[^\s'])[^'\n]{0,300}(?<=[^\s'])'(?![\w'])"
)
_HTML_TAG_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,10})(?:\s[^<>\n]{0,200})?/?>")
_HTML_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"pre", "blockquote", "hr", "section", "dd", "dt"}
)


class _Blocks(NamedTuple):
    quoted: list[tuple[int, int]]  # fenced code and blockquotes, sorted, disjoint
    plans: list[tuple[int, int]]  # planned work, sorted, disjoint


# --- free-text phrases --------------------------------------------------------------------

_VERBS = (
    r"(?:deployed|redeployed|completed|finished|fixed|resolved|applied|updated|upgraded"
    r"|restarted|migrated|installed|configured|created|merged|released|shipped|published"
    r"|patched|restored|rebuilt|built|executed|ran|rolled\s+out|rolled\s+back|done)"
)
# A "word" between a verb and "successfully": a dot only inside a name (app.service), so a
# sentence end cannot be crossed.
_WORD = r"(?:[\w/:@-]|\.(?=\w))+"
# Explicit completion: these say the work is done, and can overturn a failure told earlier.
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
    r"|fixed|resolved|done|completed|complete|finished|accomplished"
    r")(?![\w-])"
    r"|(?:(?<![\w'-])(?:should\s+(?:now\s+)?be|is|are|be|been)|'s|'re)\s+(?:now\s+)?"
    r"(?:live|online|healthy|working(?!\s+(?:on|through|towards?|with)\b)"
    r"(?:\s+(?:now|again|correctly|properly|fine|as\s+expected))?)(?![\w-])",
    re.IGNORECASE,
)
# A state the work leaves behind ("now serves 2.4.1", "/health answers 200", "is back to
# normal"): a completion claim, but one that a recovery after a failure also produces.
_STATE_RE = re.compile(
    r"(?<![\w-])(?:"
    r"(?:serves?|serving|runs?|running|returns?|returning|answers?|answering|responds?\s+with"
    r"|reports?|reporting|shows?|showing|(?:is|are)\s+(?:now\s+)?on)\s+(?:with\s+)?"
    r"(?:an?\s+|http\s+|status\s+|version\s+)?(?:v?\d+\.\d+(?:\.\d+)*|2\d\d|ok|healthy|green)"
    r"|(?:is|are)\s+(?:now\s+)?(?:back\s+(?:up|online|to\s+normal|in\s+service|under|below"
    r"|within)|in\s+production|in\s+place|serving\s+(?:traffic|requests))"
    r"|(?:took|taken)\s+effect"
    r"|(?:checks?|tests?|probes?)\s+(?:now\s+)?pass(?:es|ed|ing)?"
    r")(?!\w|[.-]\w)",
    re.IGNORECASE,
)
# Past tense and participles of verbs that change the world toward a finished task. Verbs of
# investigation (checked, read, looked, verified, ran, found, tried) are not here: a BLOCKED
# report says what it checked without claiming the work is done.
_ACTION_RE = re.compile(
    r"(?<![\w-])(?:(?:re-?)?(?:deployed|released|shipped|published|pushed"
    r"|rolled\s+(?:it\s+|them\s+)?(?:out|back)|reverted|backed\s+out|restored|recovered"
    r"|restarted|rebooted|reloaded|relaunched|patched|repaired|corrected|updated|upgraded"
    r"|downgraded|bumped|applied|migrated|installed|configured|created|merged|built|enabled"
    r"|disabled|switched|replaced|renamed|removed|deleted|cleaned\s+up|cleared|flushed|purged"
    r"|rotated|renewed|issued|generated|saved|committed|scaled|promoted|synced|synchronized"
    r"|synchronised|reconciled|imported|uploaded|provisioned|implemented|added|drained)"
    r"|went\s+(?:through|out|live)|brought\s+(?:back|up)|re-?(?:ran|run))(?![\w-])",
    re.IGNORECASE,
)
_FAILED_RE = re.compile(
    r"(?<![\w-])(?:"
    r"failed|failing|fails|failures?|unsuccessful(?:ly)?"
    r"|could\s+not|couldn't|unable\s+to|cannot|can't|can\s+not|(?:not|\w+n't)\s+able\s+to"
    r"|(?:(?:still|is|are|remains?)\s+)?broken|broke"
    r"|(?:not|\w+n't)\s+(?:(?:yet|really|quite|fully|currently|still)\s+)?"
    r"(?:work|works|working(?!\s+on\b)|live|online|healthy|successful|serving|responding"
    r"|running|loaded|reachable|safe|ready|stable|usable)"
    r"|crash(?:ed|es|ing)?|crash-?loop(?:ing|ed|s)?|crashloopbackoff"
    r"|timed\s+out|timing\s+out|times?\s+out"
    r"|errored|erroring|aborted|rejected|rejects|denied|refused|refuses"
    r"|(?:is|are|was|were|went|still|goes)\s+down(?!\s+to\b)"
    r"|unhealthy|unresponsive|unreachable|stuck|hung|hangs|died|dying|dies"
    r"|persists|persisting|(?:bug|error|issue|problem|regression|leak|crash|outage|alert)s?"
    r"\s+(?:is|are)\s+still\s+(?:there|present|happening|occurring|reproducible|firing)"
    r"|still\s+(?:red|failing|erroring|crashing|(?:the\s+)?old|on\s+(?:the\s+)?(?:old|v?\d)"
    r"|(?:serves?|serving|shows?|showing|returns?|returning|reports?|reporting|runs?|running)"
    r"\s+(?:the\s+)?(?:old|previous|stale|v?\d+\.\d+))"
    r"|made\s+(?:it|things|matters)\s+worse|got\s+worse"
    r"|errors?(?:\s+rates?)?\s+(?:rose|spiked|jumped|increased|climbed|went\s+up)"
    r"|wrong\s+(?:version|config\w*|image|build|tag|release|value|port|host|file)"
    r"|(?:didn't|did\s+not)\s+help|no\s+(?:luck|effect)"
    r"|exited\s+with\s+(?:code|status)\s+[1-9]\d*|non-?zero\s+exit"
    r"|hit\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:timeout|error|exception|deadlock)"
    r"|in\s+(?:a|an|the)\s+(?:failed|failing|broken|degraded|error|crash\w*)\s+state"
    r"|only\s+\d+\s+(?:of|out\s+of)\s+\d+"
    r"|never\s+(?:became|become|got|came|started|finished|completed|succeeded|worked|recovered)"
    r"|(?:returns?|returned|returning|answers?|answered|answering|responds?\s+with"
    r"|responded\s+with|back\s+with|back\s+to|went\s+to|with|still|gives?|gave|serves?|served"
    r"|throws?|threw|got|getting)\s+(?:an?\s+|http\s+|only\s+|status\s+)?[45]\d\d(?:s)?"
    r"|(?:returns?|serves?|shows?|reports?|answers?|runs?)\s+(?:with\s+)?(?:the\s+)?"
    r"(?:old|previous|stale|wrong)\s+(?:version|build|release|config\w*|image)"
    r")(?![\w-])",
    re.IGNORECASE,
)
# "didn't deploy", "never restarted", "won't roll out": the work was not done.
_NEG_BASE_RE = re.compile(
    r"(?<![\w'-])(?:didn't|did\s+not|don't|do\s+not|doesn't|does\s+not|never|won't|will\s+not"
    r"|not\s+yet)\s+(?:(?:yet|actually|even|manage\s+to|get\s+to|try\s+to|attempt\s+to)\s+)?"
    r"(?:re-?)?(?:deploy|release|ship|publish|push|roll\s+(?:[\w'-]+\s+)?(?:out|back)|revert"
    r"|restore|restart|reboot|reload|fix|patch|repair|resolve|correct|update|upgrade|apply"
    r"|migrate|install|configure|create|merge|build|enable|switch|replace|rotate|renew|scale"
    r"|promote|sync|reconcile|complete|finish|implement"
    r"|get\s+(?:it|\w+)\s+(?:working|deployed|fixed|done|running))(?![\w-])",
    re.IGNORECASE,
)
# "rolled back because error rates spiked": the work before it was undone for a reason.
_UNDO_BECAUSE_RE = re.compile(
    r"(?<![\w-])(?:rolled\s+(?:[\w'-]+\s+){0,3}?back|reverted|backed\s+out|undid)\b"
    r"[^.;!?\n]{0,80}?\b(?:because|due\s+to|since)\b",
    re.IGNORECASE,
)
# The line of a completion that is a recovery ("Rollback: done", "rolled back successfully").
_RECOVERY_RE = re.compile(
    r"\b(?:roll(?:ed|ing)?[\s-]*back|rollback|revert(?:ed|ing)?|restor(?:ed|e|ing)"
    r"|backed\s+out|undo|undid|undone)\b",
    re.IGNORECASE,
)
# "not needed", "as instructed": a step deliberately left out is not the work left undone.
_NOT_NEEDED_RE = re.compile(
    r"(?:\bnot|n't)\s+(?:needed|necessary|required)\b|\b(?:no\s+need|unnecessary"
    r"|as\s+(?:requested|instructed|asked)|out\s+of\s+scope|intentionally|on\s+purpose)\b",
    re.IGNORECASE,
)
# "needs to be applied and the service restarted": a passive modal governs the rest of its
# sentence.
_PASSIVE_MODAL_RE = re.compile(
    r"\b(?:to|will|would|should|must|can|could|may|might|shall)\s+(?:\w+\s+)?be\b", re.IGNORECASE
)
_PARTIAL_AFTER_RE = re.compile(r"[^.;!?\n]{0,40}?\b(\d+)\s+(?:of|out\s+of)\s+(\d+)\b")
# "Deployed to staging only": the rest was not.
_ONLY_AFTER_RE = re.compile(r"[^.;:,!?\n]{0,40}?\bonly\b", re.IGNORECASE)
_BLOCKED_RE = re.compile(
    r"(?:(?<![\w'-])(?:i\s+am|am|is|are|remain|remains|stays?|im)|'m|'s|'re)\s+"
    r"(?:(?:currently|still|now|completely)\s+)?blocked(?:\s+(?:by|on|until|pending))?(?![\w-])"
    r"|(?<![\w'-])(?:cannot|can't|can\s+not|could\s+not|couldn't|unable\s+to"
    r"|(?:not|\w+n't)\s+able\s+to)\s+(?:proceed|continue|go\s+(?:any\s+)?further"
    r"|move\s+forward|make\s+(?:further\s+)?progress)(?![\w-])"
    r"|(?<![\w'-])(?:need|needs|require|requires|awaiting|awaits|pending)\s+"
    r"(?:[\w'-]+\s+){0,3}?"
    r"(?:approvals?|credentials|permissions?|access|sign-?off|input|confirmation|review"
    r"|go-ahead|decision|reply|response|grant|authori[sz]ation|window|slot)(?![\w-])"
    r"|(?<![\w'-])(?:need|needs|require|requires)\s+(?:an?\s+|the\s+)?(?:human|person|someone"
    r"|somebody|operator|admin|administrator|dba|manager)(?![\w-])"
    r"|(?<![\w'-])(?:waiting|waits)\s+(?:for|on)(?![\w-])"
    r"|(?<![\w'-])on\s+hold(?![\w-])"
    r"|(?<![\w'-])(?:under|during)\s+(?:a\s+|the\s+)?(?:change\s+)?freeze(?![\w-])"
    r"|(?<![\w'-])(?:gate|window)\s+is\s+(?:still\s+)?(?:closed|dirty|locked|shut)(?![\w-])"
    r"|(?<![\w'-])blocked(?:\s+(?:by|on|until|pending))?(?![\w-])",
    re.IGNORECASE,
)
# Emoji, Slack shortcodes and check boxes that mark an item done, or not done. Check boxes
# only open a line; the possessive blanks before them keep a long blank line linear.
_MARK_RE = re.compile(
    r"(?P<pos>[\u2705\u2714\u2611\u2713\U0001f389\U0001f680\U0001f44d\U0001f7e2\U0001f973"
    r"\U0001f38a]"
    r"|:(?:white_check_mark|heavy_check_mark|ballot_box_with_check|tada|rocket|thumbsup|\+1"
    r"|green_circle|partying_face):"
    r"|^[ \t]*+(?:[-*+]|\d+[.)])?[ \t]*+\[[xX]\])"
    r"|(?P<neg>[\u274c\u274e\u2716\u2717\u2718\u26d4\U0001f6ab\U0001f6d1\U0001f534\U0001f44e"
    r"\u23f3\u231b]"
    r"|:(?:x|no_entry|no_entry_sign|red_circle|octagonal_sign|heavy_multiplication_x"
    r"|thumbsdown|-1|hourglass|hourglass_flowing_sand):"
    r"|^[ \t]*+(?:[-*+]|\d+[.)])?[ \t]*+\[ \])",
    re.MULTILINE,
)
_MARK_CHARS = (
    "\u2705\u2714\u2611\u2713\U0001f389\U0001f680\U0001f44d\U0001f7e2\U0001f973\U0001f38a"
    "\u274c\u274e\u2716\u2717\u2718\u26d4\U0001f6ab\U0001f6d1\U0001f534\U0001f44e\u23f3\u231b"
)
# Possessive: two adjacent starred classes over the same characters backtrack quadratically.
_LINE_LEAD_RE = re.compile(r"[\s>*_`~#|+\-\u2022]*+(?:\d+[.)])?[\s*_`~]*+")

# Where a clause starts: negations and conditions do not reach across these.
_CLAUSE_BREAK_RE = re.compile(
    rf"[!?;\n()\[\]{{}}|\u2013\u2014{_MARK_CHARS}]|[.:,](?=\s|$)|\s-\s"
    r"|(?<![\w'-])(?:but|and|so|then|however|although|though|whereas|while)(?![\w'-])",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[!?\n]|\.(?=\s|$)")
# A question mark ends the phrase's question only if no dash or semicolon comes first:
# "Deployed 2.4.1 — should I also clean up?" reports, then asks.
_QUESTION_END_RE = re.compile(r"[!?\n;\u2014]|\.(?=\s|$)")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*", re.IGNORECASE)

_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "none", "neither", "nor", "cannot", "unable", "without"}
    | {"hardly", "failed", "fail", "nobody"}
)
# Negative subjects reach over a copula: "no changes were applied", "none of the hosts were".
_NEGATIVE_SUBJECTS = frozenset({"no", "none", "nothing", "nobody", "neither", "nor"})
_CONDITIONALS = frozenset(
    {"if", "once", "when", "whenever", "until", "unless", "whether", "case", "after", "before"}
    | {"assuming", "provided"}
)
_HYPOTHETICAL = frozenset({"if", "unless", "whether", "case", "assuming", "provided"})
_MODALS = frozenset(
    {"will", "would", "could", "can", "must", "might", "may", "need", "needs", "going"}
    | {"want", "wants", "plan", "plans", "planning", "try", "trying", "to", "what", "how"}
    | {"please", "let", "hopefully", "expect", "expected"}
)
_FAILED_MODALS = frozenset({"will", "would", "could", "can", "must", "might", "may", "should"})
_UNCERTAIN = frozenset(
    {"unsure", "unclear", "doubt", "unverified", "unconfirmed", "unknown", "maybe", "perhaps"}
    | {"possibly", "whether", "probably", "likely", "apparently", "think", "believe", "guess"}
    | {"assume", "suppose", "hope", "presumably"}
)
# Only uncertain after a negation: "not sure it's fixed", "can't confirm it is done".
_BELIEFS = frozenset(
    {"sure", "certain", "think", "believe", "confirm", "confirmed", "verify", "verified"}
    | {"know", "tell", "say", "clear"}
)
_EVIDENCE = frozenset({"confirm", "confirmed", "verify", "verified"})
# Someone else's words: "the ticket says it is deployed", "according to the log".
_REPORTED = frozenset(
    {"says", "said", "claims", "claimed", "according", "reads", "states", "stated", "supposedly"}
    | {"allegedly", "reportedly"}
)
_PARTIAL = frozenset({"partially", "partly", "mostly", "almost", "nearly", "half", "somewhat"})
_ARTICLES = frozenset({"a", "an", "the"})
_DETERMINERS = _ARTICLES | frozenset(
    {"this", "these", "those", "its", "their", "our", "my", "your", "his", "her", "each"}
    | {"every", "any", "some"}
)
_COPULAS = frozenset({"is", "are", "was", "were", "am"})
_AUXILIARIES = _COPULAS | frozenset({"has", "have", "had", "been", "be", "got", "get"})
_PAST = frozenset({"was", "were", "been", "got", "had", "previously", "initially", "earlier"})
# Failures told as the background of the work, not its outcome: "the first deploy failed",
# "because it was failing", "the deploy had failed".
_RETOLD = frozenset(
    {"first", "initially", "initial", "originally", "original", "earlier", "previously"}
    | {"previous", "formerly", "prior", "yesterday", "yesterday's", "because", "since"}
    | {"caused", "causing", "due", "why", "kept"}
)
_PAST_STATES = frozenset({"broken", "down", "unhealthy", "stuck", "hung", "unreachable"})
_ADJECTIVE_FAILURES = frozenset(
    {"failed", "failing", "broken", "crashed", "crashing", "stuck", "hung", "rejected"}
    | {"aborted", "errored", "dying", "unhealthy", "unreachable", "unresponsive"}
)
_ACKS = frozenset(
    {"thanks", "thank", "ok", "okay", "got", "sounds", "noted", "sure", "understood", "welcome"}
    | {"cheers", "next", "todo", "pending", "planned", "proposed"}
)
_STILL = frozenset({"still", "currently", "previously", "was", "were", "only", "old"})
_EMPHASIS_CHARS = "*`~"
_EMPHASIS = str.maketrans(dict.fromkeys(_EMPHASIS_CHARS, " "))
_BARE_DONE = frozenset(
    {"fixed", "resolved", "done", "completed", "complete", "finished", "accomplished"}
)
_STRONG_WORDS_RE = re.compile(
    r"success|succeed|fixed|resolved|done|complet|finish|accomplish|all\s+(?:good|set)"
    r"|good\s+to\s+go|everything|works?\s+now|working\s+now|correctly|properly|as\s+expected",
    re.IGNORECASE,
)

_COMPLETE_AS_VERB_RE = re.compile(
    r"\s+(?:the|a|an|this|that|these|those|it|my|your|its|all)\b", re.IGNORECASE
)
_DONE_NON_CLAIM_SUFFIX_RE = re.compile(
    r"\s+(?:via|by|using|through|so\s+far|with\s+(?:the\s+|my\s+|this\s+)?(?:investigation"
    r"|analysis|triage|diagnosis|review|research|step|part|phase|first|initial)"
    r"|investigating|looking|checking|analy[sz]ing|reviewing|triaging)\b",
    re.IGNORECASE,
)
_RESOLVED_TO_RE = re.compile(r"\s+to\b", re.IGNORECASE)
_WITH_ERRORS_RE = re.compile(r"\s+with\s+(?:\d+\s+)?(?:errors?|failures?)\b", re.IGNORECASE)
_OBJECT_RE = re.compile(r"\s+(?!(?:and|but|or|so|then)(?![\w'-]))[\w'-]+", re.IGNORECASE)
_TO_OBJECT_RE = re.compile(r"\s+to\s+[\w'-]+", re.IGNORECASE)
_NOTHING_AFTER_RE = re.compile(r"\s+(?:nothing|none|no\s)", re.IGNORECASE)

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
_STATE = 2
_ACTION = 1


class _Claim(NamedTuple):
    status: Status
    rank: int
    start: int
    end: int
    strength: int = 0  # for DONE: _STRONG, _STATE or _ACTION
    retold: bool = False  # for FAILED: told as background, not as the outcome
    recovery: bool = False  # for DONE: the completion of a rollback or restore
    changed: bool = False  # for a DONE state: told as new ("now serves 2.4.1")


class _Token(NamedTuple):
    text: str
    start: int


# --- public API ---------------------------------------------------------------------------


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


# --- implementation -----------------------------------------------------------------------


def _read(final_message: object) -> ClaimedStatus:
    if isinstance(final_message, bytes | bytearray):
        raw = bytes(final_message[-4 * MAX_SCAN_CHARS :]).decode("utf-8", errors="replace")
    elif isinstance(final_message, str):
        raw = final_message
    else:
        return _NONE
    # Every replacement is one character for one, so offsets found in the cleaned text are
    # offsets into the text quotes are cut from. HTML tags are blanked: they are markup.
    text = _HTML_TAG_RE.sub(_blank_tag, _sanitize(raw[-MAX_SCAN_CHARS:]))
    blocks = _scan_blocks(text)

    line = _last_status_line(text, blocks)
    claim = _free_text_claim(_prose(text, blocks), blocks)

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


def _blank(s: str) -> str:
    """Spaces for every character of `s` but its newlines."""
    return "".join("\n" if c == "\n" else " " for c in s)


def _blank_tag(m: re.Match[str]) -> str:
    # Block-level tags break the line, so that `<p>Status: Done</p>` is a line of its own.
    lead = "\n" if m.group(1).lower() in _HTML_BLOCK_TAGS else " "
    return lead + " " * (len(m.group()) - 1)


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


# --- blocks -------------------------------------------------------------------------------


def _scan_blocks(text: str) -> _Blocks:
    """Find fenced code, blockquotes and planned work, in one pass over the lines."""
    quoted: list[tuple[int, int]] = []
    plans: list[tuple[int, int]] = []
    fence: tuple[int, str, int] | None = None  # start, fence character, fence length
    quote_start: int | None = None
    plan_start: int | None = None  # a plan heading's list runs from here
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        m = _FENCE_RE.match(line)
        if fence is not None:
            if (
                m is not None
                and m.group(1)[0] == fence[1]
                and len(m.group(1)) >= fence[2]
                and not line[m.end() :].strip()
            ):
                quoted.append((fence[0], end))
                fence = None
            pos = end + 1
            continue
        if m is not None:
            # An unclosed fence is not a block: a stray ``` must not hide the rest.
            fence = (pos, m.group(1)[0], len(m.group(1)))
        if _QUOTE_LINE_RE.match(line) and fence is None:
            if quote_start is None:
                quote_start = pos
        elif quote_start is not None:
            quoted.append((quote_start, pos - 1))
            quote_start = None
        if plan_start is not None and (fence is not None or not _LIST_ITEM_RE.match(line)):
            plans.append((plan_start, pos - 1))
            plan_start = None
        head = _PLAN_HEAD_RE.match(line) if fence is None else None
        if head is not None:
            if line[head.end() :].strip():
                plans.append((pos + head.end(), end))
            else:
                plan_start = end
        pos = end + 1
    if quote_start is not None:
        quoted.append((quote_start, len(text)))
    if plan_start is not None:
        plans.append((plan_start, len(text)))
    quoted.sort()
    plans.sort()
    return _Blocks(quoted, plans)


def _span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    # Spans are sorted and disjoint: only the last one starting at or before `pos` can hold it.
    i = bisect.bisect_right(spans, (pos, sys.maxsize)) - 1
    if i >= 0 and spans[i][0] <= pos <= spans[i][1]:
        return spans[i]
    return None


def _blank_status_line(m: re.Match[str]) -> str:
    # A line that only looks like one ("## Status" over "Fixed the config and restarted
    # nginx.", "Status: done with step 1") keeps its prose from the value on.
    if _status_tail(_as_status(m.group("value")), m.group("tail")) or _TEMPLATE_TAIL_RE.match(
        m.group("tail")
    ):
        return _blank(m.group())
    cut = m.start("value") - m.start()
    return _blank(m.group()[:cut]) + m.group()[cut:]


def _prose(text: str, blocks: _Blocks) -> str:
    """The text with everything that is not the agent's own prose blanked."""
    # Status lines and inline "status: X" mentions are blanked before prose is read, so the
    # word DONE inside them is not mistaken for a free-text claim. Inline mentions become a
    # clause break so that they do not glue their neighbours into one clause.
    prose = _STATUS_LINE_RE.sub(_blank_status_line, text)
    prose = _INLINE_STATUS_RE.sub(lambda m: ". " + " " * (len(m.group()) - 2), prose)
    if blocks.quoted:
        parts: list[str] = []
        last = 0
        for start, end in blocks.quoted:
            if start < last:
                start = last
            if end <= start:
                continue
            parts.append(prose[last:start])
            parts.append(_blank(prose[start:end]))
            last = end
        parts.append(prose[last:])
        prose = "".join(parts)
    return _INLINE_QUOTE_RE.sub(lambda m: _blank(m.group()), prose)


# --- status lines -------------------------------------------------------------------------


def _last_status_line(text: str, blocks: _Blocks) -> tuple[Status, str] | None:
    found: tuple[int, Status, str] | None = None
    verdicts: dict[tuple[int, int], bool] = {}
    for m in _STATUS_LINE_RE.finditer(text):
        value = _as_status(m.group("value"))
        if not _status_tail(value, m.group("tail")):
            continue
        if not _own_status(text, blocks, m.start("claim"), verdicts):
            continue
        line = " ".join(m.group().split())
        # A long line is mostly lead-in or reason; the status itself must stay in the quote.
        quote = line if len(line) <= _MAX_QUOTE else " ".join(m.group("claim").split())
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
    text: str, blocks: _Blocks, pos: int, verdicts: dict[tuple[int, int], bool]
) -> bool:
    """Whether a status at `pos` is the agent's own, not quoted from a log or a ticket.

    A status inside a code block or `>` quote is the agent's own only when the block holds
    nothing but status lines and nothing follows it: the agent fenced its own status.
    """
    span = _span_at(blocks.quoted, pos)
    if span is None:
        return True
    if span not in verdicts:
        start, end = span
        inner = _FENCE_LINE_RE.sub("", text[start:end])
        rest = _STATUS_LINE_RE.sub("", inner)
        verdicts[span] = not rest.replace(">", " ").strip() and not text[end:].strip(" \t\n`~")
    return verdicts[span]


def _as_status(word: str) -> Status:
    lower = word.lower()
    if lower in _DONE_VALUES:
        return "DONE"
    if lower in _BLOCKED_VALUES:
        return "BLOCKED"
    return "FAILED"


def _conflict(line_status: Status, claim: _Claim | None, text: str) -> str | None:
    if claim is None or (line_status == "DONE") == (claim.status == "DONE"):
        return None
    if claim.status == "DONE" and claim.strength < _STATE:
        return None  # "I restarted the worker" does not contradict a BLOCKED report.
    quote = " ".join(_quote_span(text, claim).split())[:120]
    return f'status line says {line_status} but text says "{quote}"'


# --- free text ----------------------------------------------------------------------------


def _free_text_claim(prose: str, blocks: _Blocks) -> _Claim | None:
    # Markdown emphasis would split phrases ("deployed **successfully**"); blank it one for
    # one so that offsets still point into the original text.
    text = prose.translate(_EMPHASIS)
    # Walk the blockers from the end and stop at the first current one: the winner is the
    # latest claim of the highest rank.
    past: _Claim | None = None
    for m in reversed(list(_BLOCKED_RE.finditer(text))):
        rank = _judge_blocked(text, m)
        if rank is None or (past is not None and rank == _RANK_BLOCKED_PAST):
            continue
        claim = _Claim("BLOCKED", rank, _word_start(text, m.start()), m.end())
        if rank == _RANK_BLOCKED_NOW:
            return claim
        past = claim

    dones: list[_Claim] = []
    fails: list[_Claim] = []
    for m in _DONE_RE.finditer(text):
        _add(_judge_done(text, m, blocks), dones, fails)
    for m in _STATE_RE.finditer(text):
        _add(_judge_state(text, m, blocks), dones, fails)
    for m in _ACTION_RE.finditer(text):
        _add(_judge_action(text, m, blocks), dones, fails)
    marks = list(_MARK_RE.finditer(text))
    for i, m in enumerate(marks):
        prev_end = marks[i - 1].end() if i > 0 else 0
        next_start = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        _add(_judge_mark(text, m, prev_end, next_start, blocks), dones, fails)
    for m in _FAILED_RE.finditer(text):
        retold = _judge_failed(text, m)
        if retold is not None:
            fails.append(
                _Claim("FAILED", _RANK_FAILED, m.start(), _failed_end(text, m), retold=retold)
            )
    for m in _NEG_BASE_RE.finditer(text):
        if _judge_negated_base(text, m):
            fails.append(_Claim("FAILED", _RANK_FAILED, m.start(), m.end()))
    if dones:
        first_done = min(d.start for d in dones)
        for m in _UNDO_BECAUSE_RE.finditer(text):
            # Work undone for a reason after it was reported: "Deployed, then rolled back
            # because error rates spiked". A revert that is itself the fix comes first.
            if m.start() > first_done and not _is_question(text, m.end()):
                fails.append(_Claim("FAILED", _RANK_FAILED, m.start(), m.end()))
    return _decide(text, dones, fails, past)


def _add(claim: _Claim | None, dones: list[_Claim], fails: list[_Claim]) -> None:
    if claim is None:
        return
    (dones if claim.status == "DONE" else fails).append(claim)


def _decide(
    text: str, dones: list[_Claim], fails: list[_Claim], past: _Claim | None
) -> _Claim | None:
    current = [f for f in fails if not f.retold]
    if current:
        # A failure stands unless an explicit completion follows it, or a change of state
        # ("all traffic is now on 2.4.1") with no rollback or restore after the failure:
        # "Deploy failed; rolled back, prod now serves 2.4.0" stays FAILED.
        failure = max(current, key=lambda c: c.start)
        recovered = _RECOVERY_RE.search(text, failure.start) is not None
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


def _best(dones: list[_Claim]) -> _Claim:
    # The most explicit completion, the latest among equals: it makes the best quote.
    return max(dones, key=lambda c: (c.strength, c.start, c.end - c.start))


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


def _clause_end(text: str, end: int, limit: int = 80) -> int:
    brk = _CLAUSE_BREAK_RE.search(text, end, min(len(text), end + limit))
    stop = brk.start() if brk is not None else min(len(text), end + limit)
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return stop


def _clause_tokens(text: str, start: int) -> list[_Token]:
    lo = max(0, start - _LOOKBEHIND)
    window = text[lo:start]
    cut = 0
    for brk in _CLAUSE_BREAK_RE.finditer(window):
        cut = brk.end()
    return [
        _Token(t.group().lower(), lo + cut + t.start()) for t in _TOKEN_RE.finditer(window[cut:])
    ]


def _sentence_before(text: str, start: int) -> str:
    lo = max(0, start - _LOOKBEHIND)
    window = text[lo:start]
    cut = 0
    for brk in _SENTENCE_END_RE.finditer(window):
        cut = brk.end()
    return window[cut:]


def _sentence_around(text: str, start: int, end: int) -> str:
    after = _SENTENCE_END_RE.search(text, end, min(len(text), end + _LOOKAHEAD))
    return _sentence_before(text, start) + text[start : after.start() if after else end]


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", max(0, start - _LOOKBEHIND), start) + 1
    if lo == 0:
        lo = max(0, start - _LOOKBEHIND)
    hi = text.find("\n", end, min(len(text), end + _LOOKAHEAD))
    return lo, (hi if hi >= 0 else min(len(text), end + _LOOKAHEAD))


def _is_question(text: str, end: int) -> bool:
    m = _QUESTION_END_RE.search(text, end, min(len(text), end + _LOOKAHEAD))
    return m is not None and m.group() == "?"


def _is_negator(tok: str) -> bool:
    return tok in _NEGATORS or tok.endswith("n't")


def _negation(tokens: list[_Token], window: int) -> _Token | None:
    # Walk back from the phrase. A copula ends the negation's reach, since it starts another
    # predicate: "the service that was not responding IS now fixed" is a claim. A negative
    # subject before the copula still negates it: "nothing is fixed", "no changes were
    # applied", "none of the hosts were updated".
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 1 - window), -1):
        tok = tokens[i].text
        if _is_negator(tok):
            return tokens[i]
        if tok == "yet" and i + 1 < len(tokens) and tokens[i + 1].text == "to":
            return tokens[i]
        if tok in _COPULAS:
            if i > 0 and _is_negator(tokens[i - 1].text):
                return tokens[i - 1]
            for j in range(i - 1, max(-1, i - 5), -1):
                if tokens[j].text in _NEGATIVE_SUBJECTS:
                    return tokens[j]
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


def _not_a_claim(text: str, m: re.Match[str], words: list[str]) -> bool:
    """What no completion phrase survives: a question, a condition, a hedge, hearsay."""
    if _is_question(text, m.end()):
        return True
    if any(w in _CONDITIONALS for w in words[-6:]):
        return True
    negated = any(_is_negator(w) for w in words)
    if any(w in _UNCERTAIN for w in words) or (negated and any(w in _BELIEFS for w in words)):
        return True
    if any(w in _REPORTED for w in words):
        return True
    return any(w in _PARTIAL for w in words[-2:])


def _in_plan(blocks: _Blocks, pos: int) -> bool:
    return _span_at(blocks.plans, pos) is not None


def _recovery(text: str, start: int, end: int) -> bool:
    lo, _ = _line_around(text, start, end)
    return _RECOVERY_RE.search(text, lo, end) is not None


def _judge_done(text: str, m: re.Match[str], blocks: _Blocks) -> _Claim | None:
    phrase = m.group().lower()
    after = text[m.end() : m.end() + 40]
    tokens = _clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if _not_a_claim(text, m, words) or _in_plan(blocks, m.start()):
        return None
    if phrase in _BARE_DONE:
        # Adjective and verb uses are not claims: "the fixed version", "complete the form",
        # "the name resolved to 10.0.0.1", "done via CI", "done so far", "done with the
        # investigation".
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
    strength = _STRONG if _STRONG_WORDS_RE.search(phrase) and "again" not in phrase else _STATE
    return _Claim(
        "DONE",
        _RANK_DONE,
        m.start(),
        m.end(),
        strength=strength,
        recovery=_recovery(text, m.start(), m.end()),
    )


def _judge_state(text: str, m: re.Match[str], blocks: _Blocks) -> _Claim | None:
    tokens = _clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if _not_a_claim(text, m, words) or _in_plan(blocks, m.start()):
        return None
    # "prod still serves 2.4.0", "currently answers 200": nothing changed.
    if any(w in _STILL for w in words[-3:]) or _negation(tokens, window=4) is not None:
        return None
    if _has_modal(tokens) or any(w == "should" for w in words):
        return None
    changed = "now" in m.group().lower().split() or (bool(words) and words[-1] == "now")
    return _Claim("DONE", _RANK_DONE, m.start(), m.end(), strength=_STATE, changed=changed)


def _judge_action(text: str, m: re.Match[str], blocks: _Blocks) -> _Claim | None:
    tokens = _clause_tokens(text, m.start())
    words = [t.text for t in tokens]
    if _not_a_claim(text, m, words) or _in_plan(blocks, m.start()):
        return None
    if words and words[-1] in _DETERMINERS:
        return None  # an adjective: "the updated config", "a patched build"
    if any(w in {"only", "just"} for w in words[-3:]):
        return None  # "only restarted the worker"
    neg = _negation(tokens, window=6)
    if neg is not None:
        if _NOT_NEEDED_RE.search(_sentence_around(text, m.start(), m.end())):
            return None
        return _Claim("FAILED", _RANK_FAILED, neg.start, _clause_end(text, m.end()))
    if _NOTHING_AFTER_RE.match(text, m.end()):
        return _Claim("FAILED", _RANK_FAILED, m.start(), _clause_end(text, m.end()))
    if _has_modal(tokens) or any(w in {"should", "ought", "supposed"} for w in words):
        return None
    # "The patch needs to be applied and the service restarted": the modal of the sentence
    # reaches a participle whose own clause has no auxiliary.
    if not any(w in _AUXILIARIES or w.endswith(("'s", "'ve")) for w in words):
        if _PASSIVE_MODAL_RE.search(_sentence_before(text, m.start())):
            return None
    part = _PARTIAL_AFTER_RE.match(text, m.end())
    if part is not None and part.group(1) != part.group(2):
        return None  # "rolled out to 2 of 5 regions"
    if _ONLY_AFTER_RE.match(text, m.end(), _clause_end(text, m.end())):
        return None
    return _Claim(
        "DONE",
        _RANK_DONE,
        m.start(),
        _clause_end(text, m.end()),
        strength=_ACTION,
        recovery=_recovery(text, m.start(), m.end()),
    )


def _judge_mark(
    text: str, m: re.Match[str], prev_end: int, next_start: int, blocks: _Blocks
) -> _Claim | None:
    lo, hi = _line_around(text, m.start(), m.end())
    if _LINE_LEAD_RE.fullmatch(text, lo, m.start()):
        # A leading mark marks what follows it, up to the next mark: "✅ Deployed v2.4.1",
        # "- [x] deploy".
        item_lo, item_hi = m.end(), min(hi, max(next_start, m.end()))
    else:
        # A trailing mark marks what precedes it: "Migration ✔", "| Deploy | ✅ |".
        item_lo, item_hi = max(lo, prev_end), m.start()
    item = text[item_lo:item_hi]
    words = [t.group().lower() for t in _TOKEN_RE.finditer(item)]
    quote_lo, quote_hi = min(m.start(), item_lo), max(m.end(), item_hi)
    if m.group("neg") is not None:
        if any(w in _RETOLD for w in words):
            return _Claim("FAILED", _RANK_FAILED, quote_lo, quote_hi, retold=True)
        return _Claim("FAILED", _RANK_FAILED, quote_lo, quote_hi)
    if _in_plan(blocks, m.start()) or "?" in item:
        return None
    if words and (words[0] in _MODALS or words[0] in _CONDITIONALS or words[0] in _ACKS):
        return None
    if any(_is_negator(w) or w in _UNCERTAIN for w in words):
        return None
    if any(_judge_failed(item, f) is not None for f in _FAILED_RE.finditer(item)):
        return None
    if _BLOCKED_RE.search(item) is not None:
        return None
    return _Claim(
        "DONE",
        _RANK_DONE,
        quote_lo,
        quote_hi,
        strength=_ACTION,
        recovery=_RECOVERY_RE.search(item) is not None,
    )


def _judge_failed(text: str, m: re.Match[str]) -> bool | None:
    """None when the failure phrase is no claim, else whether it is told as background."""
    if _is_question(text, m.end()):
        return None
    phrase = m.group().lower()
    words = [t.text for t in _clause_tokens(text, m.start())]
    # "if it fails" is hypothetical; "after the health check failed" is a fact.
    if any(w in _HYPOTHETICAL for w in words[-6:]):
        return None
    if any(w in _CONDITIONALS for w in words[-6:]) and not _past_tense(phrase):
        return None
    # "0 failed", "no tests failed", "none of the checks failed", "stopped crash-looping",
    # "no longer crashes" report success.
    if any(_is_negator(w) or w in {"0", "zero", "stopped", "longer"} for w in words[-4:]):
        return None
    if any(w in _FAILED_MODALS or w.endswith(("'ll", "'d")) for w in words[-3:]):
        return None
    if any(w in _REPORTED for w in words):
        return None
    if words and words[-1] in _DETERMINERS and phrase in _ADJECTIVE_FAILURES:
        return None  # "the failing disk", "a failed pod"
    if any(w in _RETOLD for w in words) or "that" in words[1:]:
        return True
    if words and words[-1] in {"had", "hadn't"}:
        return True
    # "was failing", "was returning 502", "was down": the state the work started from.
    parts = phrase.split()
    if parts[0] in {"was", "were"}:
        parts = parts[1:]
    elif not (words and words[-1] in {"was", "were"}):
        return False
    return any(w.endswith("ing") for w in parts) or parts[-1] in _PAST_STATES


def _past_tense(phrase: str) -> bool:
    return any(
        w.endswith("ed") or w in {"broke", "hung", "stuck", "died", "went", "hit", "threw", "got"}
        for w in phrase.split()
    )


def _judge_negated_base(text: str, m: re.Match[str]) -> bool:
    if _is_question(text, m.end()):
        return False
    words = [t.text for t in _clause_tokens(text, m.start())]
    if any(w in _CONDITIONALS for w in words[-6:]):
        return False
    return not _NOT_NEEDED_RE.search(_sentence_around(text, m.start(), m.end()))


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
    if phrase.startswith("wait") and any(w in {"after", "while", "without"} for w in words):
        return None
    return _RANK_BLOCKED_NOW
