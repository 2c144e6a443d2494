"""`operator-eval bench`: measure the harness, not the model (start-up, overhead, concurrency).

Every measurement runs real Inspect evals with the scripted oracle, whose model
time is zero (or a fixed simulated latency), so what is measured is the harness.
Numbers go to a table or JSON with the targets beside them; nothing here asserts
a time (these machines are shared and noisy).

This module runs the rows in order (start-up, suite, concurrency are here); the
parts: `_results` (a measurement and its target, the table), `_runs` (timed commands
and evals), `_overhead` (the cost per step and per sample), `_docker` (the same in Docker).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence

from inspect_ai.log import read_eval_log

from operator_eval.bench._docker import docker_overhead
from operator_eval.bench._overhead import overhead
from operator_eval.bench._results import Measurement, _measure, render
from operator_eval.bench._runs import _bin, _eval, _timed


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


def main_bench(as_json: bool, quick: bool) -> int:
    """Print the measurements; 0 when every target is met, 1 otherwise."""
    results = run_bench(quick=quick)
    if as_json:
        print(json.dumps([r.model_dump() for r in results], indent=2))
    else:
        print(render(results))
    return 0 if all(r.met is not False for r in results) else 1
