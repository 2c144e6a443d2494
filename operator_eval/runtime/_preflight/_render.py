"""A preflight report as text: one line per metric, the reasons, then the verdict."""

from __future__ import annotations

from operator_eval.runtime._preflight._report import DESCRIPTIONS, PreflightReport


def render_report(report: PreflightReport) -> str:
    """Render a report as text: one line per metric, the reasons, then the verdict.

    Args:
        report: The report to render.

    Returns:
        The text, without a trailing newline.
    """
    failures = report.failures
    parts = []
    for name in DESCRIPTIONS:
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


def _fmt(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.1f}{unit}"
