"""The `bwrap` Inspect sandbox: each sample in its own bubblewrap sandbox on this Linux host.

How it works. `sample_init` makes a fresh workspace folder on the host and starts ONE
long-lived `bwrap` for the sample, whose PID 1 is a small exec server (`_server/`,
run by the sandbox's own `python3`). Every `exec`, `read_file` and `write_file` is a
request to that server over a private socket pair handed to it through a control
socket the host keeps (never visible inside the sandbox). So all commands of a sample
share one mount view and one pid/ipc/network namespace: a service started by one
`exec` (the world's, on a unix socket in the workspace) keeps running and answers
later `exec` calls, and `ps`/`kill`/`pkill` see exactly the sample's processes.
`sample_cleanup` closes the control socket: the server, PID 1, exits and the kernel
kills every process of the namespace; then the workspace is removed.

What the sandbox sees:

- of the host's file system only its system folders (`SYSTEM_DIRS`: /usr, /etc, /bin,
  /sbin, /lib*), the python's prefix and `config.expose`, read-only, under a read-only
  root; the workspace (read-write, the working directory: a tmpfs of
  `workspace_size_mb` mounted at the path of a fresh host folder, which stays an empty
  mount point), a private /tmp (tmpfs of `tmp_size_mb`; `HOME` is /tmp/home), fresh
  /dev and /proc;
- private and writable: /tmp and /dev/shm (tmpfs), which also hide the host's temp dir
  (other samples' workspaces);
- hidden behind empty read-only tmpfs mounts, where they lie inside that view: the
  installed `operator_eval` package (the key generators), the task datasets (answer
  keys), the eval's working directory (`hide_cwd`) and `config.hide`; /etc/shadow and
  friends are covered with /dev/null (the rest of the host, /root, /home and the
  project included, is not in the view at all);
- no network: a new network namespace with only loopback (unix sockets in the
  workspace still work);
- an environment of its own (PATH, HOME, LANG, `config.env`): no host variable leaks.

Who it runs as. When the eval runs as root the sandbox runs as a fresh unprivileged
host user id per sample (bwrap's user namespace alone would map its user to root,
which can read /etc/shadow); commands see uid `sandbox_uid` (1000) in a user namespace
where creating further user namespaces is disabled. Otherwise it runs as the current
user. The server is PID 1 and non-dumpable: the sandbox's processes can neither kill it
(`kill -9 -1` included) nor ptrace it.

Limits. Every command gets RLIMIT_NPROC, RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_CPU and
RLIMIT_NOFILE (soft = hard) from `BwrapConfig`; a fork bomb stops at `max_processes`
(counted per sandbox user namespace) while the server, which has no such limit, still
serves other requests and kills the bomb on timeout. A timeout (or a cancelled exec)
SIGKILLs the command's process group and session (`TimeoutError`); like Inspect's
local sandbox, exec output beyond `SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE` keeps
only its tail; `read_file` raises `OutputLimitExceededError` over `MAX_READ_FILE_SIZE`.
`read_file`/`write_file` accept paths relative to the workspace or absolute inside it,
resolved inside the sandbox with its permissions (a symlink cannot make the host read
or write for it); any other path raises `PermissionError`.

Cost: about 1-2 ms per `exec` over Inspect's local sandbox, ~0.1 s per sample start.

Disk. Everything a sample can write is a size-capped tmpfs (the workspace, /tmp,
/dev/shm): filling it gets ENOSPC inside the sandbox and costs the host at most those
sizes in memory, never its disk; it vanishes with the sandbox.

Not covered: total memory of a sample (RLIMIT_AS is per process; cgroups would be
needed), inodes of the tmpfs mounts (bwrap cannot set `nr_inodes`), CPU share, a seccomp
filter, and anything readable in the host's file system outside the hidden paths
(add them to `hide`). Processes a command leaves behind (on purpose: a service) live
until the sample ends, so a fork bomb whose command already returned keeps the
sandbox at `max_processes` until then (the host is unaffected). Linux only; needs
bubblewrap >= 0.8 and unprivileged user namespaces. `exec(user=...)` supports only
the sandbox's own user, and Inspect's injected sandbox tools (`exec_remote`,
`bash_session`, `text_editor`), which install themselves outside the workspace, are
not supported.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Literal, overload

import anyio
from anyio.abc import Process
from inspect_ai.util import (
    ExecResult,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel
from typing_extensions import override

from operator_eval.sandbox._client import call, raise_failure
from operator_eval.sandbox._config import BwrapConfig, load_config
from operator_eval.sandbox._launch import (
    BwrapUnavailableError,
    Identity,
    bwrap_command,
    claim_identity,
    make_workspace,
    release_identity,
    require_bwrap,
    sandbox_env,
    sandbox_python,
)

START_TIMEOUT = 30
"""Seconds for bwrap and its exec server to come up."""
STOP_TIMEOUT = 10
"""Seconds for the sandbox to exit once told to, before bwrap is killed."""
TIMEOUT_GRACE = 10
"""Seconds the host waits past an exec's timeout for the server's own verdict."""


@sandboxenv(name="bwrap")
class BwrapSandboxEnvironment(SandboxEnvironment):
    """One sample's bwrap sandbox: a workspace, a bwrap process and its exec server."""

    def __init__(
        self,
        config: BwrapConfig,
        identity: Identity,
        workspace: Path,
        process: Process,
        ctrl: socket.socket,
        errlog: IO[bytes],
    ) -> None:
        super().__init__()
        self.config = config
        self.identity = identity
        self.workspace = workspace
        self._process = process
        self._ctrl = ctrl
        self._errlog = errlog

    # -- lifecycle -----------------------------------------------------------------------

    @override
    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        require_bwrap()
        load_config(config)

    @override
    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return BwrapConfig.model_validate(config)

    @override
    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        return {"default": await cls.start(load_config(config))}

    @override
    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for environment in environments.values():
            await environment.as_type(BwrapSandboxEnvironment).stop()

    @classmethod
    async def start(cls, config: BwrapConfig) -> BwrapSandboxEnvironment:
        """Start a sandbox: its workspace, its bwrap, its exec server (ready to serve).

        Raises:
            BwrapUnavailableError: when bwrap cannot run here or the sandbox fails to start.
        """
        require_bwrap()
        python = sandbox_python(config)
        if python is None:
            raise BwrapUnavailableError(f"no python3 on the sandbox PATH {config.path}")
        identity = claim_identity(config)
        workspace = make_workspace(identity)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        errlog = tempfile.TemporaryFile()
        try:
            process = await anyio.open_process(
                bwrap_command(config, identity, workspace, theirs.fileno(), python),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errlog,
                cwd="/",
                env=sandbox_env(config),
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                **identity.popen_kwargs(),
            )
        except BaseException:
            ours.close()
            errlog.close()
            _remove_tree(workspace)
            release_identity(identity)
            raise
        finally:
            theirs.close()
        env = cls(config, identity, workspace, process, ours, errlog)
        try:
            await env._wait_ready()
        except BaseException:
            with anyio.CancelScope(shield=True):
                await env.stop()
            raise
        return env

    async def _wait_ready(self) -> None:
        self._ctrl.setblocking(False)
        ready = b""
        with anyio.move_on_after(START_TIMEOUT):
            while not ready:
                await anyio.wait_readable(self._ctrl)
                try:
                    ready = self._ctrl.recv(1) or b"EOF"
                except BlockingIOError:
                    continue
        if ready != b"R":
            raise BwrapUnavailableError(
                f"the bwrap sandbox did not start: {self._stderr() or 'no answer in time'}"
            )

    def _stderr(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._errlog.seek(0)
            return self._errlog.read()[-2000:].decode(errors="replace").strip()
        return ""

    async def stop(self) -> None:
        """End the sandbox: every process in it, then its workspace."""
        with anyio.CancelScope(shield=True):
            self._ctrl.close()  # the server (PID 1) exits, the kernel kills the rest
            with anyio.move_on_after(STOP_TIMEOUT):
                await self._process.wait()
            if self._process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    self._process.kill()  # --die-with-parent takes the server along
                with anyio.move_on_after(STOP_TIMEOUT):
                    await self._process.wait()
            for _ in range(20):
                _remove_tree(self.workspace)
                if not self.workspace.exists():
                    break
                await anyio.sleep(0.1)
            self._errlog.close()
            release_identity(self.identity)

    # -- the SandboxEnvironment API ------------------------------------------------------

    @override
    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        if user is not None and user not in ("sandbox", str(self.config.sandbox_uid)):
            raise SandboxUserUnsupportedError(
                f"the bwrap sandbox cannot execute as {user!r}; only as its own user"
            )
        body = input.encode() if isinstance(input, str) else (input or b"")
        final_cwd = self.workspace if cwd is None else self.workspace / cwd
        header = {
            "op": "exec",
            "cmd": list(cmd),
            "cwd": str(final_cwd),
            "env": env or {},
            "timeout": timeout,
            "max_output": SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE,
        }
        answer: dict[str, Any] = {}
        payloads: list[bytes] = []
        with anyio.move_on_after(None if timeout is None else timeout + TIMEOUT_GRACE):
            answer, payloads = await call(self._ctrl, header, body)
        if not answer or answer.get("timed_out"):
            raise TimeoutError(f"command timed out after {timeout} seconds: {cmd[:1]}")
        raise_failure(answer)
        stdout, stderr = payloads
        returncode = int(answer["returncode"])
        return ExecResult(
            success=returncode == 0,
            returncode=returncode,
            stdout=stdout.decode(errors="replace"),
            stderr=stderr.decode(errors="replace"),
        )

    @override
    async def write_file(self, file: str, contents: str | bytes) -> None:
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        answer, _ = await call(self._ctrl, {"op": "write", "path": self._resolve(file)}, data)
        raise_failure(answer)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    @override
    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        header = {
            "op": "read",
            "path": self._resolve(file),
            "max_size": SandboxEnvironmentLimits.MAX_READ_FILE_SIZE,
        }
        answer, payloads = await call(self._ctrl, header)
        raise_failure(answer)
        (data,) = payloads
        return data.decode("utf-8") if text else data

    @override
    def default_polling_interval(self) -> float:
        return 0.2

    def _resolve(self, file: str) -> str:
        """`file` as an absolute path in the workspace (PermissionError if outside)."""
        full = os.path.normpath(self.workspace / file)
        root = str(self.workspace)
        if full != root and not full.startswith(root + "/"):
            raise PermissionError(f"{file}: outside the sandbox workspace {root}")
        return full


def _remove_tree(path: Path) -> None:
    """Remove a workspace, even folders its sandbox made unwritable."""

    def allow(function: Callable[..., Any], name: str, _: Any) -> None:
        with contextlib.suppress(OSError):
            parent = os.path.dirname(name)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, os.stat(name).st_mode | stat.S_IRWXU)
            function(name)

    shutil.rmtree(path, onerror=allow)
