"""Running what the bench measures: a command or an eval in a fresh process, timed; spans."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample
from pydantic import BaseModel


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


def _setup_and_scoring(samples: Sequence[EvalSample]) -> tuple[list[float], list[float]]:
    """Seconds of world setup and of scoring, per sample."""
    spans = [_spans(sample) for sample in samples]
    return (
        [s.get("operator_eval/world_setup", 0.0) for s in spans],
        [s.get("operator_score", 0.0) for s in spans],
    )
