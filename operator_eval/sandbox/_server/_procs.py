"""The sandbox's processes as /proc shows them: session kills, the fork-bomb tripwire."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator

TRIPWIRE_INTERVAL = 0.5
"""Seconds between two counts of the sandbox's processes and threads."""
TRIPWIRE_SHARE = 0.95
"""Share of RLIMIT_NPROC in use at which the sandbox counts as fork-bombed."""
TRIPWIRE_NOTE = b"\n[sandbox: the process limit was reached: every process was killed]\n"


def _proc_stats() -> Iterator[tuple[int, list[bytes]]]:
    """(pid, the fields of /proc/<pid>/stat after "pid (comm)") of every live process."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                yield int(entry), f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`, from /proc."""
    # after "pid (comm)": state ppid pgrp session ...
    return [
        pid
        for pid, fields in _proc_stats()
        if len(fields) > 3 and fields[0] != b"Z" and int(fields[3]) == sid
    ]


def tasks_in_use() -> int:
    """Processes and threads alive in this pid namespace (what RLIMIT_NPROC counts)."""
    # num_threads is field 20 of stat, the 18th after "pid (comm)"
    return sum(int(fields[17]) for _, fields in _proc_stats() if len(fields) > 17)


def kill_session(pid: int) -> None:
    """SIGKILL the process group and the whole session a command leads (`pid`).

    The session catches what left the group (`timeout`, job control); a fork bomb
    forking while we scan is caught by the next scan.
    """
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)
    for _ in range(50):
        alive = session_members(pid)
        if not alive:
            return
        for member in alive:
            with contextlib.suppress(OSError):
                os.kill(member, signal.SIGKILL)


class Tripwire:
    """Counts the sandbox's processes now and then, to tell a fork bomb.

    RLIMIT_NPROC stops a fork bomb from growing, not from living: its processes,
    out of the command's session (`setsid`), would spin at the limit until the
    sample ends, starving the host's CPU. A sandbox at the limit is taken to be
    fork-bombed (see `kill_everything`).
    """

    def __init__(self, nproc: int) -> None:
        self.limit = max(2, int(nproc * TRIPWIRE_SHARE)) if nproc > 0 else None
        self.next_check = time.monotonic()

    def deadline(self) -> float | None:
        """When the next count is due (None: no process limit, no counting)."""
        return self.next_check if self.limit is not None else None

    def tripped(self) -> bool:
        """Is a count due, and does it find the process limit (almost) full?"""
        now = time.monotonic()
        if self.limit is None or now < self.next_check:
            return False
        self.next_check = now + TRIPWIRE_INTERVAL
        return tasks_in_use() >= self.limit


def kill_everything(reap: Callable[[], None]) -> None:
    """From PID 1: kill every other process of the sandbox, the world's service too.

    Args:
        reap: collects the exited children between two rounds.
    """
    print("sandbox: process limit reached, killing every process", file=sys.stderr)
    for _ in range(1000):
        try:
            os.kill(-1, signal.SIGKILL)  # from PID 1: every other process of the sandbox
        except ProcessLookupError:
            break
        reap()
    reap()
