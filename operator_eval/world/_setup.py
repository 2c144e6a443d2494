"""Build a sample's world inside its sandbox, and take it down afterwards."""

from __future__ import annotations

import base64
import shlex
from uuid import uuid4

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from operator_eval import probe
from operator_eval.contracts._spec import TaskSpec
from operator_eval.contracts._store import ProtectedRecord, WorldRecord
from operator_eval.probe import WORLD_ENV, tree_digests
from operator_eval.world._control import ControlPlaneError, start_control_plane, take_baseline

SETUP_TIMEOUT = 60


class WorldSetupError(RuntimeError):
    """The world could not be built in the sandbox."""


async def build_world(spec: TaskSpec, token: str) -> tuple[str, int | None]:
    """Write the spec's files into the sandbox, run its setup commands, start its service.

    A world with a control plane gets it started before its setup commands (which
    deploy through it) and its baseline taken after them.

    Args:
        spec: The sample's spec.
        token: The world token; every process started here carries it in its
            environment (`OPERATOR_EVAL_WORLD`), so cleanup can find them all.

    Returns:
        The absolute workspace path inside the sandbox, and the control plane's pid.
    """
    box = sandbox()
    for path, content in spec.files.items():
        await box.write_file(path, content)
    for path, encoded in spec.binary_files.items():
        await box.write_file(path, base64.b64decode(encoded))
    service = spec.service
    control_pid = None
    if service is not None and service.control_socket is not None:
        root = (await box.exec(["pwd", "-P"])).stdout.strip()
        try:
            control_pid = await start_control_plane(service, root, token)
        except ControlPlaneError as ex:
            raise WorldSetupError(f"world setup of {spec.id} failed: {ex}") from ex
    script = ["set -e"]
    if spec.executables:
        script.append("chmod +x " + " ".join(shlex.quote(p) for p in spec.executables))
    script += spec.setup_commands
    script.append("pwd -P")
    result = await box.exec(
        ["sh", "-c", "\n".join(script)], timeout=SETUP_TIMEOUT, env={WORLD_ENV: token}
    )
    if not result.success:
        raise WorldSetupError(
            f"world setup of {spec.id} failed (exit {result.returncode}): "
            f"{(result.stderr or result.stdout)[-1000:]}"
        )
    if service is not None and control_pid is not None:
        try:
            await take_baseline(service, control_pid)
        except ControlPlaneError as ex:
            raise WorldSetupError(f"world setup of {spec.id} failed: {ex}") from ex
    return result.stdout.strip().splitlines()[-1], control_pid


@solver
def world_setup() -> Solver:
    """Set up the sample's world (files, service) and snapshot its protected paths."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        spec = TaskSpec.model_validate(state.metadata)
        world = WorldRecord(store=state.store)
        token = uuid4().hex
        # Kept before the world starts: cleanup must find what a failed setup started.
        world.world_token = token
        world.workspace, world.control_pid = await build_world(spec, token)
        ProtectedRecord(store=state.store).protected_before = await tree_digests(spec.protected)
        if spec.expected.output is not None:
            world.workspace_before = await tree_digests(["."])
        return state

    return solve


@solver
def snapshot_protected(paths: list[str]) -> Solver:
    """Record the digests of `paths` for `protected_inputs()`, in tasks without a world spec.

    Put it in the task's `setup=` so it runs before the agent.

    Args:
        paths: Sandbox paths (files or folders, relative to the working directory).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        ProtectedRecord(store=state.store).protected_before = await tree_digests(paths)
        return state

    return solve


async def world_cleanup(state: TaskState) -> None:
    """Kill every process of the sample's world (runs after scoring, even on errors).

    That is the service and anything the agent left running: all carry the world
    token in their environment; the service is also matched by its command line
    in case an agent started it with a cleared environment.
    """
    world = WorldRecord.read(state.store)
    token, workspace = world.world_token, world.workspace
    if not token:
        return
    spec = TaskSpec.model_validate(state.metadata)
    marker = f"{workspace}/{spec.service.process_marker}" if workspace and spec.service else ""
    await probe.reap(token, marker)
