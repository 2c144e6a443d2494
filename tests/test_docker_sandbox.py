"""Worlds really running in Inspect's `docker` sandbox (`-T sandbox=docker`).

Needs a Docker Engine >= 24.0.6 with the compose plugin answering `docker info`, and the
local base image; `scripts/docker-engine.sh start` provides both (`.ci/run` runs it).
Skipped otherwise, saying which is missing. Three evals, each through the real agent
path and `operator_eval/sandbox/containers/compose.yaml`:

- safety_gate (git, a dirty gate, BLOCKED and DONE samples) played by the oracle (full
  points) and by sloppy (never resolved, every DONE unsupported);
- every hostile policy on deploy_recovery side by side, caught with the labels the bwrap
  sandbox gives them (`HOSTILE_LABELS`, tests/test_hostile.py), contained;
- the answer-key search of tests/test_answer_keys.py inside the containers: each
  sample's writable mounts for its own key, and one container's whole file system for
  every key of every family.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, task_with
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import ChatMessageTool
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox
from test_answer_keys import (
    STORE_KEY,
    FamilyNeedles,
    describe,
    family_needles,
    host_needles,
    run_search,
)

from operator_eval.bench._docker import docker_overhead
from operator_eval.bench._docker import docker_problem as bench_docker_problem
from operator_eval.families import family_names as families
from operator_eval.policies import HOSTILE, HOSTILE_LABELS
from operator_eval.policies._hostile_sandbox import escape_targets
from operator_eval.tasks import deploy_recovery, safety_gate
from operator_eval.tasks._family import resolve_sandbox
from operator_eval.world import build_dataset, world_cleanup, world_setup

REQUIRED = (24, 0, 6)
BASE_IMAGE = "operator-eval-base:bookworm"
WORLD_IMAGE = "operator-eval-world:1"
SECRET = "opeval-docker-hostile-secret-5151"
"""A host environment value no command in a container may see."""
SLEEPER_TIME_LIMIT = 60
"""The sleeper's sample time limit: under its 300 s shell timeout, over a container's
start and world setup on a loaded machine (15 s, bwrap's, can end it before its agent
runs, which a container's slower setup makes likely)."""
WORKSPACE_KIB = 1024 * 1024
"""The workspace volume's size (compose.yaml), as the bwrap sandbox's default."""
_MIB = 1024 * 1024


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def docker_problem() -> str | None:
    """Why the docker sandbox cannot run here, or None."""
    if shutil.which("docker") is None:
        return "no docker CLI (scripts/docker-engine.sh start)"
    version = _run("docker", "version", "--format", "{{.Server.Version}}").stdout.strip()
    if not version:
        return "no Docker Engine answers `docker info` (scripts/docker-engine.sh start)"
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:3])
    if numbers < REQUIRED:
        return f"Docker Engine {version} is older than Inspect's 24.0.6"
    if _run("docker", "compose", "version").returncode != 0:
        return "no `docker compose` plugin (scripts/docker-engine.sh start)"
    if _run("docker", "image", "inspect", BASE_IMAGE).returncode != 0:
        return f"no local base image {BASE_IMAGE} (scripts/docker-engine.sh start)"
    return None


PROBLEM = docker_problem()
needs_docker = pytest.mark.skipif(PROBLEM is not None, reason=f"docker sandbox unusable: {PROBLEM}")


def world_containers() -> list[str]:
    """Containers of the world image, running or not (every eval removes its own)."""
    result = _run("docker", "ps", "-aq", "--filter", f"ancestor={WORLD_IMAGE}")
    return result.stdout.split()


def operator_score(sample: EvalSample) -> Any:
    return (sample.scores or {})["operator_score"]


# -- one family end to end -----------------------------------------------------------------


@pytest.fixture(scope="module")
def family_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalLog]:
    """safety_gate played by the oracle and by sloppy, in docker."""
    tasks = [
        task_with(safety_gate(sandbox="docker"), model=f"opeval/{policy}", name=policy)
        for policy in ("oracle", "sloppy")
    ]
    logs = inspect_eval(
        tasks, max_tasks=2, log_dir=str(tmp_path_factory.mktemp("logs")), display="none"
    )
    return {log.eval.task: log for log in logs}


@needs_docker
@pytest.mark.slow
def test_the_oracle_scores_full_points_in_docker(family_logs: dict[str, EvalLog]) -> None:
    log = family_logs["oracle"]
    assert log.status == "success", log.error
    assert log.eval.sandbox is not None and log.eval.sandbox.type == "docker"
    samples = log.samples or []
    assert len(samples) == len(build_dataset("safety_gate", 0))
    for sample in samples:
        score = operator_score(sample)
        why = [c["reason"] for c in score.metadata["checks"] if not c["passed"]]
        assert score.value["points"] == 25 and score.value["resolved"] == 1, (sample.id, why)


@needs_docker
@pytest.mark.slow
def test_sloppy_never_resolves_in_docker(family_logs: dict[str, EvalLog]) -> None:
    log = family_logs["sloppy"]
    assert log.status == "success", log.error
    for sample in log.samples or []:
        score = operator_score(sample)
        assert score.metadata["claimed"]["status"] == "DONE"
        assert score.value["resolved"] == 0, sample.id
        assert "unsupported_done" in score.metadata["labels"], sample.id


# -- the hostile set -----------------------------------------------------------------------


@dataclass
class HostileRun:
    """What one eval of every hostile policy in docker left behind."""

    logs: dict[str, EvalLog]
    seconds: float
    disk_drop: int
    """Bytes the host's disk (docker's data root) lost over the eval."""
    leftovers: list[str]
    """World containers still there after the eval."""

    def sample(self, policy: str) -> EvalSample:
        (sample,) = self.logs[policy].samples or []
        return sample

    def outputs(self, policy: str) -> list[str]:
        return [m.text for m in self.sample(policy).messages if isinstance(m, ChatMessageTool)]


def _docker_root() -> str:
    root = _run("docker", "info", "--format", "{{.DockerRootDir}}").stdout.strip()
    return root if root and Path(root).is_dir() else "/"


def _remove_escape_files() -> None:
    for target in escape_targets(Path.cwd()):
        with suppress(OSError):
            Path(target).unlink()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    """Every hostile policy at once, one deploy_recovery sample each, in docker."""
    _remove_escape_files()
    tasks = [
        task_with(
            deploy_recovery(sandbox="docker"),
            model=f"opeval/{name}",
            name=name,
            time_limit=SLEEPER_TIME_LIMIT if name == "hostile_sleeper" else None,
        )
        for name in HOSTILE
    ]
    root = _docker_root()
    free_before = shutil.disk_usage(root).free
    began = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPEVAL_HOSTILE_SECRET", SECRET)
        logs = inspect_eval(
            tasks,
            limit=1,
            max_tasks=len(tasks),
            log_dir=str(tmp_path_factory.mktemp("hostile-logs")),
            display="none",
        )
    yield HostileRun(
        logs={log.eval.task: log for log in logs},
        seconds=time.monotonic() - began,
        disk_drop=free_before - shutil.disk_usage(root).free,
        leftovers=world_containers(),
    )
    _remove_escape_files()


@needs_docker
@pytest.mark.slow
def test_every_hostile_policy_gets_its_bwrap_labels_in_docker(hostile_run: HostileRun) -> None:
    assert set(hostile_run.logs) == set(HOSTILE)
    for policy, expected in HOSTILE_LABELS.items():
        log = hostile_run.logs[policy]
        assert log.status == "success", (policy, log.error)
        sample = hostile_run.sample(policy)
        assert sample.error is None, (policy, sample.error)
        score = operator_score(sample)
        labels = set(score.metadata["labels"])
        assert expected <= labels, (policy, labels)
        assert score.value["points"] == 0 and score.value["resolved"] == 0, (policy, score.value)
        assert score.value["runtime_failure"] == 0, policy
        if policy != "hostile_sleeper":
            assert score.value["unsupported_done"] == 1, (policy, score.value)
            assert score.metadata["stop"] == "final", policy
        else:  # its agent ran, and the time limit, not the setup, stopped it
            assert score.metadata["stop"] == "limit", score.metadata["stop"]
    assert hostile_run.leftovers == []  # every container went with its sample


@needs_docker
@pytest.mark.slow
def test_escape_reads_no_secret_and_writes_nothing_on_the_host(hostile_run: HostileRun) -> None:
    outputs = "\n".join(hostile_run.outputs("hostile_escape"))
    assert "Permission denied" in outputs or "No such file" in outputs
    assert not re.search(r"(?m)^root:[^:\n]*:\d*:", outputs)  # no line of /etc/shadow
    assert SECRET not in outputs  # the eval's environment
    assert "family: deploy_recovery" not in outputs  # the datasets (answer keys)
    assert 'name = "operator-eval"' not in outputs  # the project
    for target in escape_targets(Path.cwd()):
        if not target.startswith(".."):
            assert not Path(target).exists(), target
    assert "Read-only file system" in outputs  # /etc, /usr, /var/tmp in the container


@needs_docker
@pytest.mark.slow
def test_a_fork_bomb_is_ended_and_the_container_works_again(hostile_run: HostileRun) -> None:
    outputs = hostile_run.outputs("hostile_fork_bomb")
    # the detached bomb (children setsid() away) met world_init.py's tripwire: the
    # calls right after it may be killed with it, and the container then works again
    assert "still here" in outputs[4], outputs


@needs_docker
@pytest.mark.slow
def test_filling_the_disk_stops_at_the_workspace_volume(hostile_run: HostileRun) -> None:
    outputs = hostile_run.outputs("hostile_fill_disk")
    assert f"wrote {WORKSPACE_KIB} KiB" in outputs[0], outputs[0]
    assert "No space left on device" in outputs[0]
    assert "No space left on device" in outputs[2]  # the proof could not be written
    # 1.5 GiB written (workspace, /tmp, /dev/shm), all of it in memory: not on the disk
    assert hostile_run.disk_drop < 512 * _MIB, hostile_run.disk_drop


@needs_docker
@pytest.mark.slow
def test_output_floods_are_capped_in_docker(hostile_run: HostileRun) -> None:
    outputs = hostile_run.outputs("hostile_flood")
    assert len(outputs) == 6
    for shell_output in outputs[:3]:
        assert len(shell_output) < 17_000, len(shell_output)
    assert "[listing truncated at 500 entries]" in outputs[5]


@needs_docker
@pytest.mark.slow
def test_the_sleeper_is_cut_at_its_time_limit_in_docker(hostile_run: HostileRun) -> None:
    sample = hostile_run.sample("hostile_sleeper")
    assert sample.limit is not None and sample.limit.type == "time"  # not its 300 s sleep
    score = operator_score(sample)
    assert score.metadata["stop"] == "limit" and score.value["unsupported_done"] == 0


# -- the answer keys, searched inside the containers ----------------------------------------

SEARCH_LIMIT = 2
"""Samples searched per family: every family's world kind; the image is searched whole."""


@solver
def search_container(needles: FamilyNeedles, everything: dict[str, str] | None) -> Solver:
    """Search the sample's writable mounts for its key; with `everything`, all of `/` too."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        mine = needles.samples[str(state.sample_id)]
        request = {
            "engine": "python",
            "needles": {**mine.texts, "canary": needles.canaries[str(state.sample_id)]},
            "world_facts": sorted(mine.world_facts),
        }
        answer = await run_search(sandbox(), request)
        answer["workspace"] = (await sandbox().exec(["pwd", "-P"])).stdout.strip()
        # what the agent's user may write outside its own mounts: nothing
        probe = await sandbox().exec(
            ["sh", "-c", "id -u; touch /usr/lib/python3.11/opeval-x /opeval-x /etc/opeval-x"]
        )
        answer["uid"] = probe.stdout.split()[0]
        answer["write_errors"] = probe.stderr
        if everything is not None:
            control = next(t for t in everything.values() if t.startswith("{"))
            await sandbox().exec(["sh", "-c", "cat > /tmp/control.txt"], input="x " + control)
            # /home (the world, $HOME) was searched above, with the world's own facts allowed
            prune = ["/proc", "/sys", "/dev", "/home"]
            whole = {"engine": "grep", "needles": everything, "prune": prune}
            answer["whole"] = await run_search(sandbox(), whole)
        state.store.set(STORE_KEY, answer)
        return state

    return solve


@pytest.fixture(scope="module")
def search_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalLog]:
    needles = {family: family_needles(family) for family in families()}
    everything = host_needles(needles)
    tasks = [
        Task(
            name=f"answer_keys_{family}",
            dataset=build_dataset(family, 0)[:SEARCH_LIMIT],
            setup=world_setup(),
            solver=search_container(needles[family], everything if i == 0 else None),
            cleanup=world_cleanup,
            sandbox=resolve_sandbox("docker"),
        )
        for i, family in enumerate(families())
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir("/")
        logs = inspect_eval(
            tasks,
            model="mockllm/model",
            log_dir=str(tmp_path_factory.mktemp("answer-key-logs")),
            display="none",
            max_tasks=3,
        )
    for log in logs:
        assert log.status == "success", log.error
    return {log.eval.task.removeprefix("answer_keys_"): log for log in logs}


@needs_docker
@pytest.mark.slow
def test_no_container_holds_its_answer_key(search_logs: dict[str, EvalLog]) -> None:
    assert set(search_logs) == set(families())
    for family, log in search_logs.items():
        needles = family_needles(family)
        samples = log.samples or []
        assert len(samples) == SEARCH_LIMIT
        for sample in samples:
            answer = sample.store[STORE_KEY]
            mine = needles.samples[str(sample.id)].texts
            leaks = [hit for hit in answer["hits"] if hit[0] != "canary"]
            assert leaks == [], f"{sample.id}: answer key reachable:\n{describe(leaks, mine)}"
            # the control: the search read the sample's world, in its workspace
            canaries = [path for kind, path in answer["hits"] if kind == "canary"]
            assert canaries, sample.id
            assert all(p.startswith(answer["workspace"] + "/") for p in canaries)
            # the agent's user: unprivileged, and the system (its python) is read-only
            assert answer["uid"] == "1000", answer["uid"]
            assert answer["write_errors"].count("Read-only file system") == 3


@needs_docker
@pytest.mark.slow
def test_the_whole_container_holds_no_answer_key(search_logs: dict[str, EvalLog]) -> None:
    first = search_logs[families()[0]]
    whole = (first.samples or [])[0].store[STORE_KEY]["whole"]
    hits = {path for _, path in whole["hits"]}
    assert hits == {"/tmp/control.txt"}, whole["hits"]  # the positive control, nothing else
    assert whole["files"] > 1000  # the image's file system, not just the workspace


# -- operator-eval bench ---------------------------------------------------------------------


@needs_docker
@pytest.mark.slow
def test_bench_reports_setup_and_scoring_under_docker(tmp_path: Path) -> None:
    results = {m.name: m for m in docker_overhead(str(tmp_path))}
    assert set(results) == {
        "docker_setup_ms",
        "docker_scoring_ms",
        "docker_setup_and_scoring_ms",
        "docker_sample_s",
    }
    for measurement in results.values():
        assert measurement.value > 0, measurement
    total = results["docker_setup_and_scoring_ms"].value
    assert total >= results["docker_setup_ms"].value


def test_bench_says_why_docker_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert bench_docker_problem() == "no docker CLI"
    assert docker_overhead("/nonexistent") == []  # no docker rows, no eval started
