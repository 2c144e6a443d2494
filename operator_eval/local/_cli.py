"""`operator-eval local serve|models`: run a bundled model as an OpenAI-compatible server."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from types import FrameType

from operator_eval.local._models import BUNDLED_MODELS, DEFAULT_LOCAL_MODEL, LocalModelError
from operator_eval.local._server import DEFAULT_PORT, LocalServer, runtime_available


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the `local` subcommands to `parser`."""
    sub = parser.add_subparsers(dest="local_command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve a bundled model on loopback (OpenAI-compatible, with tool calls)",
        description="Start llama-cpp-python's OpenAI-compatible server for a bundled GGUF "
        "model, wait until it answers a tool-call request, print the --model string for "
        "inspect eval, and run until Ctrl-C.",
    )
    serve.add_argument("--model", default=DEFAULT_LOCAL_MODEL, choices=sorted(BUNDLED_MODELS))
    serve.add_argument("--host", default="127.0.0.1", help="interface (default loopback only)")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port (default {DEFAULT_PORT}, which Inspect's llama-cpp-python provider "
        "assumes; 0 picks a free one)",
    )
    serve.add_argument("--n-ctx", type=int, help="context window in tokens (default 8192)")
    serve.add_argument("--threads", type=int, help="CPU threads (default: llama.cpp's choice)")
    serve.set_defaults(func=cmd_serve)

    models = sub.add_parser("models", help="list the bundled models and whether they are installed")
    models.add_argument("--json", action="store_true", help="print JSON")
    models.set_defaults(func=cmd_models)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a bundled model until Ctrl-C (or SIGTERM)."""
    started = time.monotonic()
    model = BUNDLED_MODELS[args.model]
    server = LocalServer(
        model, host=args.host, port=args.port or None, n_ctx=args.n_ctx, threads=args.threads
    )
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        print(f"local: starting {model.title} on {args.host}:{server.port} ...", flush=True)
        ready = server.start()
        call = server.check_tool_call()
        print(
            f"local: ready in {ready:.1f} s; it answered a tool-call request with "
            f"{call['name']}({call.get('arguments', '')}) "
            f"{time.monotonic() - started:.1f} s after start",
            flush=True,
        )
        print(
            "\nUse it with:\n"
            f"  inspect eval operator_eval/deploy_recovery --model {server.inspect_model} "
            f"--model-base-url {server.base_url} --max-tokens 512\n"
            "As a model role (role models take neither --model-base-url nor --max-tokens):\n"
            f"  --model-role 'drafter={{model: {server.inspect_model}, max_tokens: 512, "
            f"model_args: {{base_url: {server.base_url}}}}}'\n"
            f"\nCtrl-C stops the server (its log: {server.log_path}).",
            flush=True,
        )
        code = server.wait()
        print(f"operator-eval local: the server exited with code {code}:", file=sys.stderr)
        print(server.log_tail(), file=sys.stderr)
        return 1
    except LocalModelError as ex:
        print(f"operator-eval local: {ex}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nlocal: stopping the server", flush=True)
        return 0
    finally:
        # A second Ctrl-C must not cut the stop (TERM, then KILL) short.
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            server.stop()
        finally:
            signal.signal(signal.SIGINT, interrupt)
            signal.signal(signal.SIGTERM, previous)


def cmd_models(args: argparse.Namespace) -> int:
    """List the bundled models."""
    rows = [
        {
            "name": model.name,
            "title": model.title,
            "package": model.package,
            "installed": model.installed(),
            "inspect_model": f"llama-cpp-python/{model.name}",
        }
        for model in BUNDLED_MODELS.values()
    ]
    runtime = runtime_available()
    if args.json:
        print(json.dumps({"runtime_installed": runtime, "models": rows}, indent=2))
        return 0
    print(f"llama-cpp-python server installed: {'yes' if runtime else 'no'}")
    for row in rows:
        state = "installed" if row["installed"] else f"not installed (pip package {row['package']})"
        print(f"  {row['name']:<12} {row['title']:<30} {state}")
    return 0
