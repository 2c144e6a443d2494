"""The exec server: PID 1 of a bwrap sandbox, running every command of one sample.

Standard library only, every module but this one: the host ships their sources to
the sandbox's own ``python3 -I -S -c`` as one program, `SERVER_SOURCE` (see
`_launch.py`; no package is importable there), with two arguments: the number of the
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

Modules: `_wire` (frames), `_files` (the read and write requests), `_procs` (/proc,
killing a command's session, the fork-bomb tripwire), `_fork` (`python3 -I -S -c`
commands run in a fork of the server), `_loop` (the select loop and `main`).
"""

from __future__ import annotations

from pathlib import Path

MODULES = ("_wire", "_files", "_procs", "_fork", "_loop")
"""The server's modules in the order the sandbox loads them: each after those it imports."""

_BOOTSTRAP = """\
import sys, types
for _name, _source in {modules!r}:
    _module = sys.modules[_name] = types.ModuleType(_name)
    exec(compile(_source, _name.replace(".", "/") + ".py", "exec", dont_inherit=True),
         _module.__dict__)
sys.modules[{main!r}].main()
"""


def server_source() -> str:
    """The exec server as one `python3 -c` program.

    It registers each module of `MODULES` in `sys.modules` under its own name, so that
    their imports of one another resolve there without the package, then runs
    `_loop.main()`.
    """
    folder = Path(__file__).parent
    modules = [
        (f"{__name__}.{name}", (folder / f"{name}.py").read_text(encoding="utf-8"))
        for name in MODULES
    ]
    return _BOOTSTRAP.format(modules=modules, main=f"{__name__}._loop")


SERVER_SOURCE = server_source()
"""The program the sandbox's python runs as its PID 1 (`python3 -I -S -c SERVER_SOURCE`)."""

__all__ = ["MODULES", "SERVER_SOURCE", "server_source"]
