"""Start a world's control plane in the sandbox and take its baseline (harness side).

The control plane (`_control_script.py`) carries out and records every `deployctl`
request; see `operator_eval.scorers._control` for what the scorers read from it.
"""

from __future__ import annotations

import json
import posixpath
from functools import cache
from pathlib import Path

from inspect_ai.util import sandbox

from operator_eval import probe
from operator_eval.contracts._spec import ServiceSpec
from operator_eval.probe import WORLD_ENV, ControlAnswer, ProbeError
from operator_eval.world._data import family_dir
from operator_eval.world._service_world import PROGRAMS

CONTROL_SCRIPT = (Path(__file__).parent / "_control_script.py").read_text(encoding="utf-8")
START_TIMEOUT = 30


class ControlPlaneError(RuntimeError):
    """The world's control plane could not be started or did not answer."""


def tool_code(service: ServiceSpec) -> str:
    """The deploy tooling the control plane runs (it never enters the workspace).

    The service world's own tooling, extended by the `control/extension.py` of the
    family `service.control_tool` names, if it has one.
    """
    return _tool_code(service.control_tool)


BASE_TOOLING = PROGRAMS / "deployctl.py"
"""The service world's tooling (`deployctl`'s implementation)."""
MAIN_GUARD = '\nif __name__ == "__main__":'
"""Where a family's extension is spliced into the base tooling (before it dispatches)."""


@cache
def _tool_code(family: str | None) -> str:
    # Read once per process: every sample of a world starts a control plane with it.
    if family is None:
        return _read(BASE_TOOLING)
    try:
        extension = family_dir(family) / "control" / "extension.py"
    except ValueError:  # a log's family this install does not have: the base tooling
        return _read(BASE_TOOLING)
    if not extension.exists():
        return _read(BASE_TOOLING)
    # A family that only adds commands extends the shared tooling instead of forking it.
    return _extended(_read(BASE_TOOLING), _read(extension))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as ex:
        raise ControlPlaneError(f"{path}: cannot read the world's tooling: {ex}") from ex


def _extended(base: str, extension: str) -> str:
    """The base tooling with `extension` run after its definitions, before it dispatches.

    The extension sees the base's module globals (`S`, `path`, `fail`, `emit`, `COMMANDS`)
    and registers its commands in `COMMANDS`.
    """
    head, guard, tail = base.rpartition(MAIN_GUARD)
    if not guard:
        raise ControlPlaneError(
            f"{BASE_TOOLING}: the tooling has no {MAIN_GUARD.strip()!r} line to extend before"
        )
    return f"{head}\n\n{extension.rstrip()}\n\n{guard}{tail}"


async def start_control_plane(service: ServiceSpec, root: str, token: str) -> int:
    """Start the control plane for the world in `root`; return its pid.

    Args:
        service: The world's service (its control socket and tooling).
        root: The workspace's absolute path inside the sandbox.
        token: The world token every process of the world carries (for cleanup).
    """
    assert service.control_socket is not None
    config = {
        "control": CONTROL_SCRIPT,
        "tool": tool_code(service),
        "root": root,
        "socket": posixpath.join(root, service.control_socket),
        "env": {WORLD_ENV: token},
    }
    result = await sandbox().exec(
        ["python3", "-I", "-S", "-c", CONTROL_SCRIPT],
        input=json.dumps(config),
        timeout=START_TIMEOUT,
        env={WORLD_ENV: token},
    )
    lines = result.stdout.strip().splitlines()
    if not result.success or not lines or not lines[-1].isdigit():
        raise ControlPlaneError(
            f"the world's control plane did not start (exit {result.returncode}): "
            f"{(result.stderr or result.stdout)[-500:]}"
        )
    return int(lines[-1])


async def control_request(
    service: ServiceSpec, pid: int, request: dict[str, object]
) -> ControlAnswer:
    """Ask the control plane (whose own process must serve its socket) one request.

    A probe that fails is an answer too: not ok, with the probe's error as its reason.
    """
    try:
        return await probe.ask_control(service.control_socket, pid, request, service.socket)
    except ProbeError as ex:
        return ControlAnswer(ok=False, reason=str(ex))


async def take_baseline(service: ServiceSpec, pid: int) -> None:
    """Record the world as setup left it: what the agent's run is compared with."""
    answer = await control_request(service, pid, {"op": "baseline"})
    reply = answer.answer
    if not answer.ok or not isinstance(reply, dict) or not reply.get("ok"):
        raise ControlPlaneError(f"the world's control plane took no baseline: {answer}")
