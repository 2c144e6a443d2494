"""The review protocol between a drafter and a verifier (`graphs/draft_verify.py`).

Shared by the graph, which writes review requests, and the scripted verifier
(`opeval/oracle` in the verifier role), which reads them.
"""

VERDICT_TOOL = "submit_verdict"
"""The verifier's tool: a model offered it is being asked to verify, not to operate."""

TICKET_HEADING = "## Ticket given to the agent"
ACTIONS_HEADING = "## What the agent ran"
"""Followed by one `### n. tool {json args}` block per tool call, with its output."""
OUTPUT_INDENT = "    "
"""Every output line in the action log is indented, so no output can forge a block."""
REPORT_HEADING = "## The agent's final report"
STOPPED_NOTE = (
    "(the agent was stopped by its step budget before it reported; it cannot be approved)"
)
"""Opens the report section of a drafter that was stopped, not finished."""

FINAL_REPORT = "final_report"
"""Name of the `AIMessage` a graph ends with when its report is not its model's last reply;
the solver makes that message the sample's output."""

REVIEW_TOOLS = ("read_file", "list_files", "http_get")
"""A reviewer inspects; it never writes, runs commands or deploys."""
