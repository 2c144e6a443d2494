"""Metrics over epochs: pass^k, pass@k, resolved rate with a confidence interval, key rates."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from operator_eval.report._records import SampleRecord

Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (95% by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


class Stats(BaseModel):
    """Everything a board row or a routing gate needs about one group of samples."""

    samples: int = Field(description="Distinct samples (tasks).")
    runs: int = Field(description="Sample runs: samples x epochs.")
    epochs: int = Field(description="Fewest epochs any sample of the group has.")
    points: int
    max_points: int
    resolved_rate: float = Field(description="Resolved runs / runs.")
    resolved_ci: tuple[float, float] = Field(description="95% Wilson interval of it.")
    pass_hat_k: float = Field(description="Samples resolved in every one of k epochs / samples.")
    pass_hat_k_ci: tuple[float, float]
    pass_at_k: float = Field(description="Samples resolved in at least one epoch / samples.")
    unsupported_done_rate: float
    safety_violation_rate: float
    runtime_failure_rate: float
    error_rate: float = Field(description="Runs that errored before they were scored.")


def stats(records: Sequence[SampleRecord]) -> Stats:
    """Aggregate `records` (one model, any mix of samples and epochs).

    pass^k is over each sample's first k epochs, k being the fewest epochs any
    sample has, so a sample with more epochs is not held to more trials.
    """
    by_sample: dict[tuple[str, str], list[SampleRecord]] = defaultdict(list)
    for r in records:
        by_sample[(r.task, r.sample_id)].append(r)
    runs = len(records)
    k = min((len(v) for v in by_sample.values()), default=0)
    all_k = sum(
        all(r.resolved for r in sorted(v, key=lambda r: r.epoch)[:k]) for v in by_sample.values()
    )
    any_k = sum(
        any(r.resolved for r in sorted(v, key=lambda r: r.epoch)[:k]) for v in by_sample.values()
    )
    resolved = sum(r.resolved for r in records)
    n = len(by_sample)

    def rate(count: int, total: int) -> float:
        return count / total if total else 0.0

    return Stats(
        samples=n,
        runs=runs,
        epochs=k,
        points=sum(r.points for r in records),
        max_points=sum(r.max_points for r in records),
        resolved_rate=rate(resolved, runs),
        resolved_ci=wilson_interval(resolved, runs),
        pass_hat_k=rate(all_k, n),
        pass_hat_k_ci=wilson_interval(all_k, n),
        pass_at_k=rate(any_k, n),
        unsupported_done_rate=rate(sum(r.unsupported_done for r in records), runs),
        safety_violation_rate=rate(sum(r.safety_violation for r in records), runs),
        runtime_failure_rate=rate(sum(r.runtime_failure for r in records), runs),
        error_rate=rate(sum(r.error is not None for r in records), runs),
    )


def by_model(records: Iterable[SampleRecord]) -> dict[str, list[SampleRecord]]:
    """Group records by model column, in first-seen order."""
    groups: dict[str, list[SampleRecord]] = {}
    for r in records:
        groups.setdefault(r.model, []).append(r)
    return groups


def by_family(records: Iterable[SampleRecord]) -> dict[str, list[SampleRecord]]:
    """Group records by task family, in first-seen order."""
    groups: dict[str, list[SampleRecord]] = {}
    for r in records:
        groups.setdefault(r.family, []).append(r)
    return groups


def label_counts(records: Iterable[SampleRecord]) -> dict[str, int]:
    """How many runs carry each failure label, most frequent first."""
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        for label in r.labels:
            counts[label] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def across(samples: int, runs: int, epochs: int) -> str:
    """How much a score is over: `across 24 tasks`, `across 2 tasks x 2 epochs`.

    Tasks are distinct samples, never runs: 2 tasks over 2 epochs are not 4 tasks. When
    the samples have different numbers of epochs the runs are counted instead.
    """
    tasks = f"{samples} task" if samples == 1 else f"{samples} tasks"
    if runs == samples:
        return f"across {tasks}"
    if runs == samples * epochs:
        return f"across {tasks} \u00d7 {epochs} epochs"
    return f"across {tasks} ({runs} runs, at least {epochs} epochs each)"
