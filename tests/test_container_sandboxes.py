"""The shipped Docker and Kubernetes sandbox configs (`-T sandbox=docker` / `k8s`).

These check the files without an engine or a cluster (they parse, hold what a world
needs, every task selects them; `docker compose config` validates the compose file
when the compose plugin is installed). Worlds really running in Docker:
`tests/test_docker_sandbox.py`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from inspect_ai import Task
from inspect_ai.util import SandboxEnvironmentSpec

from operator_eval import tasks
from operator_eval.tasks._family import container_config, resolve_sandbox
from operator_eval.world import generate_specs
from operator_eval.world._sample import families

CONTAINERS = Path(tasks.__file__).resolve().parents[1] / "sandbox" / "containers"
ROOT = CONTAINERS.parents[2]
TASKS = [*families(), "benchboard"]


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def default_service(config: dict[str, Any]) -> dict[str, Any]:
    service = config["services"]["default"]
    assert isinstance(service, dict)
    return service


def dockerfile_lines() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (CONTAINERS / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


# -- docker --------------------------------------------------------------------------------


def test_compose_service_is_isolated_limited_and_kept_alive() -> None:
    service = default_service(load(container_config("docker")))
    assert service["x-default"] is True and service["init"] is True
    assert service["network_mode"] == "none"  # the world's service is on a unix socket
    assert service["command"] == "tail -f /dev/null"
    # resource limits: memory, processes (fork bombs), CPU
    assert re.fullmatch(r"\d+[mg]", service["mem_limit"])
    assert 0 < service["pids_limit"] <= 4096
    assert 0 < float(service["cpus"]) <= 4
    assert "ports" not in service and "volumes" not in service  # nothing of the host
    assert "privileged" not in service and "cap_add" not in service


def test_compose_builds_an_image_with_what_every_world_needs() -> None:
    service = default_service(load(container_config("docker")))
    build = service["build"]
    dockerfile = container_config("docker").parent / build["context"] / build["dockerfile"]
    assert dockerfile.resolve() == (CONTAINERS / "Dockerfile").resolve()
    lines = dockerfile_lines()
    # built from the local base scripts/docker-engine.sh makes: no registry needed
    assert "ARG BASE=operator-eval-base:bookworm" in lines
    assert lines[lines.index("ARG BASE=operator-eval-base:bookworm") + 1] == "FROM ${BASE}"
    assert build["args"]["BASE"] == "${OPEVAL_DOCKER_BASE:-operator-eval-base:bookworm}"
    script = (ROOT / "scripts" / "docker-engine.sh").read_text(encoding="utf-8")
    assert "--include=python3,git,procps" in script  # what the base is made with
    # another base gets what it lacks: git (safety_gate, benchboard), procps (ps, pkill)
    installs = " ".join(line for line in lines if "apt-get install" in line)
    for command, package in [("git", "git"), ("ps", "procps"), ("timeout", "coreutils")]:
        assert f"{command}:{package}" in installs
    # the agent runs unprivileged, in a workspace of its own
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert any(line.startswith("WORKDIR /home/") for line in lines)
    # the image is tagged, so it is built once and reused across samples and runs
    assert service["image"].startswith("operator-eval-world:")


def test_every_world_serves_on_a_unix_socket_in_its_workspace() -> None:
    """Why the container needs no network and no published port."""
    for family in families():
        for spec in generate_specs(family, 0):
            if spec.service is not None:
                socket = Path(spec.service.socket)
                assert not socket.is_absolute() and ".." not in socket.parts, spec.id
    assert default_service(load(container_config("docker")))["network_mode"] == "none"


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="no docker compose plugin to validate the file with",
)
def test_docker_compose_accepts_the_file() -> None:
    result = subprocess.run(
        ["docker", "compose", "-f", str(container_config("docker")), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# -- kubernetes ---------------------------------------------------------------------------


def test_k8s_values_run_an_image_that_has_git_without_network() -> None:
    values = load(container_config("k8s"))
    service = default_service(values)
    # a cluster cannot build the Dockerfile: the full Debian python image has git
    assert re.fullmatch(r"python:3\.1[1-9]-bookworm", service["image"]), service["image"]
    assert service["command"] == ["tail", "-f", "/dev/null"]
    limits = service["resources"]["limits"]
    assert limits["memory"] and limits["cpu"]
    assert not values.get("allowDomains") and not values.get("allowEntities")
    assert not service.get("ports") and not service.get("dnsRecord")


# -- selecting them ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docker", "k8s"])
def test_resolve_sandbox_maps_containers_to_the_shipped_configs(kind: str) -> None:
    spec = resolve_sandbox(kind)
    assert spec == SandboxEnvironmentSpec(kind, str(container_config(kind)))
    assert Path(str(spec.config)).is_absolute() and Path(str(spec.config)).is_file()
    assert resolve_sandbox("local") == "local"
    assert resolve_sandbox("auto") in ("bwrap", "local")


@pytest.mark.parametrize("name", TASKS)
def test_every_task_selects_the_compose_file_with_sandbox_docker(name: str) -> None:
    task = getattr(tasks, name)(sandbox="docker")
    assert isinstance(task, Task)
    assert task.sandbox == SandboxEnvironmentSpec("docker", str(container_config("docker")))
    assert task.sandbox is not None and Path(str(task.sandbox.config)).is_file()
