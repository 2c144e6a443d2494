"""PID 1 of an operator_eval world container (compose.yaml): reaps orphans, ends fork bombs.

Standard library only; run by the image's `python3 -I -S`, as the container's user (the
agent's). It does what the bwrap exec server does as PID 1 there:

- reaps every orphan (a world's service and the agent's background jobs end up its
  children), as `init: true`'s tini would;
- a tripwire: every 0.5 s it reads the container's pids cgroup, and once 95% of
  `pids_limit` is in use it SIGKILLs every process it may signal, that is every process
  of the container but itself. A fork bomb whose children `setsid()` out of reach of
  the command's own timeout would otherwise hold the container at its limit until the
  sample ends: no later command, and none of the scorer's probes, could fork.

The agent's processes cannot end it: the kernel drops the signals a PID namespace's own
processes send its init (`kill -9 -1` and `pkill python3` included), and it makes itself
non-dumpable so they cannot ptrace it. SIGTERM (`docker stop`) ends it at once.
"""

import ctypes
import os
import signal
import sys
import time

INTERVAL = 0.5
"""Seconds between two reads of the pids cgroup."""
SHARE = 0.95
"""Share of the container's pids limit in use at which it counts as fork-bombed."""
_PR_SET_DUMPABLE = 4
_CGROUPS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")  # cgroup v1, v2


def read_int(path: str) -> int | None:
    """The integer a cgroup file holds, or None."""
    try:
        with open(path) as file:
            return int(file.read().strip())
    except (OSError, ValueError):  # absent, or "max": no limit to watch
        return None


def pids_files() -> tuple[str, str] | None:
    """The pids cgroup's (current, max) files, or None when there is no limit to watch."""
    for folder in _CGROUPS:
        current, limit = f"{folder}/pids.current", f"{folder}/pids.max"
        if read_int(limit) is not None and read_int(current) is not None:
            return current, limit
    return None


def reap() -> None:
    """Collect every exited child (orphans included) without waiting."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    """Serve as PID 1 until SIGTERM: reap, and trip on a container at its pids limit."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    files = pids_files()
    while True:
        reap()
        if files is not None:
            current, limit = read_int(files[0]), read_int(files[1])
            if current is not None and limit is not None and current >= SHARE * limit:
                os.kill(-1, signal.SIGKILL)  # every process but this one
        time.sleep(INTERVAL)


if __name__ == "__main__":
    main()
