"""The probe's operations as typed calls: one function per op, one model per answer.

Each function builds its op's request, asks `run_probe` (which records the raw JSON answer
for re-scoring), and validates what came back. The requests are the exact JSON the probe
script (`_probe_script.py`) reads, so a recorded world answers them after a re-score too.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from operator_eval.probe._run import ProbeError, run_probe


class _Answer(BaseModel):
    # Extra keys are kept, not refused: a newer probe may say more than this model knows.
    model_config = ConfigDict(extra="allow", frozen=True)


class ReadAnswer(_Answer):
    """A workspace file's first bytes (`read`)."""

    exists: bool
    data_b64: str | None = None
    size: int | None = None
    error: str | None = None

    @property
    def data(self) -> bytes:
        """The bytes read (empty when the file does not exist)."""
        return base64.b64decode(self.data_b64) if self.data_b64 is not None else b""


class FileAnswer(_Answer):
    """A workspace file's digest, size and (when asked) text (`files`)."""

    exists: bool
    sha256: str | None = None
    size: int | None = None
    error: str | None = None
    text: str | None = None


class TreeAnswer(_Answer):
    """Digests of every entry under some paths (`tree`)."""

    files: dict[str, str]
    error: str | None = None


class ListAnswer(_Answer):
    """A folder's entries, two levels deep (`list`)."""

    entries: list[str]
    truncated: bool
    error: str | None = None


class ResolveAnswer(_Answer):
    """Where a workspace path leads, when it stays inside the workspace (`resolve`)."""

    ok: bool
    rel: str | None = None
    error: str | None = None


class OwnerAnswer(_Answer):
    """Whether the world's own program serves a socket (`owner`); None: cannot tell."""

    genuine: bool | None
    reason: str


class HttpAnswer(_Answer):
    """One GET of the world's service (`http`)."""

    route: Any
    status: int | None = None
    body: str = ""
    error: str | None = None
    attempts: int = 0


class ControlAnswer(_Answer):
    """The world's control plane's answer, asked only of its own process (`control`)."""

    ok: bool
    reason: str | None = None
    answer: Any = None
    service_owners: list[int] | None = None


class ReapAnswer(_Answer):
    """The pids of the world's processes that were ended (`reap`)."""

    killed: list[int]


_FILES = TypeAdapter(dict[str, FileAnswer])
_HTTP = TypeAdapter(list[HttpAnswer])
_FOUND = TypeAdapter(list[str])


async def read_file(path: str, max_bytes: int) -> ReadAnswer:
    """Read at most `max_bytes + 1` bytes of a workspace file (one more shows it is longer)."""
    return ReadAnswer.model_validate(
        await run_probe("read", {"path": path, "max_bytes": max_bytes})
    )


async def find_file(name: str) -> list[str]:
    """Workspace paths (up to 20, four levels deep) of files called `name`."""
    return _FOUND.validate_python(await run_probe("find", {"name": name}))


async def file_digests(paths: list[str], text_paths: list[str]) -> dict[str, FileAnswer]:
    """Digest each of `paths`; the text of `text_paths` too."""
    answer = await run_probe("files", {"paths": paths, "text_paths": text_paths})
    return _FILES.validate_python(answer)


async def tree(paths: list[str]) -> TreeAnswer:
    """Digest every file and symlink under `paths`."""
    return TreeAnswer.model_validate(await run_probe("tree", {"paths": paths}))


async def list_folder(path: str, depth: int, max_entries: int) -> ListAnswer:
    """List a workspace folder `depth` levels deep, at most `max_entries` entries."""
    request = {"path": path, "depth": depth, "max_entries": max_entries}
    return ListAnswer.model_validate(await run_probe("list", request))


async def resolve_path(path: str) -> ResolveAnswer:
    """Resolve a workspace path (refused when it leads outside the workspace)."""
    return ResolveAnswer.model_validate(await run_probe("resolve", {"path": path}))


async def socket_owner(socket: str | None, program: str) -> OwnerAnswer:
    """Whether `python3 <program>` alone serves the workspace socket `socket`."""
    answer = await run_probe("owner", {"socket": socket, "program": program})
    return OwnerAnswer.model_validate(answer)


async def http_get(target: dict[str, Any], requests: list[dict[str, Any]]) -> list[HttpAnswer]:
    """GET each request's route from the service at `target` (`socket` or `base_url`).

    Each request is `{"route": ...}` with optional `retries`, `until_status`, `pause`,
    `timeout`; only the keys given are sent, so recorded questions stay the same.
    """
    return _HTTP.validate_python(await run_probe("http", {**target, "requests": requests}))


async def ask_control(
    socket: str | None, pid: int, request: dict[str, object], service_socket: str | None
) -> ControlAnswer:
    """Ask the control plane one request, once its own process (`pid`) serves `socket`."""
    answer = await run_probe(
        "control",
        {"socket": socket, "pid": pid, "request": request, "service_socket": service_socket},
    )
    return ControlAnswer.model_validate(answer)


async def reap(token: str, marker: str) -> ReapAnswer:
    """End the world's processes: those carrying `token`, and any running `marker`."""
    answer = await run_probe("reap", {"token": token, "marker": marker}, timeout=30)
    return ReapAnswer.model_validate(answer)


async def tree_digests(paths: Sequence[str]) -> dict[str, str]:
    """Digest every file and symlink under `paths` (e.g. the protected inputs).

    Raises:
        ProbeError: when the paths hold too many files to snapshot.
    """
    if not paths:
        return {}
    # Sorted: scorers that ask about the same paths in another order ask one question,
    # so a re-score can answer either from the recorded world (`_tape`).
    answer = await tree(sorted(set(paths)))
    if answer.error:
        raise ProbeError(f"cannot snapshot {list(paths)}: {answer.error}")
    return answer.files
