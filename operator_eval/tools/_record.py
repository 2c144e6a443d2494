"""Run a tool body, record it in the tool log and the Inspect transcript.

LangGraph runs tools itself, so Inspect sees no ToolEvents unless we emit
them; the tool log in the sample store is the evidence of record the scorers
re-verify proofs against (the model cannot write it).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

from inspect_ai.event import ToolEvent
from inspect_ai.log import transcript
from inspect_ai.tool import ToolCallError
from inspect_ai.util import span, store_as
from pydantic import JsonValue

from operator_eval.contracts import ToolRecord
from operator_eval.contracts._store import AgentRecord, ToolLogName


class ToolFailure(Exception):
    """A tool failed in a way the agent should read about (not a harness bug)."""


ToolBody = Callable[[], Awaitable[tuple[str, dict[str, Any]]]]
"""A tool body returns (output for the agent, extra ToolRecord fields)."""


async def run_recorded(
    tool: str,
    args: dict[str, JsonValue],
    body: ToolBody,
    fault: str | None = None,
    *,
    log: ToolLogName = "tool_log",
) -> str:
    """Run `body`; whatever happens, record the call and give the agent a text result.

    Errors (ToolFailure, sandbox timeouts, OS errors) come back as text so a
    failing tool never kills the sample.

    Args:
        tool: Tool name.
        args: The call's arguments, as recorded.
        body: The tool's work.
        fault: The injected fault this call suffers (recorded with it), if any.
        log: The AgentRecord log the call goes to (the agent's tool log,
            which the scorers read as evidence, unless told otherwise).
    """
    started = time.monotonic()
    extra: dict[str, Any] = {}
    ok = True
    try:
        output, extra = await body()
        ok = bool(extra.pop("ok", True))
    except ToolFailure as ex:
        output, ok = f"error: {ex}", False
    except TimeoutError:
        output, ok = f"error: {tool} timed out", False
    except (OSError, RuntimeError, ValueError) as ex:
        output, ok = f"error: {ex.__class__.__name__}: {ex}", False
    agent = store_as(AgentRecord)
    entries = getattr(agent, log)
    record = ToolRecord(
        tool=tool, args=dict(args), output=output, ok=ok, seq=len(entries), fault=fault, **extra
    )
    setattr(agent, log, [*entries, record.model_dump(mode="json")])
    event = ToolEvent(
        id=uuid4().hex,
        function=tool,
        arguments=args,
        metadata={"injected_fault": fault} if fault else None,
    )
    event._set_result(
        result=output,
        truncated=None,
        error=None if ok else ToolCallError("unknown", output),
        working_time=time.monotonic() - started,
        agent=None,
        failed=not ok,
        message_id=None,
    )
    async with span(name=f"{tool} (injected fault: {fault})" if fault else tool, type="tool"):
        transcript()._event(event)
    return output
