"""`operator-eval bench`: measure the harness, not the model (start-up, overhead, concurrency).

Every measurement runs real Inspect evals with the scripted oracle, whose model
time is zero (or a fixed simulated latency), so what is measured is the harness.
Numbers go to a table or JSON with the targets beside them; nothing here asserts
a time (these machines are shared and noisy).
"""

from __future__ import annotations

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


def _timed(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, run in a fresh process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or os.environ.copy()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(command)} failed: {stderr[-800:]}")
    return elapsed, int(usage.ru_maxrss)


def startup(repeats: int = 5) -> list[Measurement]:
    """Fresh-interpreter import time of `operator_eval.scorers` vs `inspect_ai`, and CLI start."""

    def median_of(command: Sequence[str]) -> float:
        return statistics.median(_timed(command)[0] for _ in range(repeats))

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
) -> tuple[float, int, Path]:
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
    wall, rss = _timed(command)
    (log,) = set(Path(log_dir).glob("*.eval")) - before
    return wall, rss, log


def overhead(log_dir: str) -> list[Measurement]:
    """Harness time per agent step and per sample (setup, scoring) on deploy_recovery."""
    _, _, path = _eval("deploy_recovery", model_args={}, max_samples=1, log_dir=log_dir)
    log = read_eval_log(str(path))
    steps: list[float] = []
    setups: list[float] = []
    scorings: list[float] = []
    for sample in log.samples or []:
        spans = _spans(sample)
        calls = sum(type(e).__name__ == "ModelEvent" for e in sample.events)
        if calls:
            steps.append(spans.get("operator_eval/operator_agent", 0.0) / calls)
        setups.append(spans.get("operator_eval/world_setup", 0.0))
        scorings.append(spans.get("operator_score", 0.0))
    return [
        _measure(
            "step_overhead_ms",
            1000 * statistics.median(steps),
            "ms",
            "median over samples of agent time / model turns (zero model latency, one sample "
            "at a time)",
        ),
        _measure("setup_ms", 1000 * statistics.median(setups), "ms", "world setup per sample"),
        _measure("scoring_ms", 1000 * statistics.median(scorings), "ms", "scoring per sample"),
        _measure(
            "setup_and_scoring_ms",
            1000 * statistics.median(a + b for a, b in zip(setups, scorings, strict=True)),
            "ms",
        ),
    ]


def suite(log_dir: str, task: str = "benchboard") -> list[Measurement]:
    """The whole suite with the oracle, one process: wall time (start-up included), peak RSS."""
    wall, rss, path = _eval(task, model_args={}, max_samples=24, log_dir=log_dir)
    log = read_eval_log(str(path), header_only=True)
    samples = log.results.total_samples if log.results else 0
    return [
        _measure("suite_wall_s", wall, "s", f"{task}, {samples} samples, --max-samples 24"),
        _measure("peak_rss_mb", rss / 1024, "MB", "peak RSS of the inspect process"),
    ]


def concurrency(log_dir: str, latency: float = 0.3, task: str = "benchboard") -> list[Measurement]:
    """Speedup of --max-samples 24 over 1 with a simulated model latency per turn."""
    serial, _, _ = _eval(task, model_args={"latency": latency}, max_samples=1, log_dir=log_dir)
    parallel, _, _ = _eval(task, model_args={"latency": latency}, max_samples=24, log_dir=log_dir)
    return [
        _measure("serial_wall_s", serial, "s", f"{task}, {latency}s per model turn, 1 at a time"),
        _measure("parallel_wall_s", parallel, "s", "24 at a time"),
        _measure("concurrency_speedup", serial / parallel, "x", f"cores: {os.cpu_count()}"),
    ]


def run_bench(*, quick: bool = False) -> list[Measurement]:
    """Run every measurement (quick: deploy_recovery instead of benchboard, 1 repeat)."""
    task = "deploy_recovery" if quick else "benchboard"
    with tempfile.TemporaryDirectory(prefix="operator-eval-bench-") as tmp:
        results = startup(repeats=1 if quick else 5)
        results += overhead(tmp)
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
