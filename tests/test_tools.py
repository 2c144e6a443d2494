"""The operator tools, run for real through a local Inspect sandbox (a temp dir)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.util import store
from inspect_ai.util._sandbox.context import sandbox_environments_context_var
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from operator_eval.contracts import AgentRecord, ToolRecord
from operator_eval.tools import operator_tools
from operator_eval.tools._tools import MAX_OUTPUT_CHARS, MAX_READ_BYTES

SOCKET = "run/app.sock"


def workspace(env: LocalSandboxEnvironment) -> Path:
    return Path(env.directory.name)


def tools_by_name(socket: str | None = SOCKET) -> dict[str, BaseTool]:
    return {t.name: t for t in operator_tools(socket)}


def tool_log() -> list[ToolRecord]:
    return [ToolRecord.model_validate(r) for r in AgentRecord.read(store()).tool_log]


async def call(name: str, args: dict[str, Any], socket: str | None = SOCKET) -> str:
    output = await tools_by_name(socket)[name].ainvoke(args)
    assert isinstance(output, str)
    return output


def test_operator_tools_offers_the_six_tools() -> None:
    names = [t.name for t in operator_tools(None)]
    assert names == ["read_file", "write_file", "list_files", "shell", "deploy", "http_get"]


def test_every_sample_offers_the_model_the_same_tool_schemas() -> None:
    # the argument schemas are built once and reused (a speed-up): what the model reads
    # must not change from the first sample to the next
    first, later = operator_tools(None), operator_tools("svc.sock")
    assert [convert_to_openai_tool(t) for t in first] == [convert_to_openai_tool(t) for t in later]
    assert convert_to_openai_tool(later[3])["function"]["parameters"]["required"] == ["command"]


# --- files inside the workspace -------------------------------------------------------------


async def test_write_then_read_and_list(local_sandbox: LocalSandboxEnvironment) -> None:
    ws = workspace(local_sandbox)
    out = await call("write_file", {"path": "conf/app.yaml", "content": "port: 8080\nnamé: ü\n"})
    assert out == "wrote 21 bytes to conf/app.yaml"
    assert (ws / "conf" / "app.yaml").read_text(encoding="utf-8") == "port: 8080\nnamé: ü\n"

    assert await call("read_file", {"path": "conf/app.yaml"}) == "port: 8080\nnamé: ü\n"
    # Overwrite replaces the whole file.
    await call("write_file", {"path": "conf/app.yaml", "content": "x"})
    assert await call("read_file", {"path": "./conf/../conf/app.yaml"}) == "x"

    listing = (await call("list_files", {})).splitlines()
    assert "conf/" in listing
    assert "conf/app.yaml (1 bytes)" in listing


async def test_list_files_shows_nested_folders_and_symlinks(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    ws = workspace(local_sandbox)
    (ws / "deploy" / "releases" / "2.4.1" / "bin").mkdir(parents=True)
    (ws / "deploy" / "releases" / "2.4.1" / "bin" / "app").write_text("#!/bin/sh")
    (ws / "deploy" / "releases" / "2.4.1" / "manifest").write_text("v")
    (ws / "deploy" / "current").symlink_to("releases/2.4.1")

    listing = (await call("list_files", {"path": "deploy"})).splitlines()
    assert "deploy/current -> releases/2.4.1" in listing
    assert "deploy/releases/" in listing
    # The deepest level listed still shows its folders, not just its files.
    assert "deploy/releases/2.4.1/manifest (1 bytes)" in listing
    assert "deploy/releases/2.4.1/bin/" in listing
    assert not any(line.startswith("deploy/releases/2.4.1/bin/app") for line in listing)

    top = (await call("list_files", {"path": "."})).splitlines()
    assert "deploy/releases/2.4.1/" in top  # releases/ does not look empty


async def test_list_files_empty_and_not_a_directory(local_sandbox: LocalSandboxEnvironment) -> None:
    ws = workspace(local_sandbox)
    assert await call("list_files", {}) == "(empty)"
    (ws / "f.txt").write_text("x")
    out = await call("list_files", {"path": "f.txt"})
    assert out == "error: f.txt: not a directory"


async def test_read_missing_file_is_a_tool_error(local_sandbox: LocalSandboxEnvironment) -> None:
    out = await call("read_file", {"path": "nope.txt"})
    assert out == "error: nope.txt: no such file"
    assert tool_log()[-1].ok is False


async def test_read_non_utf8_file_does_not_crash(local_sandbox: LocalSandboxEnvironment) -> None:
    (workspace(local_sandbox) / "blob.bin").write_bytes(b"head\xff\xfe\x80tail\x00")
    out = await call("read_file", {"path": "blob.bin"})
    assert out.startswith("head")
    assert "tail" in out
    assert "\ufffd" in out
    assert tool_log()[-1].ok is True


async def test_read_huge_file_is_truncated_with_a_note(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    size = MAX_READ_BYTES * 3
    (workspace(local_sandbox) / "big.log").write_bytes(b"a" * (size - 8) + b"TAILMARK")
    out = await call("read_file", {"path": "big.log"})
    assert f"[truncated: file has {size} bytes]" in out
    assert "TAILMARK" not in out
    assert len(out) < MAX_READ_BYTES + 100


# --- nothing outside the workspace ---------------------------------------------------------


@pytest.fixture
def outside(local_sandbox: LocalSandboxEnvironment, tmp_path: Path) -> Iterator[Path]:
    """A secret file and a folder outside the workspace, plus symlinks to them inside it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    folder = tmp_path / "outdir"
    folder.mkdir()
    ws = workspace(local_sandbox)
    (ws / "link.txt").symlink_to(secret)
    (ws / "linkdir").symlink_to(folder)
    yield tmp_path


@pytest.mark.parametrize("path", ["../x", "../../etc/passwd", "a/../../x", "link.txt"])
async def test_read_outside_the_workspace_is_refused(outside: Path, path: str) -> None:
    out = await call("read_file", {"path": path})
    assert out.startswith("error: ")
    assert "outside the workspace" in out
    assert "TOP-SECRET" not in out
    assert tool_log()[-1].ok is False


async def test_read_absolute_path_is_refused(outside: Path) -> None:
    out = await call("read_file", {"path": str(outside / "secret.txt")})
    assert "outside the workspace" in out
    assert "TOP-SECRET" not in out


@pytest.mark.parametrize("path", ["../escape.txt", "link.txt", "linkdir/new.txt"])
async def test_write_outside_the_workspace_is_refused(outside: Path, path: str) -> None:
    out = await call("write_file", {"path": path, "content": "pwned"})
    assert out.startswith("error: ")
    assert "outside the workspace" in out
    assert (outside / "secret.txt").read_text() == "TOP-SECRET"
    assert not (outside / "outdir" / "new.txt").exists()
    assert tool_log()[-1].ok is False


async def test_write_absolute_path_is_refused(outside: Path) -> None:
    target = outside / "abs.txt"
    out = await call("write_file", {"path": str(target), "content": "pwned"})
    assert "outside the workspace" in out
    assert not target.exists()


async def test_list_outside_the_workspace_is_refused(outside: Path) -> None:
    for path in ("..", "linkdir", str(outside)):
        out = await call("list_files", {"path": path})
        assert "outside the workspace" in out, path


# --- shell ----------------------------------------------------------------------------------


async def test_shell_reports_exit_code_and_output(local_sandbox: LocalSandboxEnvironment) -> None:
    (workspace(local_sandbox) / "here.txt").write_text("x")
    out = await call("shell", {"command": "ls; echo oops >&2; exit 3"})
    assert out.splitlines()[0] == "exit code 3"
    assert "here.txt" in out  # runs in the workspace
    assert "[stderr]\noops" in out
    assert tool_log()[-1].ok is False

    ok = await call("shell", {"command": "echo hello"})
    assert ok == "exit code 0\nhello\n"
    assert tool_log()[-1].ok is True


async def test_shell_caps_huge_output(local_sandbox: LocalSandboxEnvironment) -> None:
    out = await call("shell", {"command": "printf 'HEAD'; head -c 200000 /dev/zero | tr '\\0' x"})
    assert len(out) < MAX_OUTPUT_CHARS + 200
    assert "characters cut" in out
    assert "HEAD" in out  # the head is kept
    assert out.rstrip().endswith("x")  # and the tail


def _surviving(pattern: str) -> list[str]:
    found = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True)
    return found.stdout.splitlines()


async def test_shell_timeout_kills_the_command_and_its_children(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    marker = f"sleep {random.randint(10_000_000, 99_999_999)}"
    command = f"{marker} & (echo started; {marker}) & {marker}; echo never"
    try:
        out = await call("shell", {"command": command, "timeout": 1})
        assert "timed out" in out
        assert "started" in out  # partial output kept
        assert "never" not in out
        for _ in range(40):  # give the kernel a moment to reap them
            if not _surviving(marker):
                break
            await asyncio.sleep(0.05)
        assert _surviving(marker) == []
        assert tool_log()[-1].ok is False
    finally:
        for line in _surviving(marker):  # never leave strays behind, even on failure
            os.kill(int(line.split()[0]), signal.SIGKILL)


async def test_shell_returns_while_a_background_process_keeps_running(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    # An operator restarting a service runs `server &`: the call must not wait for it.
    marker = f"sleep {random.randint(10_000_000, 99_999_999)}"
    try:
        started = time.monotonic()
        out = await call("shell", {"command": f"{marker} & echo started", "timeout": 5})
        assert time.monotonic() - started < 4
        assert out == "exit code 0\nstarted\n"
        assert len(_surviving(marker)) == 1  # the service was not killed either
    finally:
        for line in _surviving(marker):
            os.kill(int(line.split()[0]), signal.SIGKILL)


# --- http_get -------------------------------------------------------------------------------


@pytest.fixture
def http_service(local_sandbox: LocalSandboxEnvironment, unix_http_server: Any) -> Path:
    """A real HTTP server listening on run/app.sock inside the workspace."""
    body = b'{"status": "ok", "version": "2.4.1"}'
    return unix_http_server(workspace(local_sandbox) / SOCKET, {"/health": (200, body)})


async def test_http_get_returns_status_and_body(http_service: Path) -> None:
    out = await call("http_get", {"route": "/health"})
    assert out == 'HTTP 200\n{"status": "ok", "version": "2.4.1"}'
    record = tool_log()[-1]
    assert record.tool == "http_get"
    assert record.ok is True
    assert record.http_status == 200
    assert record.http_body == '{"status": "ok", "version": "2.4.1"}'

    missing = await call("http_get", {"route": "/nope"})
    assert missing == "HTTP 404\nnot found"
    assert tool_log()[-1].http_status == 404


async def test_http_get_without_a_service_is_a_tool_error(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    out = await call("http_get", {"route": "/health"}, socket=None)
    assert out == "error: this task has no live service"
    assert tool_log()[-1].ok is False
    assert tool_log()[-1].http_status is None


async def test_http_get_route_must_start_with_slash(http_service: Path) -> None:
    out = await call("http_get", {"route": "health"})
    assert out.startswith("error: route must start with '/'")
    assert tool_log()[-1].ok is False


async def test_http_get_with_nothing_listening_is_a_tool_error(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    out = await call("http_get", {"route": "/health"})
    assert out.startswith("error: GET /health: ")
    assert tool_log()[-1].ok is False


# --- the tool log and errors ---------------------------------------------------------------


async def test_every_call_is_recorded_in_order(local_sandbox: LocalSandboxEnvironment) -> None:
    await call("write_file", {"path": "a.txt", "content": "1"})
    await call("read_file", {"path": "../a.txt"})
    await call("shell", {"command": "true"})
    await call("deploy", {"version": "2.4.1; rm -rf /"})
    log = tool_log()
    assert [r.tool for r in log] == ["write_file", "read_file", "shell", "deploy"]
    assert [r.seq for r in log] == [0, 1, 2, 3]
    assert [r.ok for r in log] == [True, False, True, False]
    assert log[1].args == {"path": "../a.txt"}
    assert "outside the workspace" in log[1].output
    # The version is quoted, never run as a second command.
    assert log[3].args["command"] == "deploy/deployctl deploy '2.4.1; rm -rf /'"
    assert log[3].output.startswith("$ deploy/deployctl deploy '2.4.1; rm -rf /'\nexit code 127")


async def test_tool_errors_never_raise(local_sandbox: LocalSandboxEnvironment) -> None:
    (workspace(local_sandbox) / "dir").mkdir()
    outputs = [
        await call("write_file", {"path": "dir", "content": "x"}),  # a directory
        await call("read_file", {"path": "dir"}),
        await call("read_file", {"path": ""}),
        await call("shell", {"command": "exit 1"}),
    ]
    token = sandbox_environments_context_var.set({})  # no sandbox at all
    try:
        outputs.append(await call("read_file", {"path": "a.txt"}))
    finally:
        sandbox_environments_context_var.reset(token)
    assert [o.split("\n")[0][:6] for o in outputs] == ["error:"] * 3 + ["exit c", "error:"]
    assert "No sandbox environment" in outputs[-1]
    assert [r.ok for r in tool_log()] == [False] * 5
