"""The exec server's framing: requests read from a connection, answers encoded for it."""

from __future__ import annotations

import json
import socket
import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # not at run time: the sandbox loads this module before `_loop`
    from operator_eval.sandbox._server._loop import Job

LENGTH = struct.Struct(">I")
"""The length prefix of a frame's JSON header."""
CHUNK = 1 << 16
"""Bytes read or written at a time on a connection or a pipe."""


def frame(header: dict[str, Any], *payloads: bytes) -> bytes:
    """Encode an answer: the length-prefixed JSON header, then the payloads."""
    data = json.dumps({**header, "lens": [len(p) for p in payloads]}).encode()
    return b"".join([LENGTH.pack(len(data)), data, *payloads])


def error_frame(ex: BaseException) -> bytes:
    """Encode a failure as its exception class name and message."""
    return frame({"error": type(ex).__name__, "message": str(ex)})


class Conn:
    """One request's private connection from the host."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbuf = bytearray()
        self.header: dict[str, Any] | None = None
        self.outbuf = memoryview(b"")
        self.job: Job | None = None
        self.done = False

    def request(self) -> tuple[dict[str, Any], bytes] | None:
        """The complete request (header, body), or None while it is still arriving."""
        if self.header is None:
            if len(self.inbuf) < LENGTH.size:
                return None
            (size,) = LENGTH.unpack_from(self.inbuf)
            if len(self.inbuf) < LENGTH.size + size:
                return None
            self.header = json.loads(bytes(self.inbuf[LENGTH.size : LENGTH.size + size]))
            del self.inbuf[: LENGTH.size + size]
        body_len = int(self.header.get("body", 0))
        if len(self.inbuf) < body_len:
            return None
        return self.header, bytes(self.inbuf[:body_len])
