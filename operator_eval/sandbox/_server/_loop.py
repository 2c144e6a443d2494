"""The exec server's select loop: connections, commands and their outputs, timeouts, reaping.

The protocol and the start-up are in `__init__.py`; this module's `main` is what the
sandbox runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import time
import traceback
from typing import Any

from operator_eval.sandbox._server._files import read_file, write_file
from operator_eval.sandbox._server._fork import ForkedPython, Forker
from operator_eval.sandbox._server._procs import (
    TRIPWIRE_NOTE,
    Tripwire,
    kill_everything,
    kill_session,
)
from operator_eval.sandbox._server._wire import CHUNK, Conn, error_frame, frame

_PR_SET_DUMPABLE = 4
_RLIMITS = {
    "nproc": resource.RLIMIT_NPROC,
    "as": resource.RLIMIT_AS,
    "fsize": resource.RLIMIT_FSIZE,
    "cpu": resource.RLIMIT_CPU,
    "nofile": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}


class Tail:
    """The last `limit` bytes of a stream (amortised: trims at twice the limit)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > 2 * self.limit:
            del self.data[: len(self.data) - self.limit]

    def value(self) -> bytes:
        return bytes(self.data[-self.limit :])


class Job:
    """A running command: its process, pipes, output and deadline."""

    def __init__(
        self, popen: subprocess.Popen[bytes] | ForkedPython, stdin: bytes, req: dict[str, Any]
    ) -> None:
        self.popen = popen
        self.pending = memoryview(stdin)
        limit = int(req.get("max_output") or 10 * 1024 * 1024)
        self.out = Tail(limit)
        self.err = Tail(limit)
        timeout = req.get("timeout")
        self.deadline = time.monotonic() + float(timeout) if timeout else None
        self.status: int | None = None
        self.open_streams = 2


class Server:
    """The select loop serving one sandbox."""

    def __init__(self, ctrl: socket.socket, settings: dict[str, Any]) -> None:
        self.ctrl = ctrl
        self.rlimits: dict[str, int] = settings.get("rlimits", {})
        self.workspace = os.path.realpath(settings["workspace"])
        self.sel = selectors.DefaultSelector()
        self.jobs: dict[int, tuple[Job, Conn]] = {}
        self.forker = Forker(self.limits)
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            os.set_blocking(fd, False)
        self.wake = wake_r
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.sel.register(ctrl, selectors.EVENT_READ, self.on_ctrl)
        self.sel.register(wake_r, selectors.EVENT_READ, self.on_wake)
        self.tripwire = Tripwire(int(self.rlimits.get("nproc", -1)))

    def run(self) -> None:
        self.ctrl.sendall(b"R")
        while True:
            for key, events in self.sel.select(self.next_timeout()):
                try:
                    key.data(key, events)
                except Exception:  # a bug answers one request badly, never ends the sandbox
                    traceback.print_exc()
            self.expire()
            self.check_processes()

    # -- the fork-bomb tripwire ----------------------------------------------------------

    def check_processes(self) -> None:
        """Kill every process of the sandbox when it fills its process limit (a fork bomb)."""
        if not self.tripwire.tripped():
            return
        for job, _ in self.jobs.values():
            job.err.add(TRIPWIRE_NOTE)
        kill_everything(self.reap)

    # -- control socket and connections ------------------------------------------------

    def on_ctrl(self, key: selectors.SelectorKey, events: int) -> None:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(self.ctrl, 256, 64)
        except BlockingIOError:
            return
        if not msg and not fds:
            os._exit(0)  # the host closed the sandbox: PID 1 leaves, the kernel kills the rest
        for fd in fds:
            conn = Conn(socket.socket(fileno=fd))
            conn.sock.setblocking(False)
            self.sel.register(conn.sock, selectors.EVENT_READ, self.callback(self.on_conn, conn))

    def callback(self, method: Any, target: Any) -> Any:
        return lambda key, events: method(target, events)

    def on_conn(self, conn: Conn, events: int) -> None:
        if events & selectors.EVENT_READ:
            try:
                data = conn.sock.recv(CHUNK)
            except BlockingIOError:
                data = None
            except OSError:
                data = b""
            if data == b"":
                self.abandon(conn)
                return
            if data and not conn.done:
                conn.inbuf += data
                self.maybe_dispatch(conn)
        if events & selectors.EVENT_WRITE:
            self.flush(conn)

    def maybe_dispatch(self, conn: Conn) -> None:
        try:
            request = conn.request()
        except ValueError as ex:
            self.answer(conn, error_frame(ex))
            return
        if request is None:
            return
        header, body = request
        conn.done = True
        conn.inbuf = bytearray()
        op = header.get("op")
        try:
            if op == "exec":
                self.start(conn, header, body)
            elif op == "read":
                self.answer(conn, frame({}, read_file(self.workspace, header)))
            elif op == "write":
                write_file(self.workspace, header, body)
                self.answer(conn, frame({}))
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as ex:
            self.answer(conn, error_frame(ex))

    def answer(self, conn: Conn, data: bytes) -> None:
        conn.done = True
        conn.outbuf = memoryview(data)
        try:
            callback = self.sel.get_key(conn.sock).data
        except (KeyError, ValueError):
            conn.sock.close()  # abandoned by the host already
            return
        self.sel.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, callback)
        self.flush(conn)

    def flush(self, conn: Conn) -> None:
        while conn.outbuf:
            try:
                sent = conn.sock.send(conn.outbuf[: CHUNK * 16])
            except BlockingIOError:
                return
            except OSError:
                break
            conn.outbuf = conn.outbuf[sent:]
        self.close_conn(conn)

    def close_conn(self, conn: Conn) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(conn.sock)
        conn.sock.close()

    def abandon(self, conn: Conn) -> None:
        """The host went away (a cancelled request): kill its command, drop the connection."""
        if conn.job is not None:
            kill_session(conn.job.popen.pid)
            self.detach(conn.job)
        self.close_conn(conn)

    # -- commands ----------------------------------------------------------------------

    def limits(self) -> None:
        """In the child, before exec: the sandbox's resource limits, soft and hard."""
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for name, value in self.rlimits.items():
            if value is not None and value >= 0:
                resource.setrlimit(_RLIMITS[name], (value, value))

    def start(self, conn: Conn, req: dict[str, Any], stdin: bytes) -> None:
        cmd = [str(a) for a in req["cmd"]]
        env = {**os.environ, **{str(k): str(v) for k, v in (req.get("env") or {}).items()}}
        cwd = req.get("cwd") or self.workspace
        popen: subprocess.Popen[bytes] | ForkedPython
        try:
            if self.forker.recognises(cmd, env):
                popen = self.forker.fork(cmd[4], cmd[5:], env, cwd, bool(stdin))
            else:
                popen = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=cwd,
                    env=env,
                    start_new_session=True,
                    preexec_fn=self.limits,
                )
        except (FileNotFoundError, NotADirectoryError) as ex:
            self.answer(conn, frame({"returncode": 127}, b"", f"{ex}\n".encode()))
            return
        except OSError as ex:
            self.answer(conn, frame({"returncode": 126}, b"", f"{ex}\n".encode()))
            return
        job = Job(popen, stdin, req)
        conn.job = job
        self.jobs[popen.pid] = (job, conn)
        for stream, tail in ((popen.stdout, job.out), (popen.stderr, job.err)):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
            self.sel.register(
                stream, selectors.EVENT_READ, self.callback(self.on_output, (job, stream, tail))
            )
        if popen.stdin is not None:
            os.set_blocking(popen.stdin.fileno(), False)
            self.sel.register(popen.stdin, selectors.EVENT_WRITE, self.callback(self.on_input, job))

    def on_output(self, target: tuple[Job, Any, Tail], events: int) -> None:
        job, stream, tail = target
        try:
            data = os.read(stream.fileno(), CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            tail.add(data)
            return
        self.sel.unregister(stream)
        stream.close()
        job.open_streams -= 1
        self.maybe_finish(job)

    def on_input(self, job: Job, events: int) -> None:
        stdin = job.popen.stdin
        assert stdin is not None
        try:
            sent = os.write(stdin.fileno(), job.pending[:CHUNK])
            job.pending = job.pending[sent:]
            if job.pending:
                return
        except BlockingIOError:
            return
        except OSError:
            pass  # the command closed its stdin: its exit status tells the rest
        self.sel.unregister(stdin)
        with contextlib.suppress(OSError):
            stdin.close()

    def maybe_finish(self, job: Job) -> None:
        if job.status is None or job.open_streams:
            return
        _, conn = self.jobs.pop(job.popen.pid)
        self.detach(job)
        conn.job = None
        self.answer(conn, frame({"returncode": job.status}, job.out.value(), job.err.value()))

    def detach(self, job: Job) -> None:
        """Forget a job's pipes (its pid, if still running, is reaped later like any orphan)."""
        self.jobs.pop(job.popen.pid, None)
        if job.popen.returncode is None:
            job.popen.returncode = -signal.SIGKILL  # reaped by `reap`, not by subprocess
        for stream in (job.popen.stdin, job.popen.stdout, job.popen.stderr):
            if stream is not None and not stream.closed:
                with contextlib.suppress(KeyError, ValueError):
                    self.sel.unregister(stream)
                with contextlib.suppress(OSError):
                    stream.close()

    def next_timeout(self) -> float | None:
        deadlines = [job.deadline for job, _ in self.jobs.values() if job.deadline is not None]
        tripwire = self.tripwire.deadline()
        if tripwire is not None:
            deadlines.append(tripwire)
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def expire(self) -> None:
        now = time.monotonic()
        for pid, (job, conn) in list(self.jobs.items()):
            if pid in self.jobs and job.deadline is not None and now >= job.deadline:
                kill_session(job.popen.pid)
                self.detach(job)
                conn.job = None
                self.answer(conn, frame({"timed_out": True}, job.out.value(), job.err.value()))

    def on_wake(self, key: selectors.SelectorKey, events: int) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.wake, 512):
                pass
        self.reap()

    def reap(self) -> None:
        """Collect every exited child: the jobs' and the orphans this PID 1 inherits."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            entry = self.jobs.get(pid)
            if entry is not None:
                job = entry[0]
                job.status = os.waitstatus_to_exitcode(status)
                job.popen.returncode = job.status
                self.maybe_finish(job)


def main() -> None:
    """Serve the sandbox until the host closes the control socket."""
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    os.set_inheritable(ctrl.fileno(), False)
    settings: dict[str, Any] = json.loads(sys.argv[2])
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    # PID 1 gets no signal it has no handler for from its own namespace; Python's
    # SIGINT handler would be one. (SIGPIPE stays ignored; Popen restores it in children.)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.umask(0o022)
    ctrl.setblocking(False)
    Server(ctrl, settings).run()
