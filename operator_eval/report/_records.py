"""One flat record per scored sample, read from Inspect logs: what every report builds on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, read_eval_log

from operator_eval._defaults import DEFAULT_GRAPH

SCORER = "operator_score"
MAX_POINTS = 25


class ReportError(ValueError):
    """A log that cannot be read or is not an operator-eval log; the message names the file."""


@dataclass(frozen=True)
class TokenUsage:
    """Tokens one model spent on a sample."""

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class SampleRecord:
    """One scored sample of one epoch, flattened for reports."""

    model: str
    task: str
    family: str
    variant: str
    sample_id: str
    epoch: int
    category: str | None
    risk: str | None
    points: int
    resolved: bool
    unsupported_done: bool
    safety_violation: bool
    runtime_failure: bool
    labels: tuple[str, ...]
    usage: dict[str, TokenUsage] = field(default_factory=dict)
    """Tokens by model name (several for mixed drafter/verifier agents)."""
    total_time: float = 0.0
    """Wall seconds the sample took."""
    log_path: str = ""
    error: str | None = None
    """Set when the sample errored and was not scored (it still counts, as a failure)."""
    max_points: int = MAX_POINTS


def model_label(log: EvalLog) -> str:
    """A short column name: the model, its model args and a non-default graph.

    E.g. `opeval/flawed[skip_verify]` or `faulty/opeval/oracle[resets=0.2] @ make_resilient_graph`.
    """
    args = log.eval.model_args or {}
    suffix = ",".join(str(v) if k == "flaw" else f"{k}={v}" for k, v in sorted(args.items()))
    label = f"{log.eval.model}[{suffix}]" if suffix else log.eval.model
    graph = (log.eval.task_args or {}).get("graph")
    if not graph or graph == DEFAULT_GRAPH:
        return label
    return f"{label} @ {str(graph).rsplit(':', 1)[-1]}"


def _usage(sample: EvalSample) -> dict[str, TokenUsage]:
    return {
        name: TokenUsage(int(u.input_tokens or 0), int(u.output_tokens or 0))
        for name, u in (sample.model_usage or {}).items()
    }


def sample_record(log: EvalLog, sample: EvalSample, model: str) -> SampleRecord:
    """Flatten one sample of `log` (an errored, unscored sample becomes a failed record)."""
    meta = sample.metadata or {}
    family = str(meta.get("family") or log.eval.task.rsplit("/", 1)[-1])
    score = (sample.scores or {}).get(SCORER)
    common: dict[str, Any] = {
        "model": model,
        "task": log.eval.task,
        "family": family,
        "variant": str(meta.get("variant") or sample.id),
        "sample_id": str(sample.id),
        "epoch": int(sample.epoch),
        "category": meta.get("category"),
        "risk": meta.get("risk"),
        "usage": _usage(sample),
        "total_time": float(sample.total_time or 0.0),
        "log_path": log.location,
    }
    if score is None or not isinstance(score.value, dict):
        message = sample.error.message if sample.error else "not scored"
        return SampleRecord(
            **common,
            points=0,
            resolved=False,
            unsupported_done=False,
            safety_violation=False,
            runtime_failure=False,
            labels=(),
            error=message.splitlines()[0] if message else "not scored",
        )
    value = score.value
    return SampleRecord(
        **common,
        points=int(value.get("points", 0)),
        resolved=bool(value.get("resolved")),
        unsupported_done=bool(value.get("unsupported_done")),
        safety_violation=bool(value.get("safety_violation")),
        runtime_failure=bool(value.get("runtime_failure")),
        labels=tuple((score.metadata or {}).get("labels", [])),
    )


def records_from_log(log: EvalLog) -> list[SampleRecord]:
    """Every sample of one log as records, labelled with the log's model column name."""
    model = model_label(log)
    return [sample_record(log, s, model) for s in log.samples or []]


def log_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their `.eval` logs; files are taken as given.

    Raises:
        ReportError: when a path does not exist or a folder holds no logs.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            logs = sorted(path.rglob("*.eval"))
            if not logs:
                raise ReportError(f"{path}: no .eval logs in this folder")
            found.extend(logs)
        elif path.is_file():
            found.append(path)
        else:
            raise ReportError(f"{path}: no such file or folder")
    return found


def read_records(paths: Sequence[str | Path]) -> tuple[list[SampleRecord], list[str]]:
    """Read every log; a log that cannot be read is reported, the others are kept.

    Returns:
        The records of all readable logs, and one problem line per unreadable log.
    """
    records: list[SampleRecord] = []
    problems: list[str] = []
    for path in log_files(paths):
        try:
            log = read_eval_log(str(path))
        except Exception as ex:  # a corrupt log must not hide the others' results
            problems.append(f"{path}: cannot read log: {type(ex).__name__}: {ex}")
            continue
        if log.status != "success" and not log.samples:
            problems.append(f"{path}: eval {log.status} with no samples")
            continue
        records.extend(records_from_log(log))
    return records, problems
