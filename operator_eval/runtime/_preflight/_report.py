"""One preflight run's report: failure classes, verdicts, the report built from the outcomes."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import httpx
from pydantic import BaseModel, Field

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

DESCRIPTIONS: dict[FailureClass, str] = {
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
    """Failed requests by class (see the package docstring for each class)."""

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
        return sum(getattr(self, name) for name in DESCRIPTIONS)


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
class Outcome:
    """The result of one request."""

    tool: bool
    latency_s: float
    failure: FailureClass | None = None
    detail: str = ""
    status: int | None = None
    completion_tokens: int | None = None
    replied: bool = False
    """A 2xx reply came back (so a failure is about its content)."""


def build_report(
    base_url: str,
    model: str,
    requests: int,
    timeout: float,
    max_failure_rate: float,
    outcomes: list[Outcome],
) -> PreflightReport:
    """The report of a run's `outcomes`: the counts, latencies, speed, verdict and reasons."""
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
                f"{count}/{sent} {DESCRIPTIONS[failure]}; first: {first_errors[failure]}"
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


def _round(value: float) -> float:
    return round(value, 1)
