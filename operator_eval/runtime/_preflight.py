"""`operator-eval preflight`: check that a local model endpoint is stable before operator work.

Sends a few chat requests, one after another, to an OpenAI-compatible endpoint (llama.cpp
server, Ollama, vLLM, LM Studio, ...), alternating plain chat requests with tool-call requests,
and reports what one client experienced: how many requests succeeded, how the others failed,
latency, output speed, whether tool calls came back well-formed, and a verdict.

Failure classes:

- ``connection_refused``: nothing listens at the address (the server is not running).
- ``connection_error``: could not connect for another reason (DNS failure, unreachable host,
  proxy or TLS failure).
- ``connect_timeout``: the connection was not established in time.
- ``connection_reset``: the server dropped or reset the connection without a full response.
- ``timeout``: connected, but no complete response within ``--timeout`` seconds.
- ``http_error``: a non-2xx HTTP status (counted per status code in ``http_status``).
- ``malformed``: a 2xx reply that is not JSON, not a chat completion, or not valid HTTP.
- ``bad_tool_call``: a tool-call request whose chat completion holds no tool call, calls a
  function that was not offered, or has arguments that are not a JSON-encoded JSON object.

Verdicts and exit codes of `main_preflight`:

- ``0`` -- ``stable``: the failure rate is at most ``--max-failure-rate`` and every tool-call
  request that got a reply got a well-formed tool call.
- ``1`` -- ``unstable``: the failure rate exceeds ``--max-failure-rate``, or a tool-call reply
  was malformed (not JSON, not a chat completion, or no well-formed tool call).
- ``2`` -- ``down``: no request succeeded and every failure was a connection failure
  (refused, DNS / other connect error, connect timeout). Also returned, with a one-line
  message on stderr, when the arguments are unusable (e.g. a ``--base-url`` without
  ``http://``) or preflight itself fails unexpectedly.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import math
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field

from operator_eval.contracts import HTTP_GET as TOOL_NAME
from operator_eval.contracts import HTTP_GET_SPEC as TOOL_SPEC

Verdict = Literal["stable", "unstable", "down"]
FailureClass = Literal[
    "connection_refused",
    "connection_error",
    "connect_timeout",
    "connection_reset",
    "timeout",
    "http_error",
    "malformed",
    "bad_tool_call",
]

EXIT_CODES: dict[Verdict, int] = {"stable": 0, "unstable": 1, "down": 2}
"""Exit code of `main_preflight` per verdict."""

CONNECTION_FAILURES: frozenset[FailureClass] = frozenset(
    {"connection_refused", "connection_error", "connect_timeout"}
)
"""Failures meaning the client never reached a server: only these can make it `down`."""

STOP_AFTER_CONNECTION_FAILURES = 3
"""Stop early after this many connection failures in a row with no success yet."""

PLAIN_PROMPT = "Reply with the word ready."
TOOL_PROMPT = "Use the http_get tool to GET the route /health of the service. Call the tool now."
PLAIN_MAX_TOKENS = 64
TOOL_MAX_TOKENS = 256

_DESCRIPTIONS: dict[FailureClass, str] = {
    "connection_refused": "connection refused (is the server running?)",
    "connection_error": "could not connect (DNS, unreachable host, proxy or TLS)",
    "connect_timeout": "connect timed out",
    "connection_reset": "connection reset/closed by the server without a full response",
    "timeout": "no response within the timeout (server hangs or is too slow)",
    "http_error": "HTTP error status",
    "malformed": "malformed reply (not JSON or not a chat completion)",
    "bad_tool_call": "tool-call request without a well-formed tool call",
}


class Failures(BaseModel):
    """Failed requests by class (see the module docstring for each class)."""

    connection_refused: int = 0
    connection_error: int = 0
    connect_timeout: int = 0
    connection_reset: int = 0
    timeout: int = 0
    http_error: int = 0
    http_status: dict[int, int] = Field(default_factory=dict)
    """Count of HTTP error replies per status code."""
    malformed: int = 0
    bad_tool_call: int = 0

    @property
    def total(self) -> int:
        """All failed requests."""
        return sum(getattr(self, name) for name in _DESCRIPTIONS)


class PreflightReport(BaseModel):
    """What one sequential client experienced against an OpenAI-compatible endpoint."""

    base_url: str
    model: str
    requests: int
    """Requests planned (``--requests``)."""
    sent: int
    """Requests actually sent (fewer when it stopped early on a dead endpoint)."""
    ok: int
    """Requests that came back as a well-formed chat completion (with a tool call if asked)."""
    failures: Failures
    failure_rate: float
    """Failed / sent (0.0 when nothing was sent)."""
    max_failure_rate: float
    timeout_s: float
    latency_p50_ms: float | None
    """Median latency of the successful requests, None without any."""
    latency_p95_ms: float | None
    """95th-percentile latency of the successful requests, None without any."""
    output_tokens_per_s: float | None
    """Sum of ``usage.completion_tokens`` over the summed latency of the successful requests
    that reported usage; None when none did."""
    tool_call_requests: int
    """Tool-call requests sent."""
    tool_calls_well_formed: int
    """Tool-call requests that came back with a well-formed tool call."""
    first_errors: dict[str, str] = Field(default_factory=dict)
    """The first error message seen per failure class."""
    verdict: Verdict
    reasons: list[str]
    """Human-readable reasons for the verdict, one line each."""

    @property
    def exit_code(self) -> int:
        """Exit code of `main_preflight` for this report's verdict."""
        return EXIT_CODES[self.verdict]


@dataclass
class _Outcome:
    """The result of one request."""

    tool: bool
    latency_s: float
    failure: FailureClass | None = None
    detail: str = ""
    status: int | None = None
    completion_tokens: int | None = None
    replied: bool = False
    """A 2xx reply came back (so a failure is about its content)."""


class _BadReply(Exception):
    """A 2xx reply whose content is wrong."""

    def __init__(self, failure: FailureClass, detail: str) -> None:
        super().__init__(detail)
        self.failure: FailureClass = failure
        self.detail = detail


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the `preflight` options to a (sub)parser.

    Args:
        parser: The parser of the `preflight` command.
    """
    parser.add_argument(
        "--base-url",
        required=True,
        type=_base_url_arg,
        help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1",
    )
    parser.add_argument("--model", required=True, help="model name to send in each request")
    parser.add_argument(
        "--requests",
        type=_positive_int,
        default=10,
        metavar="N",
        help="requests to send, alternating plain chat and tool calls (default 10)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="timeout of each request in seconds (default 30)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("OPENAI_API_KEY") or "none",
        help="bearer token (default: $OPENAI_API_KEY, else 'none')",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of text"
    )
    parser.add_argument(
        "--max-failure-rate",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="highest failure rate (0..1) still called stable (default 0: any failure is not)",
    )


async def run_preflight(
    base_url: str,
    model: str,
    *,
    requests: int,
    timeout: float,
    api_key: str,
    max_failure_rate: float = 0.0,
) -> PreflightReport:
    """Send `requests` sequential chat requests to an endpoint and judge its stability.

    Even requests are plain chat requests, odd ones offer the `http_get` tool. Each goes to
    ``{base_url}/chat/completions``. Stops early, with no success yet, after
    `STOP_AFTER_CONNECTION_FAILURES` connection failures in a row.

    Args:
        base_url: OpenAI-compatible base URL, e.g. ``http://127.0.0.1:8080/v1``.
        model: Model name sent in each request.
        requests: Requests to send (at least 1).
        timeout: Seconds allowed for each request.
        api_key: Bearer token sent in the ``Authorization`` header.
        max_failure_rate: Highest failure rate still judged stable.

    Returns:
        The report, with its verdict and reasons.

    Raises:
        ValueError: when an argument is unusable (e.g. a base URL without http(s)://).
    """
    base_url = _check_base_url(base_url)
    if requests < 1:
        raise ValueError(f"requests must be at least 1, not {requests}")
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, not {timeout}")
    if not 0.0 <= max_failure_rate <= 1.0:
        raise ValueError(f"max_failure_rate must be within 0..1, not {max_failure_rate}")
    url = f"{base_url}/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    outcomes: list[_Outcome] = []
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=False
    ) as client:
        for index in range(requests):
            outcome = await _one_request(client, url, model, tool=index % 2 == 1, timeout=timeout)
            outcomes.append(outcome)
            if _should_stop(outcomes):
                break
    return _build_report(base_url, model, requests, timeout, max_failure_rate, outcomes)


def main_preflight(args: argparse.Namespace) -> int:
    """Run preflight from parsed arguments, print the report and return the exit code.

    Args:
        args: Arguments parsed by a parser set up with `configure_parser`.

    Returns:
        0 when stable, 1 when unstable, 2 when down or when the arguments are unusable.
    """
    try:
        report = asyncio.run(
            run_preflight(
                args.base_url,
                args.model,
                requests=args.requests,
                timeout=args.timeout,
                api_key=args.api_key,
                max_failure_rate=args.max_failure_rate,
            )
        )
    except ValueError as ex:
        print(f"preflight: {ex}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("preflight: interrupted", file=sys.stderr)
        return 130
    except Exception as ex:  # never a traceback: one line naming the problem
        print(f"preflight: failed: {type(ex).__name__}: {_one_line(str(ex))}", file=sys.stderr)
        return 2
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(render_report(report))
    return report.exit_code


def render_report(report: PreflightReport) -> str:
    """Render a report as text: one line per metric, the reasons, then the verdict.

    Args:
        report: The report to render.

    Returns:
        The text, without a trailing newline.
    """
    failures = report.failures
    parts = []
    for name in _DESCRIPTIONS:
        count = getattr(failures, name)
        if count:
            if name == "http_error":
                codes = ", ".join(
                    f"{code} x{n}" for code, n in sorted(failures.http_status.items())
                )
                parts.append(f"{name}={count} ({codes})")
            else:
                parts.append(f"{name}={count}")
    tool_rate = (
        f" ({100 * report.tool_calls_well_formed / report.tool_call_requests:.0f}%)"
        if report.tool_call_requests
        else ""
    )
    lines = [
        f"endpoint: {report.base_url}/chat/completions",
        f"model: {report.model}",
        f"requests: {report.sent} sent of {report.requests} (timeout {report.timeout_s:g} s each)",
        f"ok: {report.ok}/{report.sent}",
        f"failures: {' '.join(parts) if parts else 'none'}",
        f"failure rate: {100 * report.failure_rate:.1f}% "
        f"(max {100 * report.max_failure_rate:.1f}%)",
        f"latency p50: {_fmt(report.latency_p50_ms, ' ms')}",
        f"latency p95: {_fmt(report.latency_p95_ms, ' ms')}",
        f"output tokens/s: {_fmt(report.output_tokens_per_s, '')}",
        f"tool calls well-formed: {report.tool_calls_well_formed}/{report.tool_call_requests}"
        f"{tool_rate}",
    ]
    lines += [f"reason: {reason}" for reason in report.reasons]
    lines.append(f"verdict: {report.verdict}")
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (as numpy's default) of a non-empty list.

    Args:
        values: The sample.
        q: The percentile, 0..100.

    Returns:
        The percentile.

    Raises:
        ValueError: when `values` is empty.
    """
    if not values:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def _one_request(
    client: httpx.AsyncClient, url: str, model: str, *, tool: bool, timeout: float
) -> _Outcome:
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
    start = time.perf_counter()
    # httpx's own timeouts are per phase (connect, each read); this bounds the whole request.
    # The slack lets httpx report the phase (connect vs read) when a single phase hangs.
    deadline = timeout * 1.05 + 0.05
    try:
        async with asyncio.timeout(deadline):
            response = await client.post(url, json=payload)
            body = response.content
    except TimeoutError:
        return _Outcome(tool, time.perf_counter() - start, "timeout", f"no reply in {timeout:g} s")
    except httpx.HTTPError as ex:
        failure, detail = _classify_transport(ex, timeout)
        return _Outcome(tool, time.perf_counter() - start, failure, detail)
    latency = time.perf_counter() - start
    if not response.is_success:
        snippet = _one_line(body.decode("utf-8", errors="replace"))[:160]
        reason = response.reason_phrase
        detail = f"HTTP {response.status_code} {reason}: {snippet or '(empty body)'}"
        return _Outcome(tool, latency, "http_error", detail, status=response.status_code)
    try:
        tokens = _check_completion(body, tool=tool)
    except _BadReply as bad:
        return _Outcome(tool, latency, bad.failure, bad.detail, replied=True)
    return _Outcome(tool, latency, completion_tokens=tokens, replied=True)


def _classify_transport(ex: httpx.HTTPError, timeout: float) -> tuple[FailureClass, str]:
    """Map an httpx error to a failure class and a one-line message."""
    # httpx's own message is sometimes empty (ReadError); the OS error below it is not.
    message = next(
        (_one_line(str(cause)) for cause in _causes(ex) if str(cause).strip()),
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
                return "connection_error", f"DNS lookup failed: {_one_line(str(cause))}"
        deepest = _causes(ex)[-1]
        return "connection_error", f"could not connect: {_one_line(str(deepest)) or message}"
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


def _check_completion(body: bytes, *, tool: bool) -> int | None:
    """Check a 2xx reply is a chat completion (with a tool call when `tool`).

    Returns:
        ``usage.completion_tokens`` when reported.

    Raises:
        _BadReply: when it is not.
    """
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        snippet = _one_line(body.decode("utf-8", errors="replace"))[:80]
        raise _BadReply("malformed", f"reply is not JSON: {snippet!r}") from None
    if not isinstance(data, dict):
        raise _BadReply("malformed", f"reply is JSON {type(data).__name__}, not an object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise _BadReply("malformed", "reply is not a chat completion (no choices)")
    choice: dict[str, Any] = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise _BadReply("malformed", "reply is not a chat completion (choice has no message)")
    tool_calls = message.get("tool_calls")
    content = message.get("content")
    if not tool and not isinstance(content, str) and not tool_calls:
        raise _BadReply("malformed", "chat completion message has neither content nor tool calls")
    if tool:
        _check_tool_calls(tool_calls, choice.get("finish_reason"))
    usage = data.get("usage")
    tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
    if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens >= 0:
        return tokens
    return None


def _check_tool_calls(tool_calls: Any, finish_reason: Any) -> None:
    """Raise `_BadReply` unless `tool_calls` holds well-formed calls of the offered tool."""
    if not isinstance(tool_calls, list) or not tool_calls:
        hint = ""
        if finish_reason == "length":
            hint = f" (finish_reason=length: cut off at {TOOL_MAX_TOKENS} tokens)"
        raise _BadReply("bad_tool_call", f"no tool call in the reply{hint}")
    for call in tool_calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            raise _BadReply("bad_tool_call", "tool call without a function")
        name = function.get("name")
        if name != TOOL_NAME:
            raise _BadReply("bad_tool_call", f"tool call of {name!r}, not the offered {TOOL_NAME}")
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            raise _BadReply(
                "bad_tool_call",
                f"tool call arguments are {type(arguments).__name__}, not a JSON-encoded string",
            )
        try:
            parsed: Any = json.loads(arguments)
        except ValueError:
            raise _BadReply(
                "bad_tool_call", f"tool call arguments are not JSON: {arguments[:80]!r}"
            ) from None
        if not isinstance(parsed, dict):
            raise _BadReply(
                "bad_tool_call",
                f"tool call arguments are JSON {type(parsed).__name__}, not an object",
            )


def _should_stop(outcomes: list[_Outcome]) -> bool:
    """Stop once a dead endpoint is evident: connection failures only, and enough of them."""
    if any(outcome.failure is None for outcome in outcomes):
        return False
    recent = outcomes[-STOP_AFTER_CONNECTION_FAILURES:]
    return len(recent) == STOP_AFTER_CONNECTION_FAILURES and all(
        outcome.failure in CONNECTION_FAILURES for outcome in recent
    )


def _build_report(
    base_url: str,
    model: str,
    requests: int,
    timeout: float,
    max_failure_rate: float,
    outcomes: list[_Outcome],
) -> PreflightReport:
    counts: Counter[FailureClass] = Counter()
    statuses: Counter[int] = Counter()
    first_errors: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.failure is None:
            continue
        counts[outcome.failure] += 1
        if outcome.status is not None:
            statuses[outcome.status] += 1
        first_errors.setdefault(outcome.failure, outcome.detail)
    failures = Failures.model_validate(
        {
            **{str(name): n for name, n in counts.items()},
            "http_status": dict(sorted(statuses.items())),
        }
    )
    good = [outcome for outcome in outcomes if outcome.failure is None]
    latencies = [outcome.latency_s * 1000 for outcome in good]
    with_usage = [outcome for outcome in good if outcome.completion_tokens is not None]
    usage_seconds = sum(outcome.latency_s for outcome in with_usage)
    tokens_per_s = (
        sum(outcome.completion_tokens or 0 for outcome in with_usage) / usage_seconds
        if with_usage and usage_seconds > 0
        else None
    )
    tool_outcomes = [outcome for outcome in outcomes if outcome.tool]
    sent = len(outcomes)
    failure_rate = failures.total / sent if sent else 0.0
    # Tool-call requests that got a 2xx reply but no well-formed tool call.
    bad_tool_replies = sum(
        1 for outcome in tool_outcomes if outcome.replied and outcome.failure is not None
    )

    reasons: list[str] = []
    verdict: Verdict
    if not good and sent and all(o.failure in CONNECTION_FAILURES for o in outcomes):
        verdict = "down"
        reasons.append(
            f"endpoint down: {_down_message(counts, base_url, timeout, outcomes[0].detail)}"
            f" ({sent}/{sent} requests failed to connect"
            + (f"; stopped early, {requests - sent} not sent)" if sent < requests else ")")
        )
    else:
        verdict = "stable"
        if failure_rate > max_failure_rate:
            verdict = "unstable"
            reasons.append(
                f"failure rate {100 * failure_rate:.1f}% ({failures.total}/{sent}) exceeds "
                f"the max {100 * max_failure_rate:.1f}%"
            )
        if bad_tool_replies:
            verdict = "unstable"
            reasons.append(
                f"{bad_tool_replies}/{len(tool_outcomes)} tool-call replies were not a "
                "well-formed tool call"
            )
        for failure, count in counts.items():
            reasons.append(
                f"{count}/{sent} {_DESCRIPTIONS[failure]}; first: {first_errors[failure]}"
            )
        if verdict == "stable":
            reasons.insert(0, f"{len(good)}/{sent} requests ok")
    return PreflightReport(
        base_url=base_url,
        model=model,
        requests=requests,
        sent=sent,
        ok=len(good),
        failures=failures,
        failure_rate=round(failure_rate, 4),
        max_failure_rate=max_failure_rate,
        timeout_s=timeout,
        latency_p50_ms=_round(percentile(latencies, 50)) if latencies else None,
        latency_p95_ms=_round(percentile(latencies, 95)) if latencies else None,
        output_tokens_per_s=_round(tokens_per_s) if tokens_per_s is not None else None,
        tool_call_requests=len(tool_outcomes),
        tool_calls_well_formed=sum(1 for outcome in tool_outcomes if outcome.failure is None),
        first_errors=first_errors,
        verdict=verdict,
        reasons=reasons,
    )


def _down_message(
    counts: Counter[FailureClass], base_url: str, timeout: float, first_error: str
) -> str:
    host = httpx.URL(base_url).netloc.decode("ascii", errors="replace")
    if counts["connection_refused"]:
        return f"connection refused at {host}: nothing is listening (is the server running?)"
    if counts["connect_timeout"]:
        return f"could not connect to {host} within {timeout:g} s (host unreachable or firewalled)"
    return f"could not connect to {host}: {first_error}"


def _check_base_url(base_url: str) -> str:
    base_url = base_url.strip().rstrip("/")
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as ex:
        raise ValueError(f"invalid base URL {base_url!r}: {ex}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"invalid base URL {base_url!r}: expected http(s)://host[:port]/path, "
            "e.g. http://127.0.0.1:8080/v1"
        )
    return base_url


def _base_url_arg(text: str) -> str:
    try:
        return _check_base_url(text)
    except ValueError as ex:
        raise argparse.ArgumentTypeError(str(ex)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within 0..1, not {text}")
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _round(value: float) -> float:
    return round(value, 1)


def _fmt(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.1f}{unit}"
