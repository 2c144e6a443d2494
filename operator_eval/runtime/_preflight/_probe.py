"""The probing: sequential chat requests to an endpoint, each judged, until done or clearly dead."""

from __future__ import annotations

import asyncio
import time

import httpx

from operator_eval.runtime._preflight._classify import (
    BadReply,
    check_completion,
    classify_transport,
    one_line,
)
from operator_eval.runtime._preflight._report import (
    CONNECTION_FAILURES,
    Outcome,
    PreflightReport,
    build_report,
)
from operator_eval.runtime._preflight._requests import chat_request

STOP_AFTER_CONNECTION_FAILURES = 3
"""Stop early after this many connection failures in a row with no success yet."""


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
    base_url = check_base_url(base_url)
    if requests < 1:
        raise ValueError(f"requests must be at least 1, not {requests}")
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, not {timeout}")
    if not 0.0 <= max_failure_rate <= 1.0:
        raise ValueError(f"max_failure_rate must be within 0..1, not {max_failure_rate}")
    url = f"{base_url}/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    outcomes: list[Outcome] = []
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=False
    ) as client:
        for index in range(requests):
            outcome = await _one_request(client, url, model, tool=index % 2 == 1, timeout=timeout)
            outcomes.append(outcome)
            if _should_stop(outcomes):
                break
    return build_report(base_url, model, requests, timeout, max_failure_rate, outcomes)


async def _one_request(
    client: httpx.AsyncClient, url: str, model: str, *, tool: bool, timeout: float
) -> Outcome:
    start = time.perf_counter()
    # httpx's own timeouts are per phase (connect, each read); this bounds the whole request.
    # The slack lets httpx report the phase (connect vs read) when a single phase hangs.
    deadline = timeout * 1.05 + 0.05
    try:
        async with asyncio.timeout(deadline):
            response = await client.post(url, json=chat_request(model, tool=tool))
            body = response.content
    except TimeoutError:
        return Outcome(tool, time.perf_counter() - start, "timeout", f"no reply in {timeout:g} s")
    except httpx.HTTPError as ex:
        failure, detail = classify_transport(ex, timeout)
        return Outcome(tool, time.perf_counter() - start, failure, detail)
    latency = time.perf_counter() - start
    if not response.is_success:
        snippet = one_line(body.decode("utf-8", errors="replace"))[:160]
        reason = response.reason_phrase
        detail = f"HTTP {response.status_code} {reason}: {snippet or '(empty body)'}"
        return Outcome(tool, latency, "http_error", detail, status=response.status_code)
    try:
        tokens = check_completion(body, tool=tool)
    except BadReply as bad:
        return Outcome(tool, latency, bad.failure, bad.detail, replied=True)
    return Outcome(tool, latency, completion_tokens=tokens, replied=True)


def _should_stop(outcomes: list[Outcome]) -> bool:
    """Stop once a dead endpoint is evident: connection failures only, and enough of them."""
    if any(outcome.failure is None for outcome in outcomes):
        return False
    recent = outcomes[-STOP_AFTER_CONNECTION_FAILURES:]
    return len(recent) == STOP_AFTER_CONNECTION_FAILURES and all(
        outcome.failure in CONNECTION_FAILURES for outcome in recent
    )


def check_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash; ValueError unless it is http(s)://host[...]."""
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
