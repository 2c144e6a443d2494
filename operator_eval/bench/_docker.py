"""The bench's docker rows: what a container costs per sample, when a Docker Engine runs."""

from __future__ import annotations

import statistics
import subprocess

from inspect_ai.log import read_eval_log

from operator_eval.bench._results import Measurement, _measure
from operator_eval.bench._runs import _eval, _setup_and_scoring

DOCKER_REQUIRED = (24, 0, 6)
"""The oldest Docker Engine Inspect's docker sandbox accepts."""


def docker_problem() -> str | None:
    """Why `-T sandbox=docker` cannot run here (no engine, too old, no compose), or None."""
    try:
        version = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        compose = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "no docker CLI"
    if not version:
        return "no Docker Engine answers (scripts/docker-engine.sh start)"
    parts = [int(p) for p in version.split("+")[0].split("-")[0].split(".")[:3] if p.isdigit()]
    if tuple(parts) < DOCKER_REQUIRED:
        return f"Docker Engine {version} is older than 24.0.6"
    if compose.returncode != 0:
        return "no docker compose plugin"
    return None


DOCKER_SAMPLES = 4
"""Samples of deploy_recovery the docker row measures (a container each, one at a time)."""


def docker_overhead(log_dir: str) -> list[Measurement]:
    """World setup and scoring per sample of deploy_recovery under `-T sandbox=docker`.

    The eval of `overhead` (one sample at a time; its first `DOCKER_SAMPLES`), in Docker:
    next to `setup_ms`/`scoring_ms` (the tasks' default sandbox, bwrap where it works)
    they show what a container costs. Empty when no Docker Engine runs here.
    """
    if docker_problem() is not None:
        return []
    run, path = _eval(
        "deploy_recovery",
        model_args={},
        max_samples=1,
        log_dir=log_dir,
        extra=["-T", "sandbox=docker", "--limit", str(DOCKER_SAMPLES)],
    )
    samples = read_eval_log(str(path)).samples or []
    setups, scorings = _setup_and_scoring(samples)
    where = f"deploy_recovery, -T sandbox=docker, median of {len(samples)} samples"
    return [
        _measure("docker_setup_ms", 1000 * statistics.median(setups), "ms", where),
        _measure("docker_scoring_ms", 1000 * statistics.median(scorings), "ms", where),
        _measure(
            "docker_setup_and_scoring_ms",
            1000 * statistics.median(a + b for a, b in zip(setups, scorings, strict=True)),
            "ms",
            "compare setup_and_scoring_ms (the default sandbox)",
        ),
        _measure(
            "docker_sample_s",
            statistics.median(s.total_time or 0.0 for s in samples),
            "s",
            f"a whole sample, container start and stop included; eval {run.wall:.0f} s",
        ),
    ]
