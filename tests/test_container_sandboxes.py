"""The shipped Docker and Kubernetes sandbox configs (`-T sandbox=docker` / `k8s`).

These check the files without an engine or a cluster (they parse, hold what a world
needs, every task selects them; `docker compose config` validates the compose file
when the compose plugin is installed). Worlds really running in Docker:
`tests/test_docker_sandbox.py`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from inspect_ai import Task
from inspect_ai.util import SandboxEnvironmentSpec

from operator_eval import tasks
from operator_eval.families import family_names as families
from operator_eval.tasks._family import container_config, resolve_sandbox
from operator_eval.world import generate_specs

CONTAINERS = Path(tasks.__file__).resolve().parents[1] / "sandbox" / "containers"
ROOT = CONTAINERS.parents[2]
TASKS = list(tasks.__all__)
"""Every task the package exports: the families that have their own task and the suites
(the benchboard_hard families run only inside their suite)."""


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
    config = load(container_config("docker"))
    service = default_service(config)
    assert service["x-default"] is True
    assert service["network_mode"] == "none"  # the world's service is on a unix socket
    # PID 1 is the image's world_init.py (reaper and fork-bomb tripwire), not tini
    assert service["init"] is False
    assert service["command"][-1] == "/usr/local/lib/operator-eval/world_init.py"
    assert "COPY world_init.py /usr/local/lib/operator-eval/world_init.py" in dockerfile_lines()
    # resource limits: memory, processes (fork bombs), CPU
    assert re.fullmatch(r"\d+[mg]", service["mem_limit"])
    assert 0 < service["pids_limit"] <= 4096
    assert 0 < float(service["cpus"]) <= 4
    assert "ports" not in service
    assert "privileged" not in service and "cap_add" not in service


def test_nothing_a_sample_writes_reaches_the_hosts_disk() -> None:
    config = load(container_config("docker"))
    service = default_service(config)
    assert service["read_only"] is True
    # /tmp and $HOME: size-limited tmpfs mounts
    tmpfs = {entry.split(":")[0]: entry for entry in service["tmpfs"]}
    assert set(tmpfs) == {"/tmp", "/home/agent"}
    assert all("size=" in entry for entry in tmpfs.values())
    # the workspace: a named volume (Inspect's read_file, a `docker cp`, cannot read a
    # tmpfs mount) that is itself a size-limited tmpfs; no bind mount of the host at all
    assert service["volumes"] == ["workspace:/home/agent/workspace"]
    assert config["volumes"]["workspace"]["driver_opts"]["type"] == "tmpfs"
    assert config["volumes"]["workspace"]["driver_opts"]["device"] == "tmpfs"
    assert "size=" in config["volumes"]["workspace"]["driver_opts"]["o"]
    assert set(config["volumes"]) == {"workspace"}
    # Inspect cannot tell that volume from a host folder: the opt-in covers it alone
    assert config["x-inspect_docker_sandbox"] == {"unsafe_allow_writable_host_mounts": True}


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


def agent_env_chart() -> Path:
    """The agent-env Helm chart inspect-k8s-sandbox installs with (its own copy)."""
    k8s_sandbox = pytest.importorskip(
        "k8s_sandbox", reason="inspect-k8s-sandbox is not installed (the dev extra has it)"
    )
    return Path(k8s_sandbox.__file__).parent / "resources" / "helm" / "agent-env"


def helm_merge(defaults: Any, values: Any) -> Any:
    """`values` over the chart's `defaults` as Helm coalesces them (maps deep, null deletes)."""
    if not (isinstance(defaults, dict) and isinstance(values, dict)):
        return values
    merged = dict(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = helm_merge(defaults.get(key), value)
    return merged


def test_k8s_values_match_the_agent_env_charts_schema() -> None:
    chart = agent_env_chart()
    schema = json.loads((chart / "values.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    defaults = load(chart / "values.yaml")
    values = load(container_config("k8s"))
    # what `helm install --values values.yaml` checks: the chart's defaults, ours over them
    validator.validate(helm_merge(defaults, values))
    merged = default_service(helm_merge(defaults, values))
    assert merged["image"] == default_service(values)["image"]
    assert merged["runtimeClassName"] == "gvisor"  # the chart's default runtime, kept
    assert not helm_merge(defaults, values).get("allowDomains")  # no network
    # the control: the schema refuses what the chart would not render (a misspelt key)
    wrong = {"services": {"default": {**default_service(values), "workdir": "/workspace"}}}
    with pytest.raises(jsonschema.ValidationError, match="workdir"):
        validator.validate(helm_merge(defaults, wrong))


def test_k8s_values_run_the_agent_unprivileged_on_a_read_only_root() -> None:
    service = default_service(load(container_config("k8s")))
    context = service["securityContext"]
    assert context["runAsUser"] != 0 and context["runAsNonRoot"] is True
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    # every writable place is a size-limited memory emptyDir, the workspace among them
    volumes = {v["name"]: v for v in service["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in service["volumeMounts"]}
    assert service["workingDir"] in mounts and "/tmp" in mounts
    for name in mounts.values():
        assert volumes[name]["emptyDir"]["medium"] == "Memory"
        assert volumes[name]["emptyDir"]["sizeLimit"]
    # the runtime stays the chart's default (gVisor): the values do not override it
    assert "runtimeClassName" not in service


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
