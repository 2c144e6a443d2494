"""Fork emulation: a `python3 -I -S -c` command run in a fork of the exec server.

Such a command would start exactly as the server started (same binary, same flags:
isolated, no site), so a fork of the server is the same program minus ~25 ms of
interpreter start-up and stdlib imports. The harness's probes take this path on
every tool call and check (`tests/test_exec_server_fork.py` holds the fork to what a
fresh interpreter does).
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import io
import os
import signal
import sys
import traceback
import types
from collections.abc import Callable
from types import CodeType
from typing import Any


class ForkedPython:
    """A `python3 -I -S -c` command running in a fork of the server (see `Forker.fork`).

    Offers what `_loop.Job` uses of a `subprocess.Popen`: pid, the three pipes, returncode.
    """

    def __init__(self, pid: int, stdin: Any, stdout: Any, stderr: Any) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None


class Forker:
    """Recognises the server's own python in a command, and runs such commands in forks.

    Args:
        limits: sets the sandbox's resource limits, in the child.
    """

    def __init__(self, limits: Callable[[], None]) -> None:
        self.limits = limits
        self.python = os.path.realpath(sys.executable)
        self.own_python: dict[tuple[str, str], bool] = {}
        self.compiled: dict[str, CodeType] = {}

    def recognises(self, cmd: list[str], env: dict[str, str]) -> bool:
        """Is `cmd` `python3 -I -S -c SOURCE ...` with the interpreter the server runs on?"""
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

    def fork(
        self, source: str, args: list[str], env: dict[str, str], cwd: str, stdin: bool
    ) -> ForkedPython:
        """Run `source` as `python3 -I -S -c source *args` would, in a fork of the server.

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
