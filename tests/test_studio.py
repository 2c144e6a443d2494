"""LangGraph Studio: `langgraph dev` at the repo root serves every graph in langgraph.json.

Starts the real in-memory server (`langgraph-cli[inmem]`) on loopback, as the README
says to, fetches each graph over its HTTP API, and runs one graph against a fake
OpenAI-compatible model server (also on loopback), so that the Studio model's
configuration and the tools' answer outside a sandbox are what a user gets.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
LANGGRAPH = Path(sys.executable).with_name("langgraph")
CONFIG = json.loads((REPO / "langgraph.json").read_text())

pytestmark = pytest.mark.skipif(
    not LANGGRAPH.is_file() or importlib.util.find_spec("langgraph_runtime_inmem") is None,
    reason="langgraph-cli[inmem] is not installed (pip install -e '.[dev]')",
)

# Each graph's own nodes, and edges Studio must draw (both ends of each tool loop).
EXPECTED = {
    "react_operator": (
        {"call_model", "tools"},
        {("call_model", "tools"), ("tools", "call_model"), ("call_model", "__end__")},
    ),
    "resilient_operator": (
        {"call_model", "tools"},
        {("call_model", "tools"), ("tools", "call_model"), ("call_model", "__end__")},
    ),
    "draft_verify": (
        {"draft", "draft_tools", "open_review", "verify", "verify_tools", "decide"},
        {("draft", "draft_tools"), ("verify", "verify_tools"), ("decide", "__end__")},
    ),
}
STUDIO_MODEL = "studio-test-model"
_API_URL = re.compile(r"API: (?:\x1b\[[0-9;]*m)?(http://127\.0\.0\.1:\d+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeModel(http.server.BaseHTTPRequestHandler):
    """An OpenAI chat-completions endpoint: calls `shell` once, then reports what it read."""

    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["_authorization"] = self.headers.get("Authorization")
        FakeModel.requests.append(body)
        tool_outputs = [m["content"] for m in body["messages"] if m["role"] == "tool"]
        if tool_outputs:
            delta: dict[str, Any] = {"role": "assistant", "content": f"saw: {tool_outputs[-1]}"}
            finish = "stop"
        else:
            call = {"name": "shell", "arguments": json.dumps({"command": "ls"})}
            delta = {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": call}],
            }
            finish = "tool_calls"
        base = {"id": "c1", "created": 0, "model": body["model"]}
        if body.get("stream"):
            chunks = [
                {
                    **base,
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                },
                {
                    **base,
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
                },
            ]
            data = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
            self._send(data.encode(), "text/event-stream")
        else:
            message = dict(delta)
            for call_item in message.get("tool_calls", []):
                call_item.pop("index")
            answer = {
                **base,
                "object": "chat.completion",
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            }
            self._send(json.dumps(answer).encode(), "application/json")

    def _send(self, payload: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fake_model() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def studio(fake_model: str) -> Iterator[str]:
    """`langgraph dev` as the README gives it, from the repo root; yields its base URL."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        # Nothing may leave loopback (CI has no network): the CLI's usage analytics,
        # the server's check for a newer version, LangSmith tracing.
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "true",
        "LANGSMITH_TRACING": "false",
        "OPENAI_BASE_URL": fake_model,
        "OPENAI_API_KEY": "studio-test-key",
        "OPERATOR_MODEL": STUDIO_MODEL,
    }
    command = [str(LANGGRAPH), "dev", "--no-browser", "--no-reload"]
    command += ["--host", "127.0.0.1", "--port", str(_free_port())]
    proc = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(iter(proc.stdout.readline, "")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        url = _wait_ready(proc, lines)
        yield url
    finally:
        _stop(proc)
        reader.join(timeout=10)


def _stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM the server's process group (the CLI and its workers), then SIGKILL."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):  # the group is already gone
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_ready(proc: subprocess.Popen[str], lines: list[str], budget: float = 180) -> str:
    """The server's URL (from its banner: it moves to another port when ours is taken)."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"langgraph dev exited with {proc.returncode}:\n{''.join(lines)[-4000:]}")
        found = next((m for m in map(_API_URL.search, list(lines)) if m), None)
        if found:
            try:
                if httpx.get(f"{found.group(1)}/ok", timeout=5).status_code == 200:
                    return found.group(1)
            except httpx.TransportError:
                pass
        time.sleep(0.5)
    pytest.fail(f"langgraph dev was not ready in {budget} s:\n{''.join(lines)[-4000:]}")


def _assistants(url: str) -> dict[str, str]:
    found = httpx.post(f"{url}/assistants/search", json={"limit": 100}, timeout=30)
    found.raise_for_status()
    return {a["graph_id"]: a["assistant_id"] for a in found.json()}


def test_config_lists_every_shipped_graph() -> None:
    assert set(CONFIG["graphs"]) == set(EXPECTED)


def test_every_graph_is_served_with_its_nodes_and_edges(studio: str) -> None:
    assistants = _assistants(studio)
    assert set(assistants) == set(EXPECTED)
    for graph_id, (nodes, edges) in EXPECTED.items():
        answer = httpx.get(f"{studio}/assistants/{assistants[graph_id]}/graph", timeout=60)
        assert answer.status_code == 200, f"{graph_id}: {answer.status_code} {answer.text}"
        drawn = answer.json()
        assert nodes <= {n["id"] for n in drawn["nodes"]}, graph_id
        assert edges <= {(e["source"], e["target"]) for e in drawn["edges"]}, graph_id


def _final_state(studio: str, endpoint: str, assistant_id: str) -> dict[str, Any]:
    """Run a graph statelessly; `stream` is how Studio runs it (model tokens streamed)."""
    body: dict[str, Any] = {
        "assistant_id": assistant_id,
        "input": {"messages": [{"role": "user", "content": "list the workspace"}]},
    }
    if endpoint == "wait":
        run = httpx.post(f"{studio}/runs/wait", json=body, timeout=120)
        assert run.status_code == 200, run.text
        return dict(run.json())
    body["stream_mode"] = ["values", "messages-tuple"]
    run = httpx.post(f"{studio}/runs/stream", json=body, timeout=120)
    assert run.status_code == 200, run.text
    events = run.text.replace("\r\n", "\n").split("\n\n")
    values = [e for e in events if e.lstrip().startswith("event: values")]
    assert values, run.text[-2000:]
    data = values[-1].split("data: ", 1)[1]
    return dict(json.loads(data))


@pytest.mark.parametrize("endpoint", ["wait", "stream"])
def test_a_run_uses_the_configured_model_and_tools_say_they_need_a_sandbox(
    studio: str, endpoint: str
) -> None:
    FakeModel.requests.clear()
    state = _final_state(studio, endpoint, _assistants(studio)["react_operator"])
    messages = state["messages"]
    tool = next(m for m in messages if m["type"] == "tool")
    assert tool["name"] == "shell"
    assert "shell did not run: in LangGraph Studio the operator tools have no sandbox" in str(
        tool["content"]
    )
    assert messages[-1]["type"] == "ai"
    assert messages[-1]["content"] == f"saw: {tool['content']}"
    assert [r["model"] for r in FakeModel.requests] == [STUDIO_MODEL, STUDIO_MODEL]
    assert FakeModel.requests[0]["_authorization"] == "Bearer studio-test-key"
    assert [bool(r.get("stream")) for r in FakeModel.requests] == [endpoint == "stream"] * 2
    # The model is offered the same six tools as in an eval.
    offered = {t["function"]["name"] for t in FakeModel.requests[0]["tools"]}
    assert offered == {"read_file", "write_file", "list_files", "shell", "deploy", "http_get"}
