"""How one request failed: transport errors by class, and the checks of a 2xx reply."""

from __future__ import annotations

import errno
import json
import socket
from typing import Any

import httpx

from operator_eval.contracts import HTTP_GET as TOOL_NAME
from operator_eval.runtime._preflight._report import FailureClass
from operator_eval.runtime._preflight._requests import TOOL_MAX_TOKENS


class BadReply(Exception):
    """A 2xx reply whose content is wrong."""

    def __init__(self, failure: FailureClass, detail: str) -> None:
        super().__init__(detail)
        self.failure: FailureClass = failure
        self.detail = detail


def classify_transport(ex: httpx.HTTPError, timeout: float) -> tuple[FailureClass, str]:
    """Map an httpx error to a failure class and a one-line message."""
    # httpx's own message is sometimes empty (ReadError); the OS error below it is not.
    message = next(
        (one_line(str(cause)) for cause in _causes(ex) if str(cause).strip()),
        type(ex).__name__,
    )
    if isinstance(ex, httpx.ConnectTimeout):
        return "connect_timeout", f"could not connect within {timeout:g} s"
    if isinstance(ex, httpx.TimeoutException):
        return "timeout", f"no reply in {timeout:g} s ({type(ex).__name__})"
    if isinstance(ex, httpx.ConnectError):
        for cause in _causes(ex):
            if isinstance(cause, ConnectionRefusedError) or (
                isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
            ):
                return "connection_refused", "connection refused"
            if isinstance(cause, socket.gaierror):
                return "connection_error", f"DNS lookup failed: {one_line(str(cause))}"
        deepest = _causes(ex)[-1]
        return "connection_error", f"could not connect: {one_line(str(deepest)) or message}"
    if isinstance(ex, httpx.RemoteProtocolError):
        lowered = message.lower()
        if "disconnect" in lowered or "without sending" in lowered or "closed" in lowered:
            return "connection_reset", f"server closed the connection: {message}"
        return "malformed", f"invalid HTTP from the server: {message}"
    if isinstance(ex, httpx.DecodingError):
        return "malformed", f"undecodable reply body: {message}"
    if isinstance(ex, httpx.ReadError | httpx.WriteError | httpx.CloseError):
        return "connection_reset", f"connection reset: {message}"
    return "connection_error", f"{type(ex).__name__}: {message}"


def _causes(ex: BaseException) -> list[BaseException]:
    """The exception and its causes/contexts, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = ex
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def check_completion(body: bytes, *, tool: bool) -> int | None:
    """Check a 2xx reply is a chat completion (with a tool call when `tool`).

    Returns:
        ``usage.completion_tokens`` when reported.

    Raises:
        BadReply: when it is not.
    """
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        snippet = one_line(body.decode("utf-8", errors="replace"))[:80]
        raise BadReply("malformed", f"reply is not JSON: {snippet!r}") from None
    if not isinstance(data, dict):
        raise BadReply("malformed", f"reply is JSON {type(data).__name__}, not an object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadReply("malformed", "reply is not a chat completion (no choices)")
    choice: dict[str, Any] = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise BadReply("malformed", "reply is not a chat completion (choice has no message)")
    tool_calls = message.get("tool_calls")
    content = message.get("content")
    if not tool and not isinstance(content, str) and not tool_calls:
        raise BadReply("malformed", "chat completion message has neither content nor tool calls")
    if tool:
        _check_tool_calls(tool_calls, choice.get("finish_reason"))
    usage = data.get("usage")
    tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
    if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens >= 0:
        return tokens
    return None


def _check_tool_calls(tool_calls: Any, finish_reason: Any) -> None:
    """Raise `BadReply` unless `tool_calls` holds well-formed calls of the offered tool."""
    if not isinstance(tool_calls, list) or not tool_calls:
        hint = ""
        if finish_reason == "length":
            hint = f" (finish_reason=length: cut off at {TOOL_MAX_TOKENS} tokens)"
        raise BadReply("bad_tool_call", f"no tool call in the reply{hint}")
    for call in tool_calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            raise BadReply("bad_tool_call", "tool call without a function")
        name = function.get("name")
        if name != TOOL_NAME:
            raise BadReply("bad_tool_call", f"tool call of {name!r}, not the offered {TOOL_NAME}")
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            raise BadReply(
                "bad_tool_call",
                f"tool call arguments are {type(arguments).__name__}, not a JSON-encoded string",
            )
        try:
            parsed: Any = json.loads(arguments)
        except ValueError:
            raise BadReply(
                "bad_tool_call", f"tool call arguments are not JSON: {arguments[:80]!r}"
            ) from None
        if not isinstance(parsed, dict):
            raise BadReply(
                "bad_tool_call",
                f"tool call arguments are JSON {type(parsed).__name__}, not an object",
            )


def one_line(text: str) -> str:
    return " ".join(text.split())
