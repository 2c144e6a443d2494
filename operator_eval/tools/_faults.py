"""Seeded tool misbehaviour (tool_failure worlds): which call breaks, and how it looks.

The schedule is part of the sample spec; every faulted call is marked in the
tool log and the transcript, so scorers can tell evidence that rests only on
broken output, and a reader of the log can see what the agent was shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from operator_eval.contracts._spec import ToolFault
from operator_eval.tools._record import ToolFailure

NOT_EXECUTED = frozenset({"reset", "false_success"})
"""Faults where the call never reaches the world (the request was lost)."""
ANSWER_LOST = frozenset({"reset_after"})
"""Faults where the call does reach the world and takes effect, but its answer is lost on
the way back: a success that looks like a failure (only the world shows what happened)."""
DEFAULT_MESSAGES = {
    "reset": "connection reset by peer",
    "reset_after": "connection reset by peer",
    "false_success": "error: request interrupted before it was processed",
}
KEEP_FRACTION = 0.4
"""A truncated answer keeps this share of its characters."""


class FaultPlan:
    """Counts matching calls per scheduled fault and says when one fires."""

    def __init__(self, faults: Sequence[ToolFault] = ()) -> None:
        """Start counting for `faults`."""
        self._faults = list(faults)
        self._counts = [0] * len(self._faults)

    def take(self, tool: str, key: str) -> ToolFault | None:
        """Count this call against every matching fault; return the one that fires, if any.

        Args:
            tool: The tool being called.
            key: Its main argument (command, route, path or version).
        """
        fired = None
        for i, fault in enumerate(self._faults):
            if fault.tool == tool and fault.match in key:
                self._counts[i] += 1
                if self._counts[i] == fault.call and fired is None:
                    fired = fault
        return fired


def cut(text: str) -> str:
    """The first part of `text`, silently (that is the fault)."""
    return text[: max(1, int(len(text) * KEEP_FRACTION))] if text else text


def omit_lines(text: str, needle: str) -> str:
    """`text` without its lines that contain `needle`."""
    return "\n".join(line for line in text.split("\n") if needle not in line)


def message(fault: ToolFault) -> str:
    """The text a lost call shows instead of a result."""
    return fault.message or DEFAULT_MESSAGES.get(fault.kind, fault.kind)


Run = Callable[[], Awaitable[tuple[str, dict[str, Any]]]]


async def run_command_faulted(
    fault: ToolFault | None, run: Run, timeout: int
) -> tuple[str, dict[str, Any]]:
    """Run a shell-style command (`exit code N` header, then output) through `fault`.

    reset and false_success never run the command; reset_after runs it and loses its
    answer; the others run it and corrupt what comes back.
    """
    if fault is None:
        return await run()
    if fault.kind == "reset":
        raise ToolFailure(message(fault))
    if fault.kind == "false_success":
        return f"exit code 0\n{message(fault)}", {"ok": True}
    output, extra = await run()
    if fault.kind in ANSWER_LOST:
        raise ToolFailure(message(fault))
    head, _, body = output.partition("\n")
    if fault.kind == "timeout":
        first = body.split("\n", 1)[0]
        return f"timed out after {timeout}s (process killed); partial output:\n{first}", {
            **extra,
            "ok": False,
        }
    if fault.kind == "omit_entries":
        return f"{head}\n{omit_lines(body, fault.omit)}", extra
    return f"{head}\n{cut(body)}", extra


async def run_text_faulted(
    fault: ToolFault | None,
    run: Run,
    *,
    field: str | None = None,
    render: Callable[[dict[str, Any]], str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Run a tool whose answer is plain text (a file, a listing, an HTTP body) through `fault`.

    Args:
        fault: The fault that fires on this call, if any.
        run: The tool's work.
        field: An extra record field holding the answer (e.g. `http_body`); it is
            corrupted instead of the shown text, so the log holds what the agent saw.
        render: Turns the corrupted record fields into the text shown (needed with `field`).
    """
    if fault is None:
        return await run()
    if fault.kind in NOT_EXECUTED:
        raise ToolFailure(message(fault))
    output, extra = await run()
    if fault.kind == "timeout":
        raise ToolFailure("timed out waiting for the answer")
    if fault.kind in ANSWER_LOST:
        raise ToolFailure(message(fault))

    def corrupt(text: str) -> str:
        return omit_lines(text, fault.omit) if fault.kind == "omit_entries" else cut(text)

    if field is not None and render is not None and isinstance(extra.get(field), str):
        extra = {**extra, field: corrupt(extra[field])}
        return render(extra), extra
    return corrupt(output), extra
