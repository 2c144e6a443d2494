"""`operator-eval preflight` against real local HTTP servers (fake OpenAI-compatible runtimes)."""

from __future__ import annotations

import argparse
import json
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Generator, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from operator_eval.runtime import PreflightReport, configure_parser, main_preflight, run_preflight
from operator_eval.runtime._preflight._report import percentile

# A behaviour answers one request: (handler, index of the request, parsed JSON body).
Behaviour = Callable[[BaseHTTPRequestHandler, int, dict[str, Any]], None]


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _serve(behaviour: Behaviour) -> Generator[str, None, None]:
    """Serve `behaviour` on 127.0.0.1:<ephemeral> in a thread; yield the base URL."""
    counter = {"n": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            assert self.path == "/v1/chat/completions"
            with lock:
                index = counter["n"]
                counter["n"] += 1
            behaviour(self, index, body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _send_json(handler: BaseHTTPRequestHandler, payload: Any, status: int = 200) -> None:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)


def _completion(message: dict[str, Any], *, usage: bool = True) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }
    if usage:
        reply["usage"] = {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}
    return reply


def _tool_message(arguments: str = '{"route": "/health"}') -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "http_get", "arguments": arguments},
            }
        ],
    }


def healthy(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
    time.sleep(0.002)  # a measurable latency
    if body.get("tools"):
        assert body["tool_choice"] == "auto"
        assert body["tools"][0]["function"]["name"] == "http_get"
        _send_json(handler, _completion(_tool_message()))
    else:
        _send_json(handler, _completion({"role": "assistant", "content": "ready"}))


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection abruptly: RST, no response."""
    sock: socket.socket = handler.request
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    handler.close_connection = True


def resetting(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
    if index % 2 == 1:
        _reset(handler)
    else:
        healthy(handler, index, body)


def garbage(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
    if not body.get("tools"):
        _send_json(handler, b"not json")
    elif index % 4 == 1:  # a plain answer to a tool request
        _send_json(handler, _completion({"role": "assistant", "content": "GET /health"}))
    else:  # arguments that are not a JSON object
        _send_json(handler, _completion(_tool_message(arguments='"/health"')))


def server_error(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
    _send_json(handler, {"error": {"message": "model crashed"}}, status=500)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], str]]:
    servers: list[Generator[str, None, None]] = []

    def start(behaviour: Behaviour) -> str:
        generator = _serve(behaviour)
        servers.append(generator)
        return next(generator)

    yield start
    for generator in servers:
        generator.close()


@pytest.fixture
def dead_url() -> str:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="operator-eval preflight")
    configure_parser(parser)
    return parser.parse_args(list(argv))


async def _run(base_url: str, requests: int = 4, **kwargs: Any) -> PreflightReport:
    kwargs.setdefault("timeout", 5.0)
    return await run_preflight(base_url, "fake-model", requests=requests, api_key="none", **kwargs)


async def test_healthy_server_is_stable(serve: Callable[[Behaviour], str]) -> None:
    url = serve(healthy)
    report = await _run(url, requests=6)
    assert report.verdict == "stable", report.reasons
    assert report.exit_code == 0
    assert (report.sent, report.ok, report.failures.total, report.failure_rate) == (6, 6, 0, 0.0)
    assert report.latency_p50_ms is not None and report.latency_p50_ms > 0
    assert report.latency_p95_ms is not None and report.latency_p95_ms >= report.latency_p50_ms
    assert report.output_tokens_per_s is not None and report.output_tokens_per_s > 0
    assert (report.tool_call_requests, report.tool_calls_well_formed) == (3, 3)


async def test_healthy_server_without_usage_has_no_tokens_per_second(
    serve: Callable[[Behaviour], str],
) -> None:
    def no_usage(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
        message = _tool_message() if body.get("tools") else {"role": "assistant", "content": "ok"}
        _send_json(handler, _completion(message, usage=False))

    report = await _run(serve(no_usage))
    assert report.verdict == "stable"
    assert report.output_tokens_per_s is None
    assert report.latency_p50_ms is not None


async def test_resetting_server_is_unstable(serve: Callable[[Behaviour], str]) -> None:
    url = serve(resetting)
    report = await _run(url, requests=6)
    assert report.failures.connection_reset == 3, report.first_errors
    assert report.ok == 3
    assert report.verdict == "unstable"
    assert report.exit_code == 1
    assert any("reset" in reason for reason in report.reasons)
    assert report.latency_p50_ms is not None  # of the successful half

    tolerant = await _run(url, requests=6, max_failure_rate=0.5)
    assert tolerant.failures.connection_reset == 3
    assert tolerant.verdict == "stable", tolerant.reasons


async def test_dead_endpoint_is_down(dead_url: str) -> None:
    report = await _run(dead_url, requests=10)
    assert report.verdict == "down"
    assert report.exit_code == 2
    assert report.ok == 0
    assert report.failures.connection_refused == report.sent == 3  # stops early
    assert report.latency_p50_ms is None and report.output_tokens_per_s is None
    assert "connection refused" in report.reasons[0]


def test_dead_endpoint_main_says_refused(dead_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_preflight(_args("--base-url", dead_url, "--model", "m"))
    out = capsys.readouterr().out
    assert code == 2
    assert "connection refused" in out
    assert out.strip().splitlines()[-1] == "verdict: down"
    assert "Traceback" not in out


async def test_hanging_server_times_out(serve: Callable[[Behaviour], str]) -> None:
    release = threading.Event()

    def hang(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
        release.wait(10)

    url = serve(hang)
    try:
        started = time.perf_counter()
        report = await _run(url, requests=2, timeout=0.5)
        elapsed = time.perf_counter() - started
    finally:
        release.set()
    assert report.failures.timeout == 2
    assert report.verdict == "unstable"  # the server is up, but does not answer
    assert elapsed < 2.5
    assert any("timeout" in reason for reason in report.reasons)


async def test_garbage_server_is_malformed(serve: Callable[[Behaviour], str]) -> None:
    report = await _run(serve(garbage), requests=4)
    assert report.failures.malformed == 2
    assert report.failures.bad_tool_call == 2
    assert report.ok == 0
    assert (report.tool_call_requests, report.tool_calls_well_formed) == (2, 0)
    assert report.verdict == "unstable"
    assert "not JSON" in report.first_errors["malformed"]
    assert "no tool call" in report.first_errors["bad_tool_call"]


async def test_bad_tool_call_is_unstable_even_when_failures_are_tolerated(
    serve: Callable[[Behaviour], str],
) -> None:
    def tool_args_not_object(
        handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]
    ) -> None:
        if body.get("tools"):
            _send_json(handler, _completion(_tool_message(arguments="[1, 2]")))
        else:
            healthy(handler, index, body)

    report = await _run(serve(tool_args_not_object), requests=4, max_failure_rate=1.0)
    assert report.failures.bad_tool_call == 2
    assert report.verdict == "unstable"
    assert "not an object" in report.first_errors["bad_tool_call"]


async def test_http_500_is_http_error(serve: Callable[[Behaviour], str]) -> None:
    report = await _run(serve(server_error), requests=3)
    assert report.failures.http_error == 3
    assert report.failures.http_status == {500: 3}
    assert report.verdict == "unstable"
    assert "model crashed" in report.first_errors["http_error"]


def test_main_text_report(
    serve: Callable[[Behaviour], str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(healthy)
    code = main_preflight(_args("--base-url", url + "/", "--model", "m", "--requests", "4"))
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[-1] == "verdict: stable"
    assert "ok: 4/4" in lines
    assert "tool calls well-formed: 2/2 (100%)" in lines
    assert any(line.startswith("latency p95: ") and line.endswith(" ms") for line in lines)


def test_main_json_report(
    serve: Callable[[Behaviour], str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(server_error)
    code = main_preflight(_args("--base-url", url, "--model", "m", "--requests", "2", "--json"))
    data = json.loads(capsys.readouterr().out)
    report = PreflightReport.model_validate(data)
    assert code == 1 == report.exit_code
    assert report.verdict == data["verdict"] == "unstable"
    assert report.failures.http_status == {500: 2}
    assert data["failures"]["http_error"] == 2
    assert report.base_url == url and report.model == "m"


def test_main_rejects_a_bad_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(
        base_url="127.0.0.1:8080/v1",
        model="m",
        requests=2,
        timeout=1.0,
        api_key="none",
        json=False,
        max_failure_rate=0.0,
    )
    assert main_preflight(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("preflight: invalid base URL") and err.count("\n") == 1
    with pytest.raises(SystemExit):
        _args("--base-url", "localhost:8080", "--model", "m")


def test_parser_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    args = _args("--base-url", "http://127.0.0.1:8080/v1", "--model", "m")
    assert (args.requests, args.timeout, args.api_key, args.json, args.max_failure_rate) == (
        10,
        30.0,
        "none",
        False,
        0.0,
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert _args("--base-url", "http://h/v1", "--model", "m").api_key == "sk-test"


def test_percentile() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(n) for n in range(1, 101)], 95) == pytest.approx(95.05)


async def test_server_closing_without_response_counts_as_reset(
    serve: Callable[[Behaviour], str],
) -> None:
    def close_quietly(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
        handler.close_connection = True  # FIN, no response at all

    report = await _run(serve(close_quietly), requests=2)
    assert report.failures.connection_reset == 2, report.first_errors
    assert report.verdict == "unstable"


async def test_invalid_http_is_malformed(serve: Callable[[Behaviour], str]) -> None:
    def not_http(handler: BaseHTTPRequestHandler, index: int, body: dict[str, Any]) -> None:
        handler.wfile.write(b"garbage that is not an HTTP status line\r\n\r\n")
        handler.close_connection = True

    report = await _run(serve(not_http), requests=2)
    assert report.failures.malformed == 2, report.first_errors
    assert "invalid HTTP" in report.first_errors["malformed"]
