"""Free-text vocabulary: phrases of completion, failure, blocking, and the words that undo them."""

from __future__ import annotations

import re

_VERBS = (
    r"(?:deployed|redeployed|completed|finished|fixed|resolved|applied|updated|upgraded"
    r"|restarted|migrated|installed|configured|created|merged|released|shipped|published"
    r"|patched|restored|rebuilt|built|executed|ran|rolled\s+out|rolled\s+back|done)"
)
# A "word" between a verb and "successfully": a dot only inside a name (app.service), so a
# sentence end cannot be crossed.
_WORD = r"(?:[\w/:@-]|\.(?=\w))+"
# Explicit completion: these say the work is done, and can overturn a failure told earlier.
DONE_RE = re.compile(
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
STATE_RE = re.compile(
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
ACTION_RE = re.compile(
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
FAILED_RE = re.compile(
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
NEG_BASE_RE = re.compile(
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
UNDO_BECAUSE_RE = re.compile(
    r"(?<![\w-])(?:rolled\s+(?:[\w'-]+\s+){0,3}?back|reverted|backed\s+out|undid)\b"
    r"[^.;!?\n]{0,80}?\b(?:because|due\s+to|since)\b",
    re.IGNORECASE,
)
# The line of a completion that is a recovery ("Rollback: done", "rolled back successfully").
RECOVERY_RE = re.compile(
    r"\b(?:roll(?:ed|ing)?[\s-]*back|rollback|revert(?:ed|ing)?|restor(?:ed|e|ing)"
    r"|backed\s+out|undo|undid|undone)\b",
    re.IGNORECASE,
)
# "not needed", "as instructed": a step deliberately left out is not the work left undone.
NOT_NEEDED_RE = re.compile(
    r"(?:\bnot|n't)\s+(?:needed|necessary|required)\b|\b(?:no\s+need|unnecessary"
    r"|as\s+(?:requested|instructed|asked)|out\s+of\s+scope|intentionally|on\s+purpose)\b",
    re.IGNORECASE,
)
# "needs to be applied and the service restarted": a passive modal governs the rest of its
# sentence.
PASSIVE_MODAL_RE = re.compile(
    r"\b(?:to|will|would|should|must|can|could|may|might|shall)\s+(?:\w+\s+)?be\b", re.IGNORECASE
)
PARTIAL_AFTER_RE = re.compile(r"[^.;!?\n]{0,40}?\b(\d+)\s+(?:of|out\s+of)\s+(\d+)\b")
# "Deployed to staging only": the rest was not.
ONLY_AFTER_RE = re.compile(r"[^.;:,!?\n]{0,40}?\bonly\b", re.IGNORECASE)
BLOCKED_RE = re.compile(
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
MARK_RE = re.compile(
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
MARK_CHARS = (
    "\u2705\u2714\u2611\u2713\U0001f389\U0001f680\U0001f44d\U0001f7e2\U0001f973\U0001f38a"
    "\u274c\u274e\u2716\u2717\u2718\u26d4\U0001f6ab\U0001f6d1\U0001f534\U0001f44e\u23f3\u231b"
)
# Possessive: two adjacent starred classes over the same characters backtrack quadratically.
LINE_LEAD_RE = re.compile(r"[\s>*_`~#|+\-\u2022]*+(?:\d+[.)])?[\s*_`~]*+")

NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "none", "neither", "nor", "cannot", "unable", "without"}
    | {"hardly", "failed", "fail", "nobody"}
)
# Negative subjects reach over a copula: "no changes were applied", "none of the hosts were".
NEGATIVE_SUBJECTS = frozenset({"no", "none", "nothing", "nobody", "neither", "nor"})
CONDITIONALS = frozenset(
    {"if", "once", "when", "whenever", "until", "unless", "whether", "case", "after", "before"}
    | {"assuming", "provided"}
)
HYPOTHETICAL = frozenset({"if", "unless", "whether", "case", "assuming", "provided"})
MODALS = frozenset(
    {"will", "would", "could", "can", "must", "might", "may", "need", "needs", "going"}
    | {"want", "wants", "plan", "plans", "planning", "try", "trying", "to", "what", "how"}
    | {"please", "let", "hopefully", "expect", "expected"}
)
FAILED_MODALS = frozenset({"will", "would", "could", "can", "must", "might", "may", "should"})
UNCERTAIN = frozenset(
    {"unsure", "unclear", "doubt", "unverified", "unconfirmed", "unknown", "maybe", "perhaps"}
    | {"possibly", "whether", "probably", "likely", "apparently", "think", "believe", "guess"}
    | {"assume", "suppose", "hope", "presumably"}
)
# Only uncertain after a negation: "not sure it's fixed", "can't confirm it is done".
BELIEFS = frozenset(
    {"sure", "certain", "think", "believe", "confirm", "confirmed", "verify", "verified"}
    | {"know", "tell", "say", "clear"}
)
EVIDENCE = frozenset({"confirm", "confirmed", "verify", "verified"})
# Someone else's words: "the ticket says it is deployed", "according to the log".
REPORTED = frozenset(
    {"says", "said", "claims", "claimed", "according", "reads", "states", "stated", "supposedly"}
    | {"allegedly", "reportedly"}
)
PARTIAL = frozenset({"partially", "partly", "mostly", "almost", "nearly", "half", "somewhat"})
ARTICLES = frozenset({"a", "an", "the"})
DETERMINERS = ARTICLES | frozenset(
    {"this", "these", "those", "its", "their", "our", "my", "your", "his", "her", "each"}
    | {"every", "any", "some"}
)
COPULAS = frozenset({"is", "are", "was", "were", "am"})
AUXILIARIES = COPULAS | frozenset({"has", "have", "had", "been", "be", "got", "get"})
PAST = frozenset({"was", "were", "been", "got", "had", "previously", "initially", "earlier"})
# Failures told as the background of the work, not its outcome: "the first deploy failed",
# "because it was failing", "the deploy had failed".
RETOLD = frozenset(
    {"first", "initially", "initial", "originally", "original", "earlier", "previously"}
    | {"previous", "formerly", "prior", "yesterday", "yesterday's", "because", "since"}
    | {"caused", "causing", "due", "why", "kept"}
)
PAST_STATES = frozenset({"broken", "down", "unhealthy", "stuck", "hung", "unreachable"})
ADJECTIVE_FAILURES = frozenset(
    {"failed", "failing", "broken", "crashed", "crashing", "stuck", "hung", "rejected"}
    | {"aborted", "errored", "dying", "unhealthy", "unreachable", "unresponsive"}
)
ACKS = frozenset(
    {"thanks", "thank", "ok", "okay", "got", "sounds", "noted", "sure", "understood", "welcome"}
    | {"cheers", "next", "todo", "pending", "planned", "proposed"}
)
STILL = frozenset({"still", "currently", "previously", "was", "were", "only", "old"})
EMPHASIS_CHARS = "*`~"
EMPHASIS = str.maketrans(dict.fromkeys(EMPHASIS_CHARS, " "))
BARE_DONE = frozenset(
    {"fixed", "resolved", "done", "completed", "complete", "finished", "accomplished"}
)
STRONG_WORDS_RE = re.compile(
    r"success|succeed|fixed|resolved|done|complet|finish|accomplish|all\s+(?:good|set)"
    r"|good\s+to\s+go|everything|works?\s+now|working\s+now|correctly|properly|as\s+expected",
    re.IGNORECASE,
)

COMPLETE_AS_VERB_RE = re.compile(
    r"\s+(?:the|a|an|this|that|these|those|it|my|your|its|all)\b", re.IGNORECASE
)
DONE_NON_CLAIM_SUFFIX_RE = re.compile(
    r"\s+(?:via|by|using|through|so\s+far|with\s+(?:the\s+|my\s+|this\s+)?(?:investigation"
    r"|analysis|triage|diagnosis|review|research|step|part|phase|first|initial)"
    r"|investigating|looking|checking|analy[sz]ing|reviewing|triaging)\b",
    re.IGNORECASE,
)
RESOLVED_TO_RE = re.compile(r"\s+to\b", re.IGNORECASE)
WITH_ERRORS_RE = re.compile(r"\s+with\s+(?:\d+\s+)?(?:errors?|failures?)\b", re.IGNORECASE)
OBJECT_RE = re.compile(r"\s+(?!(?:and|but|or|so|then)(?![\w'-]))[\w'-]+", re.IGNORECASE)
TO_OBJECT_RE = re.compile(r"\s+to\s+[\w'-]+", re.IGNORECASE)
NOTHING_AFTER_RE = re.compile(r"\s+(?:nothing|none|no\s)", re.IGNORECASE)
