"""The review request a verifier reads: its model, how it is written, and how it is read back.

`graphs/draft_verify.py` builds a `ReviewRequest` from the drafter's conversation and sends
`render()` to the verifier model as markdown; the scripted verifier (`opeval/oracle` in the
verifier role) gets only that text and reads it back with `ReviewRequest.parse`. Writer and
parser live together here so that they cannot drift apart: `parse(render())` gives the
request back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from operator_eval.contracts import VERDICT_TOOL

Decision = Literal["approve", "revise", "downgrade"]
"""What a verifier decides about a report (the `decision` argument of `submit_verdict`)."""
DECISIONS: tuple[Decision, ...] = get_args(Decision)

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
NO_REPORT = "(the agent gave no report)"
NO_CALLS = "(no tool calls)"

MAX_REVIEW_CALLS = 5
"""Tool calls the verifier may make in one review before it must decide."""
ACTION_OUTPUT_CHARS = 2000
"""Each tool output shown to the verifier is cut to this many characters."""
ACTIONS_CHARS = 40_000
"""The action log shown to the verifier keeps its most recent calls within this budget."""

_BLOCK = re.compile(r"^### (\d+)\. (\S+) (\{.*\})$", re.MULTILINE)
_DROPPED = re.compile(r"\((\d+) earlier calls left out\)")
_TRAILER = re.compile(
    r"\n\nCheck it against the proof file and the world with at most (\d+) tool calls, "
    rf"then call {VERDICT_TOOL}\.\Z"
)


class ReviewedCall(BaseModel):
    """One tool call of the agent under review, as the review request shows it."""

    model_config = ConfigDict(frozen=True)

    tool: str = Field(description="The tool's name.")
    args: dict[str, object] = Field(default_factory=dict, description="Its arguments.")
    output: str = Field(
        default="", description="What it printed (cut to ACTION_OUTPUT_CHARS)."
    )


def _shown_output(output: str) -> str:
    """An output as the request shows it: head and tail kept when long, one line per line."""
    if len(output) > ACTION_OUTPUT_CHARS:
        half = ACTION_OUTPUT_CHARS // 2  # the head and the tail: results come last
        output = f"{output[:half]}\n[... output cut ...]\n{output[-half:]}"
    return "\n".join(output.splitlines())


def _block(number: int, call: ReviewedCall) -> str:
    args = json.dumps(call.args, sort_keys=True)
    lines = call.output.split("\n") if call.output else []
    shown = "\n".join(OUTPUT_INDENT + line for line in lines)
    return f"### {number}. {call.tool} {args}\n{shown}"


class ReviewRequest(BaseModel):
    """What a verifier is asked to review: the ticket, what the agent ran, and its report.

    Build one with `ReviewRequest.build` (which cuts long outputs and old calls), send
    `render()`, and read a received text back with `ReviewRequest.parse`.
    """

    model_config = ConfigDict(frozen=True)

    ticket: str = Field(description="The task the agent was given (its first user message).")
    actions: list[ReviewedCall] = Field(
        default_factory=list, description="The agent's most recent tool calls, oldest first."
    )
    dropped: int = Field(default=0, ge=0, description="Earlier calls left out of `actions`.")
    report: str = Field(default="", description="The agent's final report ('' for none).")
    stopped: bool = Field(
        default=False, description="The agent was stopped by its step budget, not finished."
    )
    review_calls: int = Field(
        default=MAX_REVIEW_CALLS, ge=0, description="Tool calls the verifier may make."
    )

    @classmethod
    def build(
        cls,
        ticket: str,
        calls: Iterable[tuple[str, Mapping[str, object], str]],
        report: str,
        *,
        stopped: bool = False,
        review_calls: int = MAX_REVIEW_CALLS,
    ) -> ReviewRequest:
        """A request over `calls` (tool, args, output), cut to fit the verifier's budget.

        Outputs longer than `ACTION_OUTPUT_CHARS` keep their head and tail; when the whole
        log exceeds `ACTIONS_CHARS` the oldest calls are left out (and counted in `dropped`).

        Args:
            ticket: The task the agent was given.
            calls: Every tool call of the agent, oldest first: name, arguments, output.
            report: The agent's final report.
            stopped: The agent was stopped by its step budget before it reported.
            review_calls: Tool calls the verifier may make before it must decide.
        """
        made = [
            ReviewedCall(tool=tool, args=dict(args), output=_shown_output(output))
            for tool, args, output in calls
        ]
        kept = 0
        size = 0
        for number in range(len(made), 0, -1):
            size += len(_block(number, made[number - 1])) + 2
            if size > ACTIONS_CHARS:
                break
            kept += 1
        return cls(
            ticket=ticket,
            actions=made[len(made) - kept :],
            dropped=len(made) - kept,
            report=report,
            stopped=stopped,
            review_calls=review_calls,
        )

    def action_log(self) -> str:
        """The action log: one `### n. tool {args}` block per call, outputs indented."""
        header = [f"({self.dropped} earlier calls left out)"] if self.dropped else []
        blocks = [_block(self.dropped + i, c) for i, c in enumerate(self.actions, start=1)]
        return "\n\n".join(header + blocks) or NO_CALLS

    def render(self) -> str:
        """The request as the verifier reads it (markdown)."""
        report = f"{STOPPED_NOTE}\n{self.report}" if self.stopped else self.report
        return (
            f"{TICKET_HEADING}\n\n"
            f"{self.ticket}\n\n"
            f"{ACTIONS_HEADING}\n\n"
            f"{self.action_log()}\n\n"
            f"{REPORT_HEADING}\n\n"
            f"{report or NO_REPORT}\n\n"
            f"Check it against the proof file and the world with at most {self.review_calls} "
            f"tool calls, then call {VERDICT_TOOL}."
        )

    @classmethod
    def parse(cls, text: str) -> ReviewRequest:
        """Read a rendered request back.

        The sections are found in order, each heading only as a whole line of its own, so a
        report may contain any markdown (headings, fences, even these headings): everything
        after the report heading up to the closing instruction is the report. The ticket
        comes from the task and is trusted not to contain the action log's heading.

        Args:
            text: What `render()` wrote (as the verifier model received it).

        Raises:
            ValueError: `text` has no report section, so it is not a review request.
        """
        head, found, rest = text.partition(f"\n{ACTIONS_HEADING}\n")
        actions_text, found_report, report = rest.partition(f"\n{REPORT_HEADING}\n")
        if not found or not found_report:
            raise ValueError("not a review request: it has no report section")
        ticket = head.removeprefix(f"{TICKET_HEADING}\n\n").removesuffix("\n")
        review_calls = MAX_REVIEW_CALLS
        trailer = _TRAILER.search(report)
        if trailer is not None:
            review_calls = int(trailer.group(1))
            report = report[: trailer.start()]
        report = report.removeprefix("\n")
        stopped = report.startswith(f"{STOPPED_NOTE}\n")
        if stopped:
            report = report.removeprefix(f"{STOPPED_NOTE}\n")
        elif report == NO_REPORT:
            report = ""
        dropped, actions = _parse_actions(actions_text)
        return cls(
            ticket=ticket,
            actions=actions,
            dropped=dropped,
            report=report,
            stopped=stopped,
            review_calls=review_calls,
        )


def _parse_actions(text: str) -> tuple[int, list[ReviewedCall]]:
    """The dropped count and the calls of an action log (`### n. tool {args}` blocks)."""
    dropped_line = _DROPPED.match(text.lstrip("\n"))
    dropped = int(dropped_line.group(1)) if dropped_line else 0
    found = list(_BLOCK.finditer(text))
    actions = []
    for match, following in zip(found, [*found[1:], None], strict=False):
        end = following.start() if following else len(text)
        try:
            args = json.loads(match.group(3))
        except json.JSONDecodeError:
            args = {}
        if not isinstance(args, dict):
            args = {}
        lines = text[match.end() : end].strip("\n").splitlines()
        output = "\n".join(line.removeprefix(OUTPUT_INDENT) for line in lines)
        actions.append(ReviewedCall(tool=match.group(2), args=args, output=output))
    return dropped, actions
