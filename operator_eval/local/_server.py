"""Serve a bundled GGUF model on loopback with llama-cpp-python's OpenAI-compatible server."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from operator_eval.contracts import HTTP_GET_SPEC
from operator_eval.local._models import LOCAL_EXTRA_HINT, BundledModel, LocalModelError

DEFAULT_PORT = 8000
"""llama-cpp-python's own default, which Inspect's `llama-cpp-python/` provider assumes."""
READY_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0

TOOL_CHECK_TOOLS = [HTTP_GET_SPEC]
"""The tools offered to the model when checking that it makes tool calls."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def runtime_available() -> bool:
    """llama-cpp-python and its server (the `[local]` extra) are installed."""
    return (
        importlib.util.find_spec("llama_cpp") is not None
        and importlib.util.find_spec("uvicorn") is not None
        and importlib.util.find_spec("sse_starlette") is not None
    )


def inspect_model_name(model: BundledModel) -> str:
    """The `--model` string Inspect uses for a served bundled model."""
    return f"llama-cpp-python/{model.name}"


class LocalServer:
    """llama-cpp-python's server for one bundled model, as a context manager.

    Example:
        with LocalServer(bundled_model("smollm2")) as server:
            eval("operator_eval/deploy_recovery", model=server.inspect_model,
                 model_base_url=server.base_url)
    """

    def __init__(
        self,
        model: BundledModel,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        n_ctx: int | None = None,
        threads: int | None = None,
        log_path: Path | None = None,
    ) -> None:
        """Describe the server; `start()` (or `with`) runs it.

        Args:
            model: The bundled model to serve.
            host: Interface to listen on (loopback by default: nothing else can reach it).
            port: TCP port; None picks a free one.
            n_ctx: Context window in tokens (default: the model's).
            threads: CPU threads for generation (default: llama.cpp's choice).
            log_path: Where the server's output goes (default: a temp file).
        """
        self.model = model
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.n_ctx = n_ctx or model.n_ctx
        self.threads = threads
        if log_path is None:
            # A fresh private file, not a predictable name in a shared temp dir.
            prefix = f"operator-eval-local-{model.name}-"
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=".log")
            os.close(handle)
            log_path = Path(name)
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (`.../v1`)."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def inspect_model(self) -> str:
        """The `--model` string for Inspect."""
        return inspect_model_name(self.model)

    def command(self) -> list[str]:
        """The server command line."""
        command = [
            sys.executable,
            "-m",
            "operator_eval.local._llama_main",  # llama_cpp.server with new tokens capped
            "--model",
            str(self.model.gguf_path()),
            "--model_alias",
            self.model.name,
            "--chat_format",
            self.model.chat_format,
            "--n_ctx",
            str(self.n_ctx),
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        if self.threads:
            command += ["--n_threads", str(self.threads)]
        return command

    def start(self, timeout: float = READY_TIMEOUT) -> float:
        """Start the server and wait until it answers.

        Returns:
            Seconds from start until the server answered `/v1/models`.

        Raises:
            LocalModelError: the runtime is not installed, the port is taken, or the
                server died or did not answer within `timeout` (with its last output).
        """
        if not runtime_available():
            raise LocalModelError(f"llama-cpp-python's server is not installed; {LOCAL_EXTRA_HINT}")
        if _port_taken(self.host, self.port):
            raise LocalModelError(
                f"port {self.port} on {self.host} is already in use; pass another --port"
            )
        command = self.command()
        started = time.monotonic()
        self._log = self.log_path.open("wb")
        try:
            self._process = subprocess.Popen(
                command,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() reaches every child
            )
        except OSError as ex:
            self.stop()
            raise LocalModelError(f"cannot start the local model server: {ex}") from ex
        try:
            self._wait_ready(started, timeout)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - started

    def _wait_ready(self, started: float, timeout: float) -> None:
        assert self._process is not None
        while time.monotonic() - started < timeout:
            code = self._process.poll()
            if code is not None:
                raise LocalModelError(
                    f"the local model server exited with code {code}:\n{self.log_tail()}"
                )
            try:
                # trust_env=False: a proxy from the environment must not see loopback probes.
                answer = httpx.get(f"{self.base_url}/models", timeout=2.0, trust_env=False)
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise LocalModelError(
            f"the local model server did not answer within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server printed."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server output)"
        return "\n".join(text.splitlines()[-lines:])

    def check_tool_call(self, timeout: float = 60.0) -> dict[str, Any]:
        """Ask for a tool call and return the call the model made.

        Raises:
            LocalModelError: the answer is not a tool call (or the request failed).
        """
        request = {
            "model": self.model.name,
            "messages": [
                {"role": "system", "content": "You are an operator. Act only through tools."},
                {"role": "user", "content": "Is the service healthy? Check route /health."},
            ],
            "tools": TOOL_CHECK_TOOLS,
            "tool_choice": "auto",
            "max_tokens": 64,
        }
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions",
                json=request,
                timeout=timeout,
                trust_env=False,
            )
            response.raise_for_status()
            message = response.json()["choices"][0]["message"]
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as ex:
            raise LocalModelError(f"tool-call check failed: {ex}") from ex
        calls = message.get("tool_calls") or []
        if not calls:
            raise LocalModelError(
                f"tool-call check: the model answered without a tool call: {message}"
            )
        function: dict[str, Any] = calls[0]["function"]
        return function

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        assert self._process is not None
        return self._process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after a grace period)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalServer:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()
