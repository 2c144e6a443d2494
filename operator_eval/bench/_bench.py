"""`operator-eval bench`: measure the harness, not the model (start-up, overhead, concurrency).

Every measurement runs real Inspect evals with the scripted oracle, whose model
time is zero (or a fixed simulated latency), so what is measured is the harness.
Numbers go to a table or JSON with the targets beside them; nothing here asserts
a time (these machines are shared and noisy).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample, read_eval_log
from pydantic import BaseModel

TARGETS = {
    "import_overhead_s": 0.3,
    "step_overhead_ms": 20.0,
    "setup_and_scoring_ms": 300.0,
    "suite_wall_s": 15.0,
    "concurrency_speedup": 12.0,
    "peak_rss_mb": 400.0,
}
"""The issue's targets: at most (times, memory) or at least (speedup)."""
AT_LEAST = {"concurrency_speedup"}


class Measurement(BaseModel):
    """One number, its unit, its target and whether it is met."""

    name: str
    value: float
    unit: str
    target: float | None = None
    met: bool | None = None
    detail: str = ""


def _measure(name: str, value: float, unit: str, detail: str = "") -> Measurement:
    target = TARGETS.get(name)
    met = None
    if target is not None:
        met = value >= target if name in AT_LEAST else value <= target
    return Measurement(
        name=name, value=round(value, 3), unit=unit, target=target, met=met, detail=detail
    )


def _bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


class Run(BaseModel):
    """One command's wall seconds, peak RSS (KiB) and CPU seconds (its descendants too)."""

    wall: float
    rss_kib: int
    cpu: float


def _timed(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run one command in a fresh process and measure it.

    The CPU time covers every descendant the command waited for: with the bwrap
    sandbox that is each sample's exec server and all the world's processes.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or os.environ.copy()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed: {stderr[-800:]}")
    return Run(wall=elapsed, rss_kib=int(usage.ru_maxrss), cpu=usage.ru_utime + usage.ru_stime)


def startup(repeats: int = 5) -> list[Measurement]:
    """Fresh-interpreter import time of `operator_eval.scorers` vs `inspect_ai`, and CLI start."""

    def median_of(command: Sequence[str]) -> float:
        return statistics.median(_timed(command).wall for _ in range(repeats))

    inspect_s = median_of([sys.executable, "-c", "import inspect_ai"])
    scorers_s = median_of([sys.executable, "-c", "import operator_eval.scorers"])
    cli_s = median_of([_bin("inspect"), "eval", "--help"])
    ours_s = median_of([_bin("operator-eval"), "--help"])
    return [
        _measure("import_inspect_ai_s", inspect_s, "s", f"median of {repeats} fresh interpreters"),
        _measure("import_scorers_s", scorers_s, "s", f"median of {repeats} fresh interpreters"),
        _measure(
            "import_overhead_s",
            scorers_s - inspect_s,
            "s",
            f"ratio {scorers_s / inspect_s:.2f}x",
        ),
        _measure("inspect_eval_help_s", cli_s, "s"),
        _measure("operator_eval_help_s", ours_s, "s"),
    ]


def _spans(sample: EvalSample) -> dict[str, float]:
    """Seconds spent in each named span of a sample (world_setup, operator_agent, scorer)."""
    begins: dict[str, tuple[str, Any]] = {}
    durations: dict[str, float] = {}
    for event in sample.events:
        kind = type(event).__name__
        if kind == "SpanBeginEvent":
            begins[event.id] = (str(event.name), event.timestamp)  # type: ignore[union-attr]
        elif kind == "SpanEndEvent" and event.id in begins:  # type: ignore[union-attr]
            name, start = begins[event.id]  # type: ignore[union-attr]
            durations[name] = (event.timestamp - start).total_seconds()
    return durations


def _eval(
    task: str,
    *,
    model_args: dict[str, Any],
    max_samples: int,
    log_dir: str,
    extra: Sequence[str] = (),
) -> tuple[Run, Path]:
    command = [
        _bin("inspect"),
        "eval",
        f"operator_eval/{task}",
        "--model",
        "opeval/oracle",
        "--max-samples",
        str(max_samples),
        "--display",
        "none",
        "--log-dir",
        log_dir,
        *(a for k, v in model_args.items() for a in ("-M", f"{k}={v}")),
        *extra,
    ]
    before = set(Path(log_dir).glob("*.eval"))
    run = _timed(command)
    (log,) = set(Path(log_dir).glob("*.eval")) - before
    return run, log


def _is_agent_command(event: Any) -> bool:
    """An exec of a command the agent asked for (shell, deploy), not of a harness probe."""
    from operator_eval.tools._tools import COMMAND_TAG

    return (
        type(event).__name__ == "SandboxEvent"
        and event.action == "exec"
        and f" {COMMAND_TAG} " in (event.cmd or "")
    )


def _seconds(event: Any) -> float:
    return (event.completed - event.timestamp).total_seconds() if event.completed else 0.0


async def _sandbox_floors(samples: int = 20) -> tuple[float, float]:
    """Median seconds of an exec of `true`, and of the shell tool's runner around `true`.

    In the tasks' default sandbox: the round trip every tool call pays, and a shell
    command's harness cost.
    """
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

    from operator_eval.sandbox import default_sandbox
    from operator_eval.tools._tools import command_argv

    # what `auto` gives the bench's runs, which play the scripted oracle
    env_type: Any = registry_find_sandboxenv(default_sandbox(["opeval/oracle"]))
    await env_type.task_init("bench", None)
    environments = await env_type.sample_init("bench", None, {})
    box = environments["default"]

    async def median_of(command: list[str]) -> float:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            await box.exec(command, timeout=20)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    try:
        return await median_of(["true"]), await median_of(command_argv("true", 10))
    finally:
        await env_type.sample_cleanup("bench", None, environments, False)
        await env_type.task_cleanup("bench", None, True)


async def _graph_step(steps: int = 40) -> float:
    """Seconds per step of the default LangGraph graph alone: a canned model, a no-op tool."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.tools import tool

    from operator_eval._defaults import DEFAULT_GRAPH
    from operator_eval.agent._loader import build_graph
    from operator_eval.agent._solver import RuntimeHealth

    class Canned(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

    @tool
    async def shell(command: str) -> str:
        """Do nothing."""
        return "ok"

    def replies() -> Any:
        for i in range(steps):
            call = {"name": "shell", "args": {"command": "true"}, "id": f"call{i}"}
            yield AIMessage(content="", tool_calls=[call])
        yield AIMessage(content="STATUS: DONE")

    graph: Any = build_graph(DEFAULT_GRAPH, Canned(messages=replies()), [shell])
    config: Any = {"recursion_limit": 4 * steps, "callbacks": [RuntimeHealth()]}
    started = time.perf_counter()
    await graph.ainvoke({"messages": [HumanMessage("go")]}, config=config)
    return (time.perf_counter() - started) / (steps + 1)


def _model_seconds(sample: EvalSample) -> float:
    """Wall time of the agent's model calls (zero-latency policy: the bridge's own time)."""
    for score in (sample.scores or {}).values():
        runtime = (score.metadata or {}).get("runtime") or {}
        if "model_seconds" in runtime:
            return float(runtime["model_seconds"])
    return 0.0


def overhead(log_dir: str) -> list[Measurement]:
    """Harness time per agent step and per sample (setup, scoring) on deploy_recovery.

    A step is one model turn and its tool call. The agent's own commands (a deploy
    that hangs for 2 s by design, `sha256sum`, ...) are the world's work, not the
    harness's: their exec time is taken out of the agent's time and replaced by the
    wrapper's fixed cost per command (the shell tool running `true`), so what remains
    is the model bridge, LangGraph, the tools, the probes, the log and the transcript.
    That is split again: the model calls as the agent waits for them (the policy
    answers in ~0.4 ms, so this is LangChain, the openai SDK and Inspect's bridge),
    and the rest (this package's tools and probes, LangGraph, the transcript).
    """
    _, path = _eval("deploy_recovery", model_args={}, max_samples=1, log_dir=log_dir)
    exec_floor, floor = asyncio.run(_sandbox_floors())
    asyncio.run(_graph_step(5))  # warm: imports, first compile
    graph_step = asyncio.run(_graph_step())
    log = read_eval_log(str(path))
    raw_steps: list[float] = []
    steps: list[float] = []
    bridge: list[float] = []
    for sample in log.samples or []:
        spans = _spans(sample)
        turns = sum(type(e).__name__ == "ModelEvent" for e in sample.events)
        commands = [_seconds(e) for e in sample.events if _is_agent_command(e)]
        agent = spans.get("operator_eval/operator_agent", 0.0)
        if turns:
            raw_steps.append(agent / turns)
            steps.append((agent - sum(commands) + floor * len(commands)) / turns)
            bridge.append(_model_seconds(sample) / turns)
    setups, scorings = _setup_and_scoring(log.samples or [])
    step = statistics.median(steps)
    turn = statistics.median(bridge)
    return [
        _measure(
            "step_overhead_ms",
            1000 * step,
            "ms",
            "median over samples: (agent time - the agent's commands' own run time "
            f"+ {1000 * floor:.1f} ms wrapper cost per command) / model turns",
        ),
        _measure(
            "bridge_turn_ms",
            1000 * turn,
            "ms",
            "of which a model turn through LangChain, the openai SDK and Inspect's bridge",
        ),
        _measure(
            "step_rest_ms",
            1000 * (step - turn),
            "ms",
            "of which the tools, probes, sandbox execs, LangGraph and the transcript",
        ),
        _measure(
            "step_floor_ms",
            1000 * (turn + graph_step + exec_floor),
            "ms",
            f"the least a step costs with these libraries: the bridge's turn + "
            f"{1000 * graph_step:.1f} ms LangGraph step (canned model, no-op tool) + "
            f"{1000 * exec_floor:.1f} ms sandbox round trip (`true`)",
        ),
        _measure(
            "step_time_ms",
            1000 * statistics.median(raw_steps),
            "ms",
            "the step with the commands' run time left in (zero model latency)",
        ),
        _measure("setup_ms", 1000 * statistics.median(setups), "ms", "world setup per sample"),
        _measure("scoring_ms", 1000 * statistics.median(scorings), "ms", "scoring per sample"),
        _measure(
            "setup_and_scoring_ms",
            1000 * statistics.median(a + b for a, b in zip(setups, scorings, strict=True)),
            "ms",
        ),
    ]


def _setup_and_scoring(samples: Sequence[EvalSample]) -> tuple[list[float], list[float]]:
    """Seconds of world setup and of scoring, per sample."""
    spans = [_spans(sample) for sample in samples]
    return (
        [s.get("operator_eval/world_setup", 0.0) for s in spans],
        [s.get("operator_score", 0.0) for s in spans],
    )


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


def suite(log_dir: str, task: str = "benchboard") -> list[Measurement]:
    """The whole suite with the oracle, one process: wall time (start-up included), peak RSS."""
    run, path = _eval(task, model_args={}, max_samples=24, log_dir=log_dir)
    log = read_eval_log(str(path), header_only=True)
    samples = log.results.total_samples if log.results else 0
    return [
        _measure("suite_wall_s", run.wall, "s", f"{task}, {samples} samples, --max-samples 24"),
        _measure("suite_cpu_s", run.cpu, "s", "CPU of the eval and every sandbox process"),
        _measure("peak_rss_mb", run.rss_kib / 1024, "MB", "peak RSS of the inspect process"),
    ]


def concurrency(log_dir: str, latency: float = 0.3, task: str = "benchboard") -> list[Measurement]:
    """Speedup of --max-samples 24 over 1 with a simulated model latency per turn."""
    serial, _ = _eval(task, model_args={"latency": latency}, max_samples=1, log_dir=log_dir)
    parallel, _ = _eval(task, model_args={"latency": latency}, max_samples=24, log_dir=log_dir)
    cores = os.cpu_count() or 1
    # However the samples overlap, the parallel run cannot end before its CPU work is done
    # on every core: serial wall / (CPU / cores) bounds the speedup this machine allows.
    ceiling = serial.wall / max(parallel.cpu / cores, 1e-9)
    return [
        _measure(
            "serial_wall_s", serial.wall, "s", f"{task}, {latency}s per model turn, 1 at a time"
        ),
        _measure("parallel_wall_s", parallel.wall, "s", "24 at a time"),
        _measure("parallel_cpu_s", parallel.cpu, "s", "CPU of the parallel run, sandboxes too"),
        _measure("concurrency_speedup", serial.wall / parallel.wall, "x", f"cores: {cores}"),
        _measure(
            "cpu_bound_speedup",
            ceiling,
            "x",
            f"the most {cores} cores allow: serial wall / (parallel CPU / {cores})",
        ),
    ]


def run_bench(*, quick: bool = False) -> list[Measurement]:
    """Run every measurement (quick: deploy_recovery instead of benchboard, 1 repeat)."""
    task = "deploy_recovery" if quick else "benchboard"
    with tempfile.TemporaryDirectory(prefix="operator-eval-bench-") as tmp:
        results = startup(repeats=1 if quick else 5)
        results += overhead(tmp)
        results += docker_overhead(tmp)
        results += suite(tmp, task)
        results += concurrency(tmp, task=task)
    return results


def render(results: Sequence[Measurement]) -> str:
    """A table: measurement, value, target, met."""
    lines = [f"{'measurement':24} {'value':>12} {'target':>12}  met   detail"]
    for r in results:
        target = (
            "" if r.target is None else ("≥ " if r.name in AT_LEAST else "≤ ") + f"{r.target:g}"
        )
        met = {True: "yes", False: "NO", None: ""}[r.met]
        lines.append(f"{r.name:24} {r.value:>9.3f} {r.unit:<2} {target:>12}  {met:5} {r.detail}")
    return "\n".join(lines)


def main_bench(as_json: bool, quick: bool) -> int:
    """Print the measurements; 0 when every target is met, 1 otherwise."""
    results = run_bench(quick=quick)
    if as_json:
        print(json.dumps([r.model_dump() for r in results], indent=2))
    else:
        print(render(results))
    return 0 if all(r.met is not False for r in results) else 1
