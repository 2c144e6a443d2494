"""Shared fixtures: a real local Inspect sandbox installed as the current sample's sandbox."""

from __future__ import annotations

import shutil
import socketserver
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.util._sandbox.context import (
    sandbox_default_context_var,
    sandbox_environments_context_var,
    sandbox_with_environments_context_var,
)
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment
from inspect_ai.util._store import Store, _subtask_store


@pytest.fixture
def local_sandbox() -> Iterator[LocalSandboxEnvironment]:
    """A real `local` sandbox (a temp dir) as `sandbox()`, with a fresh sample `store()`."""
    env = LocalSandboxEnvironment()
    tokens = [
        (sandbox_environments_context_var, sandbox_environments_context_var.set({"default": env})),
        (sandbox_with_environments_context_var, sandbox_with_environments_context_var.set({})),
        (sandbox_default_context_var, sandbox_default_context_var.set("default")),
        (_subtask_store, _subtask_store.set(Store())),
    ]
    try:
        yield env
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
        env.directory.cleanup()
        shutil.rmtree(env.directory.name, ignore_errors=True)


Route = tuple[int, bytes] | list[tuple[int, bytes]]
"""A route's answer; a list is answered in turn, its last answer repeated."""


def _handler(routes: dict[str, Route]) -> type[BaseHTTPRequestHandler]:
    """A request handler answering `routes` (404 elsewhere); a list is answered in turn."""
    pending = {route: list(a) if isinstance(a, list) else [a] for route, a in routes.items()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answers = pending.get(self.path, [(404, b"not found")])
            status, body = answers.pop(0) if len(answers) > 1 else answers[0]
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def unix_http_server() -> Iterator[Callable[[Path, dict[str, Route]], Path]]:
    """Start real HTTP servers on unix sockets: `unix_http_server(path, {route: answer})`."""
    servers: list[tuple[socketserver.UnixStreamServer, threading.Thread]] = []

    def start(path: Path, routes: dict[str, Route]) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        server = socketserver.UnixStreamServer(str(path), _handler(routes))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append((server, thread))
        return path

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def loopback_http_server() -> Iterator[Callable[[dict[str, Route]], str]]:
    """Start real HTTP servers on 127.0.0.1: `loopback_http_server({route: answer})` -> URL."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(routes: dict[str, Route]) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
