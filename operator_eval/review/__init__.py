"""The review protocol between a drafter and a verifier (`graphs/draft_verify.py`).

The graph writes a `ReviewRequest` as markdown for the verifier model; the scripted
verifier reads the same text back with `ReviewRequest.parse`. The verifier answers by
calling the `submit_verdict` tool (`operator_eval.contracts.VERDICT_TOOL`) with a
`Decision`.
"""

from operator_eval.review._request import (
    ACTION_OUTPUT_CHARS,
    ACTIONS_CHARS,
    ACTIONS_HEADING,
    DECISIONS,
    MAX_REVIEW_CALLS,
    NO_CALLS,
    NO_REPORT,
    OUTPUT_INDENT,
    REPORT_HEADING,
    STOPPED_NOTE,
    TICKET_HEADING,
    Decision,
    ReviewedCall,
    ReviewRequest,
)

__all__ = [
    "ACTIONS_CHARS",
    "ACTIONS_HEADING",
    "ACTION_OUTPUT_CHARS",
    "DECISIONS",
    "MAX_REVIEW_CALLS",
    "NO_CALLS",
    "NO_REPORT",
    "OUTPUT_INDENT",
    "REPORT_HEADING",
    "STOPPED_NOTE",
    "TICKET_HEADING",
    "Decision",
    "ReviewRequest",
    "ReviewedCall",
]
