"""Start-up of a bwrap sandbox: who it runs as, where its workspace is, its bwrap command."""

from __future__ import annotations

import functools
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from operator_eval.sandbox._config import BwrapConfig
from operator_eval.sandbox._server import SERVER_SOURCE

HOME = "/tmp/home"
_FRESH_UIDS = (1_500_000_000, 1_600_000_000)
"""Host user ids handed to samples when the eval runs as root (no passwd entries)."""
_PROBE_UID = 1_499_999_999
_ESSENTIAL = ("/", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/dev", "/proc", "/sys")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
"""The host folders a sandbox sees (read-only), with `config.expose` and the python's prefix.

Not the whole of `/`: other checkouts of a project, data folders under /srv or /work,
mounted volumes hold whatever they hold, and hiding them one by one misses some."""
_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")
_WRITABLE_MB = {"/tmp": 0, "/dev/shm": 64}
"""The hiding tmpfs mounts the sandbox may write, and their sizes in MiB (0: `tmp_size_mb`).

The others (/root, /home, the project...) are empty and read-only."""
_in_use: set[int] = set()


class BwrapUnavailableError(RuntimeError):
    """The bwrap sandbox cannot run here (not Linux, no bwrap, user namespaces denied)."""


@dataclass(frozen=True)
class Identity:
    """Who the sandbox runs as on the host: `uid`/`gid`, and whether we switched to it."""

    uid: int
    gid: int
    switch: bool

    def popen_kwargs(self) -> dict[str, Any]:
        """The `Popen` arguments that start a process as this identity."""
        if not self.switch:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def claim_identity(config: BwrapConfig) -> Identity:
    """The host identity of a new sandbox.

    As root: an unprivileged id of its own (`config.host_uid`, or a fresh unused one),
    so the sandbox cannot read root's files (bwrap's user namespace alone maps its
    user to root outside). Otherwise: the current user.
    """
    if os.geteuid() != 0:
        return Identity(os.getuid(), os.getgid(), switch=False)
    if config.host_uid is not None:
        return Identity(config.host_uid, config.host_uid, switch=True)
    while True:
        uid = random.randrange(*_FRESH_UIDS)
        if uid not in _in_use:
            _in_use.add(uid)
            return Identity(uid, uid, switch=True)


def release_identity(identity: Identity) -> None:
    """Give a fresh host id back."""
    _in_use.discard(identity.uid)


def _traversable(path: Path, identity: Identity) -> bool:
    """Can `identity` walk down to `path` (search permission on each ancestor)?"""
    if not identity.switch:
        return all(os.access(p, os.X_OK) for p in path.parents)
    for parent in path.parents:
        try:
            mode = parent.stat().st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
    return True


def make_workspace(identity: Identity) -> Path:
    """A fresh host folder for the sample's workspace, owned by the sandbox's user.

    Under `tempfile.gettempdir()` when the sandbox user can reach it, else under /tmp.
    """
    base = Path(tempfile.gettempdir()).resolve()
    if not _traversable(base / "x", identity):
        base = Path("/tmp")
    workspace = Path(tempfile.mkdtemp(prefix="opeval-bwrap-", dir=base))
    if identity.switch:
        os.chown(workspace, identity.uid, identity.gid)
    workspace.chmod(0o700)
    return workspace


def _hidden_paths(
    config: BwrapConfig, identity: Identity, keep: Path, view: list[Path]
) -> list[Path]:
    """Host paths to cover: secrets, other samples' temp dirs, the project, `config.hide`.

    Only those the sandbox would see: inside a folder of its `view`, or one of the
    private writable mounts (/tmp, /dev/shm). Never a system folder, nor one holding
    `keep` (the server's python).
    """
    candidates = ["/root", "/home", "/tmp", "/var/tmp", "/dev/shm", tempfile.gettempdir()]
    candidates += [os.environ.get("TMPDIR", "/tmp"), *config.hide]
    if config.hide_cwd:
        candidates.append(os.getcwd())
    try:
        from operator_eval._paths import data_dir

        candidates.append(str(data_dir("datasets")))
    except FileNotFoundError:
        pass
    # the package (the key generators) and, from a source checkout, the project (its
    # .venv runs the generators, its logs/ hold keys), whatever the eval's cwd
    package = Path(__file__).resolve().parents[1]
    candidates.append(str(package))
    if (package.parent / "pyproject.toml").is_file():
        candidates.append(str(package.parent))
    hidden: list[Path] = []
    for candidate in candidates:
        path = Path(candidate).resolve()
        needed = [Path(e) for e in _ESSENTIAL] + [keep]
        if any(n.is_relative_to(path) for n in needed):
            continue
        if str(path) in _SECRET_FILES or not path.exists() or path in hidden:
            continue
        if not _traversable(path, identity):
            continue  # unreadable for the sandbox anyway, and bwrap could not reach it
        if str(path) not in _WRITABLE_MB and not any(path.is_relative_to(v) for v in view):
            continue  # not in the sandbox's view at all
        hidden.append(path)
    # a folder hidden inside another hidden folder is hidden already
    return sorted(p for p in hidden if not any(p != q and p.is_relative_to(q) for q in hidden))


def sandbox_env(config: BwrapConfig) -> dict[str, str]:
    """The environment of the exec server and so of every command (no host variables)."""
    return {
        "PATH": config.path,
        "HOME": HOME,
        "USER": "sandbox",
        "LOGNAME": "sandbox",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **config.env,
    }


def bwrap_command(
    config: BwrapConfig, identity: Identity, workspace: Path, ctrl_fd: int, python: str
) -> list[str]:
    """The bwrap command line running the exec server as PID 1 of a new sandbox."""
    settings = {"rlimits": config.rlimits(), "workspace": str(workspace)}
    server = [python, "-I", "-S", "-c", SERVER_SOURCE, str(ctrl_fd), json.dumps(settings)]
    return [*bwrap_args(config, identity, workspace, python), *server]


def bwrap_args(config: BwrapConfig, identity: Identity, workspace: Path, python: str) -> list[str]:
    """The bwrap binary and its options, up to the `--` before the sandboxed command."""
    view = view_folders(config, python)
    args = [
        _bwrap_binary(),
        "--unshare-user",
        "--uid", str(config.sandbox_uid),
        "--gid", str(config.sandbox_uid),
        "--disable-userns",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--hostname", "sandbox",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        *_host_view(view),
        "--dev", "/dev",
        "--proc", "/proc",
    ]  # fmt: skip
    read_only: list[str] = []
    for path in _hidden_paths(config, identity, Path(python).resolve(), view):
        if not path.is_dir():
            args += ["--ro-bind", "/dev/null", str(path)]
        elif str(path) in _WRITABLE_MB:
            size = _WRITABLE_MB[str(path)] or config.tmp_size_mb
            args += ["--perms", "1777", "--size", str(max(1, size) * 1024 * 1024)]
            args += ["--tmpfs", str(path)]
        else:
            args += ["--perms", "0755", "--size", "65536", "--tmpfs", str(path)]
            read_only.append(str(path))
    for secret in _SECRET_FILES:
        if Path(secret).exists():
            args += ["--ro-bind", "/dev/null", secret]
    args += ["--dir", HOME, *_workspace_mount(config, workspace), "--chdir", str(workspace)]
    for path_ in read_only:  # after the workspace bind, which may need a mount point there
        args += ["--remount-ro", path_]
    # Last: bwrap's own root is a tmpfs; writable, it would be disk space without a limit.
    args += ["--remount-ro", "/"]
    return [*args, "--"]


def view_folders(config: BwrapConfig, python: str) -> list[Path]:
    """The host folders the sandbox sees: the system folders, the python's prefix, `expose`."""
    wanted = [*SYSTEM_DIRS, str(Path(python).resolve().parents[1]), *config.expose]
    folders: list[Path] = []
    for folder in map(Path, wanted):
        if folder.is_absolute() and os.path.lexists(folder) and folder not in folders:
            folders.append(folder)
    return folders


def _host_view(folders: list[Path]) -> list[str]:
    """Read-only binds of `folders`.

    A folder that is a symlink on the host (`/bin -> usr/bin` with a merged /usr) is
    the same symlink inside.
    """
    args: list[str] = []
    for path in folders:
        if path.is_symlink() and path.parent == Path("/"):
            args += ["--symlink", os.readlink(path), str(path)]
        else:
            args += ["--ro-bind", str(path), str(path)]
    return args


def _workspace_mount(config: BwrapConfig, workspace: Path) -> list[str]:
    """The workspace's mount: a tmpfs of `workspace_size_mb` at its path, or the host folder.

    The tmpfs is the disk quota: a command that fills it gets ENOSPC, the host's disk
    never fills. It lives as long as the sandbox's mount namespace (its PID 1); the
    host folder of the same path stays an empty mount point.
    """
    if config.workspace_size_mb > 0:
        size = config.workspace_size_mb * 1024 * 1024
        return ["--perms", "0755", "--size", str(size), "--tmpfs", str(workspace)]
    return ["--bind", str(workspace), str(workspace)]


def _bwrap_binary() -> str:
    return shutil.which("bwrap") or "bwrap"


def sandbox_python(config: BwrapConfig) -> str | None:
    """The sandbox's own `python3` (on its PATH) that runs the exec server."""
    return shutil.which("python3", path=config.path)


_MIN_VERSION = (0, 8)
"""First bubblewrap with `--disable-userns` (Debian 12 has 0.8.0)."""


def _bwrap_version() -> tuple[int, ...] | None:
    try:
        out = subprocess.run(
            [_bwrap_binary(), "--version"], capture_output=True, text=True, timeout=10
        ).stdout
        return tuple(int(n) for n in out.split()[-1].split("."))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


@functools.cache
def bwrap_problem() -> str | None:
    """Why the bwrap sandbox cannot run here, or None when it can (probed once).

    Starts a real sandbox, as a sample gets it (same identity, mounts and namespaces),
    running the sandbox's python.
    """
    if not sys.platform.startswith("linux"):
        return f"the bwrap sandbox needs Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return "bwrap (bubblewrap) is not installed: apt-get install bubblewrap"
    version = _bwrap_version()
    if version is not None and version < _MIN_VERSION:
        found = ".".join(map(str, version))
        return f"bwrap {found} is too old (need >= {'.'.join(map(str, _MIN_VERSION))})"
    config = BwrapConfig()
    python = sandbox_python(config)
    if python is None:
        return f"no python3 on the sandbox PATH ({config.path}) to run the exec server"
    switch = os.geteuid() == 0
    identity = Identity(_PROBE_UID, _PROBE_UID, True) if switch else claim_identity(config)
    workspace = make_workspace(identity)
    try:
        command = [*bwrap_args(config, identity, workspace, python), python, "-I", "-S", "-c", ""]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=30,
            env=sandbox_env(config),
            cwd="/",
            **identity.popen_kwargs(),
        )
    except (OSError, subprocess.SubprocessError) as ex:
        return f"bwrap could not be run: {ex}"
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-500:]
        return (
            f"bwrap cannot create its sandbox here (are unprivileged user namespaces "
            f"disabled?): exit {result.returncode}: {detail}"
        )
    return None


def require_bwrap() -> None:
    """Raise `BwrapUnavailableError` naming the problem when bwrap cannot run here."""
    problem = bwrap_problem()
    if problem is not None:
        raise BwrapUnavailableError(f"sandbox 'bwrap' is unavailable: {problem}")
