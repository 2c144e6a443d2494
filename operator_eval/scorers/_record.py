"""The evidence of record for any agent: the harness's tool log merged with Inspect's own.

operator-eval's tools write a tool log (with fault marks) into the sample store.
Any other agent leaves its record in Inspect itself: ToolEvents for the tools
Inspect executes (`react`, `basic_agent`, `bash`, `python`, `text_editor`, ...)
and, for bridged LangGraph/LangChain agents that produce no ToolEvents, the tool
results that reached the model (`ChatMessageTool` in the model calls and the
sample's messages). Each is what the tool executor returned; the model's own
text is never read as a result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from inspect_ai.event import ModelEvent, ToolEvent
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool

from operator_eval.contracts import HARNESS_TOOLS, ToolRecord
from operator_eval.contracts._store import AgentRecord

Source = Literal["inspect", "trajectory"]


def _text(value: Any) -> str:
    """Tool output of any shape (text, content parts, numbers) as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else str(value)


def _args(value: Any) -> dict[str, object]:
    """Tool-call arguments as a dict (OpenAI sends them as a JSON string)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"input": value}
    return dict(value) if isinstance(value, Mapping) else {}


def _record(
    tool: str, args: dict[str, object], output: str, ok: bool, call_id: str | None, source: Source
) -> ToolRecord:
    return ToolRecord(tool=tool, args=args, output=output, ok=ok, call_id=call_id, source=source)


def records_from_messages(
    messages: Iterable[ChatMessage], source: Source = "inspect"
) -> list[ToolRecord]:
    """Tool calls and the results that came back, from a list of Inspect chat messages."""
    calls: dict[str, tuple[str, dict[str, object]]] = {}
    records: list[ToolRecord] = []
    for message in messages:
        if isinstance(message, ChatMessageAssistant):
            for call in message.tool_calls or []:
                calls[call.id] = (call.function, _args(call.arguments))
        elif isinstance(message, ChatMessageTool):
            function, args = calls.get(message.tool_call_id or "", (message.function or "", {}))
            output = message.text
            if message.error is not None:
                output = f"{output}\n{message.error.message}".strip()
            records.append(
                _record(
                    message.function or function,
                    args,
                    output,
                    message.error is None,
                    message.tool_call_id,
                    source,
                )
            )
    return records


def records_from_events(events: Iterable[object]) -> list[ToolRecord]:
    """Tool calls from a sample's transcript: ToolEvents, and the tool results in model calls."""
    records: list[ToolRecord] = []
    for event in events:
        if isinstance(event, ToolEvent):
            error = event.error.message if event.error else None
            output = _text(event.result) + (f"\n{error}" if error else "")
            records.append(
                _record(
                    event.function,
                    _args(event.arguments),
                    output.strip(),
                    error is None,
                    event.id,
                    "inspect",
                )
            )
        elif isinstance(event, ModelEvent):
            records += records_from_messages(event.input)
    return records


def records_from_openai(messages: Sequence[Mapping[str, Any]]) -> list[ToolRecord]:
    """Tool calls and results from an OpenAI-style message list (agentevals, LangSmith).

    Assistant messages carry `tool_calls` (`{"id", "function": {"name", "arguments"}}`);
    tool messages carry `tool_call_id` and `content`, the tool's output.

    Raises:
        ValueError: when `messages` is not a list of message objects.
    """
    if not isinstance(messages, Sequence) or isinstance(messages, str | bytes):
        raise ValueError("a trajectory must be a JSON list of messages")
    calls: dict[str, tuple[str, dict[str, object]]] = {}
    records: list[ToolRecord] = []
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise ValueError(f"trajectory message {i} is not an object")
        role = message.get("role")
        if role == "assistant":
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                calls[str(call.get("id"))] = (
                    str(function.get("name", call.get("name", ""))),
                    _args(function.get("arguments", call.get("args"))),
                )
        elif role == "tool":
            call_id = str(message.get("tool_call_id"))
            function, args = calls.get(call_id, (str(message.get("name") or ""), {}))
            records.append(
                _record(function, args, _text(message.get("content")), True, call_id, "trajectory")
            )
    return records


def merge_records(
    harness: Sequence[ToolRecord], other: Iterable[ToolRecord], *, own_tools_logged: bool
) -> list[ToolRecord]:
    """The harness log, then every other call once.

    Args:
        harness: The harness's tool log of the agent (operator-eval's tools).
        other: Calls read from Inspect's record or a trajectory.
        own_tools_logged: operator-eval's tools ran in this sample (for the agent or a
            reviewer), so the harness logs are their record: it carries the injected faults
            and keeps a reviewer's calls apart. Other copies of those calls are skipped.

    A call seen twice (a ToolEvent and the tool message of the same call, or the same
    message in several model calls) is kept once.
    """
    merged = list(harness)
    seen: set[object] = set()
    for record in other:
        if own_tools_logged and record.tool in HARNESS_TOOLS:
            continue
        key: object = record.call_id or (
            record.tool,
            json.dumps(record.args, sort_keys=True, default=str),
            record.output,
        )
        if key in seen:
            continue
        seen.add(key)
        merged.append(record.model_copy(update={"seq": len(merged)}))
    return merged


def records_from_inspect_log(
    path: str, sample_id: str | None = None, epoch: int = 1
) -> tuple[list[ToolRecord], str | None]:
    """Tool records and the final message of one sample of an Inspect log (.eval or .json).

    Args:
        path: The log file.
        sample_id: Which sample (needed when the log holds more than one).
        epoch: Which epoch of it.

    Raises:
        ValueError: when the log cannot be read, or the sample is missing or ambiguous.
    """
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(path)
    except Exception as ex:  # any corrupt or foreign file must end as one clear error
        raise ValueError(
            f"{path}: not a readable Inspect log: {ex.__class__.__name__}: {ex}"
        ) from ex
    samples = log.samples or []
    ids = sorted({f"{s.id}:{s.epoch}" for s in samples})
    if sample_id is None:
        if len(samples) != 1:
            raise ValueError(
                f"{path} holds {len(samples)} samples; name one with --sample ID[:EPOCH] "
                f"(one of: {', '.join(ids[:20]) or 'none'})"
            )
        sample = samples[0]
    else:
        found = [s for s in samples if str(s.id) == sample_id and s.epoch == epoch]
        if not found:
            raise ValueError(
                f"{path}: no sample {sample_id}:{epoch} (samples: {', '.join(ids[:20])})"
            )
        sample = found[0]
    agent = AgentRecord.read(sample.store or {})
    harness = [ToolRecord.model_validate(r) for r in agent.tool_log]
    own = bool(harness) or bool(agent.review_tool_log)
    others = records_from_events(sample.events) + records_from_messages(sample.messages)
    final = sample.output.completion if sample.output else None
    return merge_records(harness, others, own_tools_logged=own), final
