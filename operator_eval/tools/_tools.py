"""The operator's tools: LangChain async tools that act only through `sandbox()`.

The docstrings below are what the model reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from inspect_ai.util import sandbox, store
from langchain_core.tools import BaseTool, tool
from pydantic import JsonValue

from operator_eval import probe
from operator_eval.contracts import DEPLOY, HTTP_GET, LIST_FILES, READ_FILE, SHELL, WRITE_FILE
from operator_eval.contracts._spec import ToolFault
from operator_eval.contracts._store import ToolLogName, WorldRecord
from operator_eval.documents import document_text, is_document
from operator_eval.probe import WORLD_ENV
from operator_eval.tools._faults import FaultPlan, run_command_faulted, run_text_faulted
from operator_eval.tools._record import ToolBody, ToolFailure, run_recorded
from operator_eval.world._commands import deploy_command

MAX_READ_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_OUTPUT_CHARS = 16 * 1024
DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 300


def cap_output(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the head and tail of long output, saying how much was cut."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters cut ...]\n{text[-half:]}"


COMMAND_TAG = "run_command"
"""The runner's first argument (tells the execs of the agent's commands from the probes')."""

_RUN_COMMAND = (Path(__file__).parent / "_run_command_script.py").read_text(encoding="utf-8")


def command_argv(command: str, limit: int) -> list[str]:
    """The exec that runs an agent's `command` under a `limit`-second timeout.

    A python runner rather than a bash one: in the bwrap sandbox it runs in a fork of
    the exec server, with four fewer processes to start than a shell wrapper needs.
    """
    return ["python3", "-I", "-S", "-c", _RUN_COMMAND, COMMAND_TAG, str(limit), command]


def show_http(answer: dict[str, Any]) -> str:
    """What http_get shows: the status line, then the (capped) body."""
    return f"HTTP {answer['http_status']}\n{cap_output(answer['http_body'])}"


def _kind(fault: ToolFault | None) -> str | None:
    return fault.kind if fault else None


def _clamp_timeout(timeout: int) -> int:
    return max(1, min(int(timeout), MAX_TIMEOUT))


async def run_command(command: str, timeout: int) -> tuple[str, dict[str, Any]]:
    """Run a shell command in the workspace with a hard timeout and an output cap.

    coreutils `timeout` kills the command's whole process group, so a hung
    child (a stuck deploy) does not outlive the call. The command writes to
    temp files, not to the exec's pipes, so a process it starts in the
    background (`server &`) cannot hold the call open until it exits (see
    `_run_command_script.py`).
    """
    limit = _clamp_timeout(timeout)
    result = await sandbox().exec(
        command_argv(command, limit),
        timeout=limit + 10,
        env={WORLD_ENV: WorldRecord.read(store()).world_token or ""},
    )
    if result.returncode == 124:
        head = f"timed out after {limit}s (process killed); partial output:"
    else:
        head = f"exit code {result.returncode}"
    body = result.stdout + (f"\n[stderr]\n{result.stderr}" if result.stderr else "")
    output = f"{head}\n{cap_output(body)}"
    return output, {"ok": result.returncode == 0}


_SCHEMAS: dict[str, Any] = {}


def _tool(name: str) -> Callable[[Callable[..., Awaitable[str]]], BaseTool]:
    """`langchain_core.tools.tool(name)`, with each tool's argument schema built only once.

    Inferring a schema creates pydantic models (~2 ms a tool, six tools twice per
    sample); the functions are rebuilt per sample only for their closures, and their
    signatures never change.
    """

    def make(function: Callable[..., Awaitable[str]]) -> BaseTool:
        made = tool(name, args_schema=_SCHEMAS.get(name))(function)
        _SCHEMAS.setdefault(name, made.args_schema)
        return made

    return make


def operator_tools(
    socket: str | None,
    faults: Sequence[ToolFault] = (),
    *,
    log: ToolLogName = "tool_log",
) -> list[BaseTool]:
    """Build the operator tools for one sample.

    Args:
        socket: Workspace-relative unix socket of the world's HTTP service, if any.
        faults: Scheduled tool misbehaviours (tool_failure worlds); each faulted
            call is marked in the tool log and the transcript.
        log: The AgentRecord log the calls go to. The default is the agent's tool log,
            the evidence of record; a reviewer's tools log to `review_tool_log`, so that
            what only the reviewer observed never counts as the agent's evidence.

    Returns:
        read_file, write_file, list_files, shell, deploy, http_get.
    """
    plan = FaultPlan(faults)

    async def record(
        tool: str, args: dict[str, Any], body: ToolBody, fault: str | None = None
    ) -> str:
        return await run_recorded(tool, args, body, fault, log=log)

    @_tool(READ_FILE)
    async def read_file(path: str) -> str:
        """Read a file in the workspace as text.

        PDFs show their text; .eml emails show headers, body and each attachment's text.

        Args:
            path: Path relative to the workspace (no absolute paths, no `..` out of it).
        """

        async def body() -> tuple[str, dict[str, Any]]:
            answer = await probe.read_file(path, MAX_DOCUMENT_BYTES)
            if answer.error:
                raise ToolFailure(f"{path}: {answer.error}")
            if not answer.exists:
                raise ToolFailure(f"{path}: no such file")
            data, size = answer.data, answer.size or 0
            if is_document(path, data) and size <= MAX_DOCUMENT_BYTES:
                # Rendered exactly as the scorer renders it, so cited values match.
                return cap_output(document_text(path, data), MAX_READ_BYTES), {}
            text = data[:MAX_READ_BYTES].decode("utf-8", errors="replace")
            if size > MAX_READ_BYTES:
                text += f"\n[truncated: file has {size} bytes]"
            return text, {}

        fault = plan.take(READ_FILE, path)
        return await record(
            READ_FILE, {"path": path}, lambda: run_text_faulted(fault, body), _kind(fault)
        )

    @_tool(WRITE_FILE)
    async def write_file(path: str, content: str) -> str:
        """Create or overwrite a text file in the workspace (parent folders are created).

        Args:
            path: Path relative to the workspace (no absolute paths, no `..` out of it).
            content: The complete new content of the file.
        """

        async def body() -> tuple[str, dict[str, Any]]:
            answer = await probe.resolve_path(path)
            if not answer.ok or answer.rel is None:
                raise ToolFailure(f"{path}: {answer.error}")
            await sandbox().write_file(answer.rel, content)
            return f"wrote {len(content.encode('utf-8'))} bytes to {answer.rel}", {}

        return await record(WRITE_FILE, {"path": path}, body)

    @_tool(LIST_FILES)
    async def list_files(path: str = ".") -> str:
        """List files and folders under a workspace folder (two levels deep, with sizes).

        Args:
            path: Folder relative to the workspace; defaults to the workspace itself.
        """

        async def body() -> tuple[str, dict[str, Any]]:
            answer = await probe.list_folder(path, depth=2, max_entries=500)
            if answer.error:
                raise ToolFailure(f"{path}: {answer.error}")
            lines = answer.entries or ["(empty)"]
            if answer.truncated:
                lines.append("[listing truncated at 500 entries]")
            return "\n".join(lines), {}

        fault = plan.take(LIST_FILES, path)
        return await record(
            LIST_FILES, {"path": path}, lambda: run_text_faulted(fault, body), _kind(fault)
        )

    @_tool(SHELL)
    async def shell(command: str, timeout: int = DEFAULT_TIMEOUT) -> str:
        """Run a bash command in the workspace and return its exit code and output.

        Args:
            command: The command line, run with `bash -c` in the workspace.
            timeout: Seconds before the command is killed (1-300, default 30).
        """

        async def body() -> tuple[str, dict[str, Any]]:
            return await run_command(command, timeout)

        fault = plan.take(SHELL, command)
        return await record(
            SHELL,
            {"command": command, "timeout": timeout},
            lambda: run_command_faulted(fault, body, _clamp_timeout(timeout)),
            _kind(fault),
        )

    @_tool(DEPLOY)
    async def deploy(version: str, force: bool = False, timeout: int = DEFAULT_TIMEOUT) -> str:
        """Deploy a release with the workspace's deploy tooling (`deploy/deployctl deploy`).

        The output starts with the command line it ran (`$ deploy/deployctl deploy ...`).

        Args:
            version: The release version to deploy, e.g. "2.4.1".
            force: Reinstall the release even if it is already installed.
            timeout: Seconds before the deploy is killed (1-300, default 30).
        """
        command = deploy_command(version, force)

        fault = plan.take(DEPLOY, command)

        async def body() -> tuple[str, dict[str, Any]]:
            output, extra = await run_command_faulted(
                fault, lambda: run_command(command, timeout), _clamp_timeout(timeout)
            )
            # Show the command line: a proof cites it as a `command` item.
            return f"$ {command}\n{output}", extra

        args: dict[str, JsonValue] = {
            "version": version,
            "force": force,
            "timeout": timeout,
            "command": command,
        }
        return await record(DEPLOY, args, body, _kind(fault))

    @_tool(HTTP_GET)
    async def http_get(route: str = "/") -> str:
        """GET a route of the live service and return the status and body.

        Args:
            route: Path on the service, e.g. "/" or "/health".
        """

        async def body() -> tuple[str, dict[str, Any]]:
            if socket is None:
                raise ToolFailure("this task has no live service")
            if not route.startswith("/"):
                raise ToolFailure(f"route must start with '/': {route!r}")
            (answer,) = await probe.http_get({"socket": socket}, [{"route": route}])
            if answer.error:
                raise ToolFailure(f"GET {route}: {answer.error}")
            extra = {"http_status": answer.status, "http_body": answer.body}
            return show_http(extra), extra

        fault = plan.take(HTTP_GET, route)
        return await record(
            HTTP_GET,
            {"route": route},
            lambda: run_text_faulted(fault, body, field="http_body", render=show_http),
            _kind(fault),
        )

    return [read_file, write_file, list_files, shell, deploy, http_get]


# The service socket the shipped worlds use (the base world's `SOCKET`).
_DEFAULT_SOCKET = ".run/app.sock"


def default_tools() -> list[BaseTool]:
    """The operator tools a graph builds when it is given none (outside the solver).

    Outside an Inspect sample these tools report that no sandbox is available.
    """
    return operator_tools(socket=_DEFAULT_SOCKET)
