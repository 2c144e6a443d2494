"""Sandbox-side runner of one agent command: `python3 -I -S -c <this file> TAG LIMIT COMMAND`.

Standalone on purpose (stdlib only, imports the bwrap exec server has loaded already,
so it runs in a fork of the server there). It runs `bash -c COMMAND` under coreutils
`timeout -k 2 LIMIT` (which kills the command's whole process group), with stdin from
/dev/null and stdout and stderr going to unnamed temp files, not to the exec's pipes:
a process the command starts in the background (`server &`) cannot hold the call open
until it exits. Then it relays the command's exit code and at most 256 KiB of each
stream (the first and last 128 KiB, saying how much was cut). Exit 125: no temp file;
127: no `timeout`; 126: the command could not be started.

It calls itself `run_command` (not `python3`) and outlives SIGTERM, SIGHUP and SIGINT,
so an agent's `pkill python3` (to restart a python service, say) does not take down
the call it runs in; the command itself gets the signals as it would anywhere.
"""

import os
import signal
import subprocess
import sys

KEEP = 128 * 1024


def shield():
    try:
        with open("/proc/self/comm", "w") as comm:
            comm.write("run_command")
    except OSError:
        pass  # no /proc: the name is cosmetic
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        # a handler, not SIG_IGN: handlers reset at exec, so the command is unaffected
        signal.signal(signum, lambda *_: None)


def temp_file():
    folder = os.environ.get("TMPDIR") or "/tmp"
    try:
        return os.open(folder, getattr(os, "O_TMPFILE", 0) | os.O_RDWR, 0o600)
    except OSError:  # no O_TMPFILE (the OS, the file system): a named file, unlinked at once
        for attempt in range(100):
            name = os.path.join(folder, f".run-command-{os.getpid()}-{attempt}")
            try:
                fd = os.open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            except FileExistsError:
                continue
            os.unlink(name)
            return fd
        raise


def relay(fd, out):
    size = os.fstat(fd).st_size
    if size > 2 * KEEP:
        out.write(os.pread(fd, KEEP, 0))
        out.write(f"\n[... {size - 2 * KEEP} bytes cut ...]\n".encode())
        out.write(os.pread(fd, KEEP, size - KEEP))
    else:
        out.write(os.pread(fd, size, 0))
    out.flush()


def main():
    shield()
    limit, command = sys.argv[2], sys.argv[3]
    try:
        out, err = temp_file(), temp_file()
    except OSError as ex:
        print(f"run_command: no temp file: {ex}", file=sys.stderr)
        return 125
    try:
        code = subprocess.call(
            ["timeout", "-k", "2", limit, "bash", "-c", command],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    except FileNotFoundError as ex:
        print(f"run_command: {ex}", file=sys.stderr)
        return 127
    except OSError as ex:  # e.g. the process limit: no fork
        print(f"run_command: cannot start the command: {ex}", file=sys.stderr)
        return 126
    relay(out, sys.stdout.buffer)
    relay(err, sys.stderr.buffer)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
