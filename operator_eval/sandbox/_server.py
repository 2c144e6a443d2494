"""The exec server: PID 1 of a bwrap sandbox, running every command of one sample.

Standard library only: the host passes this file's source to the sandbox's own
``python3 -I -S -c`` (see `_launch.py`), with two arguments: the number of the
inherited control socket and a JSON object of settings (`rlimits`, `workspace`).

Protocol. The host sends, on the control socket, one byte carrying one file
descriptor (SCM_RIGHTS) per request: its end of a fresh socketpair. On that
private connection the host writes a frame (4-byte big-endian length, JSON
header) followed by ``header["body"]`` bytes, and reads the answer: a frame
(JSON header with ``lens``) followed by the payloads, then EOF. Requests:

- ``{"op": "exec", "cmd", "cwd", "env", "timeout", "max_output", "body"}``, the
  body being stdin. Answer: ``returncode``, ``timed_out``, ``lens`` of stdout and
  stderr (each the tail of at most ``max_output`` bytes).
- ``{"op": "read", "path", "max_size"}``; answer: ``lens`` of the file's bytes.
- ``{"op": "write", "path", "body"}``, the body being the file's bytes.

Failures answer ``{"error": <exception class name>, "message": ...}``. If the
host closes a connection before its answer (a cancelled exec), the command's
process group is killed. When the control socket closes, the server exits and,
being PID 1, takes every process of the sandbox with it.

Being PID 1 also shields it from the sandbox's own processes: the kernel drops
signals they send it (``kill -9 -1`` and ``pkill python3`` included), and it makes
itself non-dumpable so they cannot ptrace it or borrow its file descriptors.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import ctypes
import io
import json
import os
import resource
import selectors
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
import traceback
import types
from collections.abc import Iterator
from types import CodeType
from typing import Any

_LENGTH = struct.Struct(">I")
TRIPWIRE_INTERVAL = 0.5
"""Seconds between two counts of the sandbox's processes and threads."""
TRIPWIRE_SHARE = 0.95
"""Share of RLIMIT_NPROC in use at which the sandbox counts as fork-bombed."""
TRIPWIRE_NOTE = b"\n[sandbox: the process limit was reached: every process was killed]\n"
_CHUNK = 1 << 16
_PR_SET_DUMPABLE = 4
_RLIMITS = {
    "nproc": resource.RLIMIT_NPROC,
    "as": resource.RLIMIT_AS,
    "fsize": resource.RLIMIT_FSIZE,
    "cpu": resource.RLIMIT_CPU,
    "nofile": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}


def frame(header: dict[str, Any], *payloads: bytes) -> bytes:
    """Encode an answer: the length-prefixed JSON header, then the payloads."""
    data = json.dumps({**header, "lens": [len(p) for p in payloads]}).encode()
    return b"".join([_LENGTH.pack(len(data)), data, *payloads])


def error_frame(ex: BaseException) -> bytes:
    """Encode a failure as its exception class name and message."""
    return frame({"error": type(ex).__name__, "message": str(ex)})


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


class ForkedPython:
    """A `python3 -I -S -c` command running in a fork of this server (see `fork_python`).

    Offers what `Job` uses of a `subprocess.Popen`: pid, the three pipes, returncode.
    """

    def __init__(self, pid: int, stdin: Any, stdout: Any, stderr: Any) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None


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
            if len(self.inbuf) < _LENGTH.size:
                return None
            (size,) = _LENGTH.unpack_from(self.inbuf)
            if len(self.inbuf) < _LENGTH.size + size:
                return None
            self.header = json.loads(bytes(self.inbuf[_LENGTH.size : _LENGTH.size + size]))
            del self.inbuf[: _LENGTH.size + size]
        body_len = int(self.header.get("body", 0))
        if len(self.inbuf) < body_len:
            return None
        return self.header, bytes(self.inbuf[:body_len])


def _fresh_stdio() -> None:
    """Stdio on fds 0-2 as python sets it up under a UTF-8 locale (in a forked child)."""

    def stream(fd: int, mode: str, errors: str, line_buffering: bool = False) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(
            buffered, encoding="utf-8", errors=errors, line_buffering=line_buffering
        )

    for name, fd, mode, errors in (
        ("stdin", 0, "r", "surrogateescape"),
        ("stdout", 1, "w", "surrogateescape"),
        ("stderr", 2, "w", "backslashreplace"),
    ):
        text = stream(fd, mode, errors, line_buffering=name == "stderr")
        setattr(sys, name, text)
        setattr(sys, f"__{name}__", text)


def _exit_code(ex: SystemExit) -> int:
    """The exit status python gives a `SystemExit` (printing a non-integer code)."""
    if ex.code is None or isinstance(ex.code, int):
        return ex.code or 0
    print(ex.code, file=sys.stderr)
    return 1


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


def inside(path: str, root: str) -> bool:
    """Is `path` (already resolved) `root` or below it?"""
    return path == root or path.startswith(root.rstrip("/") + "/")


class Server:
    """The select loop serving one sandbox."""

    def __init__(self, ctrl: socket.socket, settings: dict[str, Any]) -> None:
        self.ctrl = ctrl
        self.rlimits: dict[str, int] = settings.get("rlimits", {})
        self.workspace = os.path.realpath(settings["workspace"])
        self.sel = selectors.DefaultSelector()
        self.jobs: dict[int, tuple[Job, Conn]] = {}
        self.compiled: dict[str, CodeType] = {}
        self.python = os.path.realpath(sys.executable)
        self.own_python: dict[tuple[str, str], bool] = {}
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            os.set_blocking(fd, False)
        self.wake = wake_r
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.sel.register(ctrl, selectors.EVENT_READ, self.on_ctrl)
        self.sel.register(wake_r, selectors.EVENT_READ, self.on_wake)
        nproc = int(self.rlimits.get("nproc", -1))
        self.tripwire = max(2, int(nproc * TRIPWIRE_SHARE)) if nproc > 0 else None
        self.next_check = time.monotonic()

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
        """Kill every process of the sandbox when it fills its process limit.

        RLIMIT_NPROC stops a fork bomb from growing, not from living: its processes,
        out of the command's session (`setsid`), would spin at the limit until the
        sample ends, starving the host's CPU. A sandbox at the limit is taken to be
        fork-bombed: everything but this server is killed, the world's service too.
        """
        now = time.monotonic()
        if self.tripwire is None or now < self.next_check:
            return
        self.next_check = now + TRIPWIRE_INTERVAL
        if tasks_in_use() < self.tripwire:
            return
        for job, _ in self.jobs.values():
            job.err.add(TRIPWIRE_NOTE)
        print("sandbox: process limit reached, killing every process", file=sys.stderr)
        for _ in range(1000):
            try:
                os.kill(-1, signal.SIGKILL)  # from PID 1: every other process of the sandbox
            except ProcessLookupError:
                break
            self.reap()
        self.reap()

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
                data = conn.sock.recv(_CHUNK)
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
                self.answer(conn, frame({}, self.read_file(header)))
            elif op == "write":
                self.write_file(header, body)
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
                sent = conn.sock.send(conn.outbuf[: _CHUNK * 16])
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
            self.kill(conn.job)
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
            if self.is_own_python(cmd, env):
                popen = self.fork_python(cmd[4], cmd[5:], env, cwd, bool(stdin))
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

    def is_own_python(self, cmd: list[str], env: dict[str, str]) -> bool:
        """Is `cmd` `python3 -I -S -c SOURCE ...` with the interpreter this server runs on?

        Such a command would start exactly as this server started (same binary, same
        flags: isolated, no site), so a fork of the server is the same program minus
        ~25 ms of interpreter start-up and stdlib imports. The harness's probes take this
        path on every tool call and check.
        """
        if len(cmd) < 5 or cmd[1:4] != ["-I", "-S", "-c"]:
            return False
        key = (cmd[0], env.get("PATH", ""))
        if key not in self.own_python:  # asked on every exec: look each name up once
            program = cmd[0]
            if "/" not in program:
                found = (os.path.join(d, program) for d in key[1].split(os.pathsep))
                program = next((p for p in found if os.access(p, os.X_OK)), "")
            self.own_python[key] = bool(program) and os.path.realpath(program) == self.python
        return self.own_python[key]

    def fork_python(
        self, source: str, args: list[str], env: dict[str, str], cwd: str, stdin: bool
    ) -> ForkedPython:
        """Run `source` as `python3 -I -S -c source *args` would, in a fork of this server.

        Raises:
            FileNotFoundError: for a missing `cwd` (answered 127, as an exec's would be).
            OSError: when the pipes or the fork fail (answered 126).
        """
        if not os.path.isdir(cwd):
            raise FileNotFoundError(f"[Errno 2] No such file or directory: {cwd!r}")
        code = self.compile_once(source)
        fds: list[int] = []
        try:
            if stdin:
                fds += os.pipe()
            else:
                fds += [os.open(os.devnull, os.O_RDONLY), -1]
            fds += os.pipe()[::-1]  # child_in, parent_in, child_out, parent_out, ...
            fds += os.pipe()[::-1]
            pid = os.fork()
        except OSError:
            for fd in fds:
                if fd >= 0:
                    os.close(fd)
            raise
        child_in, parent_in, child_out, parent_out, child_err, parent_err = fds
        if pid == 0:
            self.run_forked(code or source, args, env, cwd, (child_in, child_out, child_err))
        for fd in (child_in, child_out, child_err):
            os.close(fd)
        return ForkedPython(
            pid,
            os.fdopen(parent_in, "wb", buffering=0) if parent_in >= 0 else None,
            os.fdopen(parent_out, "rb", buffering=0),
            os.fdopen(parent_err, "rb", buffering=0),
        )

    def compile_once(self, source: str) -> CodeType | None:
        """The compiled source, kept for the next fork (the probes repeat one source)."""
        if source not in self.compiled:
            try:
                code = compile(source, "<string>", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                return None  # the child compiles it again and reports the error as python would
            if len(self.compiled) >= 8:
                self.compiled.pop(next(iter(self.compiled)))
            self.compiled[source] = code
        return self.compiled[source]

    def run_forked(
        self,
        source: str | CodeType,
        args: list[str],
        env: dict[str, str],
        cwd: str,
        fds: tuple[int, ...],
    ) -> None:
        """In the forked child: become a fresh `python3 -c` process and never return.

        What a fresh interpreter would have: its own session, stdio on the pipes (with
        python's error handlers and a line-buffered stderr), a new `__main__` module,
        the request's environment, cwd and limits, KeyboardInterrupt on SIGINT, and at
        the end thread joins, atexit handlers and flushed streams.
        """
        code = 1
        try:
            os.setsid()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            os.closerange(3, 1 << 16)  # the server's sockets, selector and pipes
            self.limits()
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            _fresh_stdio()
            sys.argv = ["-c", *args]
            main = types.ModuleType("__main__")
            main.__dict__.update(__builtins__=builtins, __spec__=None, __loader__=None)
            sys.modules["__main__"] = main
            code = 0
            if not isinstance(source, CodeType):
                source = compile(source, "<string>", "exec", dont_inherit=True)
            exec(source, main.__dict__)
        except SystemExit as ex:
            code = _exit_code(ex)
        except BaseException as ex:  # as python reports it: without this frame
            frames = ex.__traceback__
            traceback.print_exception(type(ex), ex, frames.tb_next if frames else None)
            code = 1
        try:
            if "threading" in sys.modules:
                sys.modules["threading"]._shutdown()  # join non-daemon threads
            atexit._run_exitfuncs()
        except SystemExit as ex:
            code = _exit_code(ex)
        except BaseException:
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code & 0xFF)

    def on_output(self, target: tuple[Job, Any, Tail], events: int) -> None:
        job, stream, tail = target
        try:
            data = os.read(stream.fileno(), _CHUNK)
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
            sent = os.write(stdin.fileno(), job.pending[:_CHUNK])
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

    def kill(self, job: Job) -> None:
        """SIGKILL a command's process group and its whole session.

        The session catches what left the group (`timeout`, job control); a fork bomb
        forking while we scan is caught by the next scan.
        """
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(job.popen.pid, signal.SIGKILL)
        for _ in range(50):
            alive = session_members(job.popen.pid)
            if not alive:
                return
            for pid in alive:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

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
        if self.tripwire is not None:
            deadlines.append(self.next_check)
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def expire(self) -> None:
        now = time.monotonic()
        for pid, (job, conn) in list(self.jobs.items()):
            if pid in self.jobs and job.deadline is not None and now >= job.deadline:
                self.kill(job)
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

    # -- files -------------------------------------------------------------------------

    def resolve(self, path: str) -> str:
        full = os.path.realpath(os.path.join(self.workspace, path))
        if not inside(full, self.workspace):
            raise PermissionError(f"{path}: outside the sandbox workspace {self.workspace}")
        return full

    def read_file(self, req: dict[str, Any]) -> bytes:
        full = self.resolve(str(req["path"]))
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

    def write_file(self, req: dict[str, Any], body: bytes) -> None:
        path = str(req["path"])
        parent = self.resolve(os.path.dirname(os.path.join(self.workspace, path)))
        os.makedirs(parent, exist_ok=True)
        full = self.resolve(path)
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


if __name__ == "__main__":
    main()
