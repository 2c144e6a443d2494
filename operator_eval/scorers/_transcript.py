"""The record of what the agent's tools really ran and returned, and how to read it.

A record comes from the tool executor, never from the model's own text: the
harness's tool log for operator-eval's own tools, Inspect's ToolEvents and the
tool results that reached the model for any other agent (see `_record.py`).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from urllib.parse import urlsplit

from pydantic import BaseModel

from operator_eval.contracts import HTTP_GET, ToolRecord

COMMAND_ARGS = ("cmd", "command", "code", "script")
"""Argument names that hold the command a tool ran (Inspect's bash/python, ours, others)."""

_SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ash", "ksh"})
# curl options that change only how the request is made, never what it prints: anything
# else (`-w` writes text of the caller's choosing, `-o`, `-K`, `-d`, ...) is not read as an
# observation. Short flags may be clustered (`-si`).
_CURL_FLAGS = frozenset(
    {
        "--include",
        "--silent",
        "--show-error",
        "--location",
        "--fail",
        "--verbose",
        "--http1.0",
        "--http1.1",
        "--compressed",
        "--globoff",
        "--no-buffer",
    }
)
_CURL_SHORT = frozenset("isSLfvg")
_CURL_VALUED = frozenset(
    {"--unix-socket", "--max-time", "-m", "--connect-timeout", "-H", "--header", "--retry"}
)
# Anything that lets a shell line print text of its own making next to (or instead of) a
# client's answer: sequencing, pipes, redirections, substitutions, variables.
_SHELL_SYNTAX = re.compile(r"[;&|<>`$\n]|\\\n")
_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?[ \t]+(\d{3})\b.*$", re.MULTILINE)
_TOOL_STATUS_LINE = re.compile(
    r"^(?:HTTP/\d(?:\.\d)?|HTTP|Status|status)[: \t]+(\d{3})\b.*$", re.MULTILINE
)


class HttpObservation(BaseModel):
    """An HTTP answer the record shows the agent got: route, status, body."""

    route: str
    status: int
    body: str
    fault: str | None = None


def unwrap_shell(text: str) -> str:
    """The script inside a `bash -c '...'` (or `sh -lc`, ...) wrapper; other text as it is."""
    stripped = text.strip()
    try:
        argv = shlex.split(stripped)
    except ValueError:
        return stripped
    if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS:
        flags = argv[1:-1]
        if flags[-1] in ("-c", "-lc", "-ec", "-xc") and all(f.startswith("-") for f in flags):
            return unwrap_shell(argv[-1])
    return stripped


_CD_PREFIX = re.compile(r"^cd\s+(?:'[^']*'|\"[^\"]*\"|[^\s;&|<>`$'\"]+)\s*&&\s*")


def normalize_command(text: str) -> str:
    """A command as compared with a proof's: wrapper and `cd DIR &&` removed, spaces collapsed.

    `bash -c './build.sh'`, `sh -lc "./build.sh"`, `cd app && ./build.sh` and
    `./build.sh` are the same command (`cd` prints nothing, so the output is the
    command's alone).
    """
    script = unwrap_shell(text)
    while (found := _CD_PREFIX.match(script)) is not None:
        script = script[found.end() :]
    return " ".join(script.split())


def command_text(record: ToolRecord) -> str | None:
    """The command a tool call ran: a known command argument, else a one-argument tool's."""
    for key in COMMAND_ARGS:
        value = record.args.get(key)
        if isinstance(value, str) and value.strip():
            return value
    if len(record.args) == 1:
        (value,) = record.args.values()
        if isinstance(value, str) and value.strip() and "://" not in value:
            return value
    return None


def _route_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _answer(
    output: str, status_line: re.Pattern[str], headers_optional: bool = False
) -> tuple[int, str] | None:
    """The last status line of `output` and the body after its header block.

    Args:
        output: What the tool returned.
        status_line: The status lines it may show.
        headers_optional: A tool's own `HTTP 200` line may be followed by the body at once.
    """
    found = list(status_line.finditer(output))
    if not found:
        return None
    last = found[-1]
    rest = output[last.end() :].replace("\r\n", "\n")
    _, blank, body = rest.partition("\n\n")
    if not blank and headers_optional:
        body = rest.removeprefix("\n")
    return int(last.group(1)), body if blank or headers_optional else ""


def _curl_url(command: str) -> str | None:
    """The one URL of a plain `curl` invocation whose output is the server's alone, else None."""
    script = unwrap_shell(command)
    if _SHELL_SYNTAX.search(script):
        return None
    try:
        argv = shlex.split(script)
    except ValueError:
        return None
    if not argv or posixpath.basename(argv[0]) != "curl":
        return None
    urls: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg.startswith(("http://", "https://")):
            urls.append(arg)
        elif arg in _CURL_VALUED:
            next(args, None)
        elif arg in ("-X", "--request"):
            if next(args, None) not in ("GET", "HEAD"):
                return None
        elif arg in _CURL_FLAGS:
            continue
        elif arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) <= _CURL_SHORT:
            continue
        else:
            return None
    return urls[0] if len(urls) == 1 else None


def http_observations(record: ToolRecord) -> list[HttpObservation]:
    """The HTTP answers one tool call shows, read from what the executor returned.

    - operator-eval's `http_get`: its recorded status and body.
    - a plain `curl -i URL` run by any shell tool (one URL, no pipes, redirections,
      sequencing or substitutions, so the output is curl's alone): the last status line
      and the body after it.
    - any other tool called with a `url` (or `route`) argument whose output shows a
      status line (`HTTP/1.1 200`, `HTTP 200`, `Status: 200`) and the body after it.
    """
    fault = record.fault
    if record.tool == HTTP_GET and record.http_status is not None:
        route = record.args.get("route")
        if isinstance(route, str):
            return [
                HttpObservation(
                    route=route, status=record.http_status, body=record.http_body or "", fault=fault
                )
            ]
        return []
    url, route_arg = record.args.get("url"), record.args.get("route")
    if isinstance(url, str) or isinstance(route_arg, str):
        # A fetch tool: its executor wrote the status line itself.
        route = _route_of(url) if isinstance(url, str) else None
        if isinstance(route_arg, str) and route_arg.startswith("/"):
            route = route_arg
        answer = _answer(record.output, _TOOL_STATUS_LINE, headers_optional=True)
    else:
        command = command_text(record)
        curl_url = _curl_url(command) if command is not None else None
        route = _route_of(curl_url) if curl_url else None
        answer = _answer(record.output, _STATUS_LINE)
    if route is None or answer is None:
        return []
    return [HttpObservation(route=route, status=answer[0], body=answer[1], fault=fault)]
