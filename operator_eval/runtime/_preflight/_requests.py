"""What preflight sends: a plain chat request, or one offering the `http_get` tool."""

from __future__ import annotations

from typing import Any

from operator_eval.contracts import HTTP_GET_SPEC as TOOL_SPEC

PLAIN_PROMPT = "Reply with the word ready."
TOOL_PROMPT = "Use the http_get tool to GET the route /health of the service. Call the tool now."
PLAIN_MAX_TOKENS = 64
TOOL_MAX_TOKENS = 256


def chat_request(model: str, *, tool: bool) -> dict[str, Any]:
    """The JSON body of one chat request: plain, or offering the `http_get` tool (`tool`)."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": TOOL_PROMPT if tool else PLAIN_PROMPT}],
        "max_tokens": TOOL_MAX_TOKENS if tool else PLAIN_MAX_TOKENS,
        "temperature": 0,
        "stream": False,
    }
    if tool:
        payload["tools"] = [TOOL_SPEC]
        payload["tool_choice"] = "auto"
    return payload
