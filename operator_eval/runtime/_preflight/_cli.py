"""The `preflight` command line: its options, and the run that prints the report and exits."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys

from operator_eval.runtime._preflight._classify import one_line
from operator_eval.runtime._preflight._probe import check_base_url, run_preflight
from operator_eval.runtime._preflight._render import render_report


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
        print(f"preflight: failed: {type(ex).__name__}: {one_line(str(ex))}", file=sys.stderr)
        return 2
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(render_report(report))
    return report.exit_code


def _base_url_arg(text: str) -> str:
    try:
        return check_base_url(text)
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
