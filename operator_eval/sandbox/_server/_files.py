"""The exec server's file requests: read and write a file of the sandbox's workspace."""

from __future__ import annotations

import os
import stat
from typing import Any


def inside(path: str, root: str) -> bool:
    """Is `path` (already resolved) `root` or below it?"""
    return path == root or path.startswith(root.rstrip("/") + "/")


def resolve(workspace: str, path: str) -> str:
    """`path` (relative to `workspace`) resolved, refused when it leaves the workspace."""
    full = os.path.realpath(os.path.join(workspace, path))
    if not inside(full, workspace):
        raise PermissionError(f"{path}: outside the sandbox workspace {workspace}")
    return full


def read_file(workspace: str, req: dict[str, Any]) -> bytes:
    """The bytes of the regular file `req["path"]`, refused over `req["max_size"]` bytes."""
    full = resolve(workspace, str(req["path"]))
    limit = int(req["max_size"])
    fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(f"{req['path']}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{req['path']}: not a regular file")
        if info.st_size > limit:
            raise OverflowError(f"{req['path']}: {info.st_size} bytes, over the limit")
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OverflowError(f"{req['path']}: over the limit")
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_file(workspace: str, req: dict[str, Any], body: bytes) -> None:
    """Write `body` to the file `req["path"]`, its folders made as needed."""
    path = str(req["path"])
    parent = resolve(workspace, os.path.dirname(os.path.join(workspace, path)))
    os.makedirs(parent, exist_ok=True)
    full = resolve(workspace, path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(full, flags, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        view = memoryview(body)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
