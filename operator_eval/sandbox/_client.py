"""The host's side of the exec server protocol (see `_server/`): one connection per request."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

import anyio
from anyio.abc import UNIXSocketStream
from inspect_ai.util import (
    OutputLimitExceededError,
    SandboxEnvironmentLimits,
    SandboxUnavailableError,
)

_LENGTH = struct.Struct(">I")
_ERRORS: dict[str, type[OSError]] = {
    "FileNotFoundError": FileNotFoundError,
    "PermissionError": PermissionError,
    "IsADirectoryError": IsADirectoryError,
    "NotADirectoryError": NotADirectoryError,
    "FileExistsError": FileExistsError,
    "OSError": OSError,
}


class ServerError(RuntimeError):
    """The exec server answered a request with a failure of another kind."""


def encode(header: dict[str, Any], body: bytes) -> bytes:
    """A request: the length-prefixed JSON header (with the body's length), then the body."""
    data = json.dumps({**header, "body": len(body)}).encode()
    return _LENGTH.pack(len(data)) + data + body


def decode(data: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """Split an answer into its header and payloads.

    Raises:
        SandboxUnavailableError: when the answer is cut short (the server died).
    """
    if len(data) < _LENGTH.size:
        raise SandboxUnavailableError("the bwrap sandbox's exec server is gone (no answer)")
    (size,) = _LENGTH.unpack_from(data)
    header: dict[str, Any] = json.loads(data[_LENGTH.size : _LENGTH.size + size])
    payloads = []
    offset = _LENGTH.size + size
    for length in header.get("lens", []):
        payloads.append(data[offset : offset + length])
        offset += length
    if offset != len(data):
        raise SandboxUnavailableError("the bwrap sandbox's exec server answered a cut answer")
    return header, payloads


def raise_failure(header: dict[str, Any]) -> None:
    """Raise the failure an answer reports, as the exception `SandboxEnvironment` documents."""
    name = header.get("error")
    if name is None:
        return
    message = str(header.get("message", ""))
    if name == "OverflowError":
        raise OutputLimitExceededError(SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, None)
    if name in _ERRORS:
        raise _ERRORS[name](message)
    raise ServerError(f"{name}: {message}")


async def _send_fd(ctrl: socket.socket, fd: int) -> None:
    while True:
        try:
            socket.send_fds(ctrl, [b"c"], [fd])
            return
        except BlockingIOError:
            await anyio.wait_writable(ctrl)
        except OSError as ex:
            raise SandboxUnavailableError(f"the bwrap sandbox has exited ({ex})") from ex


async def call(
    ctrl: socket.socket, header: dict[str, Any], body: bytes = b""
) -> tuple[dict[str, Any], list[bytes]]:
    """Send one request to the exec server and wait for its whole answer.

    Cancelling the call closes the connection, which kills the request's command.

    Raises:
        SandboxUnavailableError: when the server is gone.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        ours.setblocking(False)
        await _send_fd(ctrl, theirs.fileno())
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    stream: UNIXSocketStream = await UNIXSocketStream.from_socket(ours)
    async with stream:
        await stream.send(encode(header, body))
        answer = bytearray()
        while True:
            try:
                answer += await stream.receive(1 << 20)
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                break
    return decode(bytes(answer))
