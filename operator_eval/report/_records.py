"""One flat record per scored sample, read from Inspect logs: what every report builds on.

Bad inputs are reported, never fatal for the others: a log that is missing, empty,
truncated, not a zip archive, not valid JSON or not an Inspect log becomes one problem
line naming the file and what is wrong (`<path>: skipped: cannot read log: <reason>`),
and the records of every readable log are still returned. Commands that get problems
keep their partial report and exit non-zero so that scripts notice.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log
from pydantic import ValidationError

from operator_eval._defaults import DEFAULT_GRAPH, DEFAULT_MAX_STEPS, TASK_MAX_STEPS
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._vocabulary import MAX_POINTS

SCORER = "operator_score"


class ReportError(ValueError):
    """A log that cannot be read or is not an operator-eval log; the message names the file.

    Attributes:
        path: The file at fault, when known.
        reason: What is wrong with it, without the path.
    """

    def __init__(self, message: str, *, path: Path | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason or message


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
    completed_at: datetime | None = None
    """When the sample finished (the log's completion or creation time for older logs):
    which of several runs of one (task, sample, epoch) is the latest."""


def _graph_name(graph: str) -> str:
    """`make_resilient_graph` for a distinctive factory; the file's name for a `make_graph`."""
    target, _, attr = graph.rpartition(":")
    if attr != "make_graph" or not target:
        return attr or graph
    return Path(target).stem if target.endswith(".py") else target.rsplit(".", 1)[-1]


def _roles(log: EvalLog) -> str:
    roles = log.eval.model_roles or {}
    shown = []
    for role, config in sorted(roles.items()):
        configs = config if isinstance(config, list) else [config]
        shown.append(f"{role}={'+'.join(c.model for c in configs)}")
    return ", ".join(shown)


def model_label(log: EvalLog) -> str:
    """A short column name: the model, its model args, a non-default graph, roles and budget.

    E.g. `opeval/flawed[skip_verify]`, `faulty/opeval/oracle[resets=0.2] @ make_resilient_graph`
    or `llama-cpp-python/smollm2 @ draft_verify(drafter=llama-cpp-python/smollm2,
    verifier=opeval/oracle) max_steps=12`.
    """
    args = log.eval.model_args or {}
    suffix = ",".join(str(v) if k == "flaw" else f"{k}={v}" for k, v in sorted(args.items()))
    label = f"{log.eval.model}[{suffix}]" if suffix else log.eval.model
    task_args = log.eval.task_args or {}
    graph = task_args.get("graph")
    if graph and graph != DEFAULT_GRAPH:
        label += f" @ {_graph_name(str(graph))}"
    roles = _roles(log)
    if roles:
        label += f"({roles})"
    steps = task_args.get("max_steps")
    default_steps = TASK_MAX_STEPS.get(log.eval.task.rsplit("/", 1)[-1], DEFAULT_MAX_STEPS)
    if steps is not None and steps != default_steps:
        label += f" max_steps={steps}"
    return label


def _usage(sample: EvalSample) -> dict[str, TokenUsage]:
    return {
        name: TokenUsage(int(u.input_tokens or 0), int(u.output_tokens or 0))
        for name, u in (sample.model_usage or {}).items()
    }


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _completed_at(log: EvalLog, sample: EvalSample) -> datetime | None:
    """The sample's own completion time; else its log's end, else the log's creation."""
    return (
        _when(sample.completed_at)
        or _when(log.stats.completed_at if log.stats else None)
        or _when(log.eval.created)
    )


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
        "completed_at": _completed_at(log, sample),
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


def _logs_in(folder: Path) -> list[Path]:
    """Inspect's own listing of a folder (recursive): `.eval` logs and `--log-format json` ones.

    Inspect takes a `.json` file for a log only when its name starts with a timestamp, as
    Inspect names them, so a `board.json` or `routing.json` beside the logs is not read.
    """
    found = []
    for info in list_eval_logs(str(folder), recursive=True):
        parsed = urlparse(info.name)
        found.append(Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(info.name))
    return sorted(found)


def log_files(paths: Iterable[str | Path], problems: list[str] | None = None) -> list[Path]:
    """Expand folders into their Inspect logs (`.eval` and `.json`); files are taken as given.

    Args:
        paths: Log files and folders of logs.
        problems: When given, a path that does not exist or a folder without logs is
            appended here as a problem line and skipped; when None, it raises.

    Raises:
        ReportError: when a path does not exist or a folder holds no logs (and
            `problems` is None).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            logs = _logs_in(path)
            if logs:
                found.extend(logs)
                continue
            problem = "no .eval or .json logs in this folder"
        elif path.is_file():
            found.append(path)
            continue
        else:
            problem = "no such file or folder"
        if problems is None:
            raise ReportError(f"{path}: {problem}", path=path, reason=problem)
        problems.append(f"{path}: skipped: {problem}")
    return found


LOG_SUFFIXES = (".eval", ".json")


def read_log(path: str | Path) -> EvalLog:
    """Read one Inspect log, with an error that names the file and what is wrong with it.

    Raises:
        ReportError: `<path>: cannot read log: <reason>`, e.g. "not a zip archive
            (truncated, or not a .eval log)" or "not valid JSON (truncated?) ...".
    """
    path = Path(path)
    problem = _precheck(path)
    if problem is None:
        try:
            return read_eval_log(str(path))
        except Exception as ex:  # inspect raises anything from KeyError to zstd errors
            problem = _read_problem(path, ex)
    reason = f"cannot read log: {problem}"
    raise ReportError(f"{path}: {reason}", path=path, reason=reason)


def _precheck(path: Path) -> str | None:
    if path.is_dir():
        return "a folder, not a log file"
    if not path.is_file():
        return "no such file"
    if path.suffix not in LOG_SUFFIXES:
        return f"not an Inspect log (expected a {' or '.join(LOG_SUFFIXES)} file)"
    if path.stat().st_size == 0:
        return "empty file (was the run killed before it wrote its log?)"
    if path.suffix == ".eval" and not zipfile.is_zipfile(path):
        return "not a zip archive (truncated, or not a .eval log)"
    return None


def _read_problem(path: Path, error: Exception) -> str:
    """One line saying why Inspect could not read the log."""
    if isinstance(error, ValidationError):
        return f"not an Inspect log: {validation_summary(error, limit=1)}"
    text = " ".join(str(error).split())[:200]
    if path.suffix == ".json" and isinstance(error, ValueError):
        return f"not valid JSON (truncated?): {text}"
    if isinstance(error, KeyError):
        return f"a zip archive but not an Inspect log (no {error.args[0]!r} entry)"
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        return f"damaged data inside the archive (invalid JSON: {text})"
    if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
        return f"damaged zip archive (truncated?): {text}"
    return f"{type(error).__name__}: {text}"


def _key(record: SampleRecord) -> tuple[str, str, str, int]:
    return (record.model, record.task, record.sample_id, record.epoch)


def latest_runs(records: Sequence[SampleRecord]) -> tuple[list[SampleRecord], int]:
    """Keep one record per (model, task, sample, epoch): the latest to complete.

    A run killed mid-way and its `inspect eval-retry` both hold the samples that finished
    before the kill (the retry copies them), and a sample that errored in the first log
    is run again in the retry: counting both logs counts those samples twice. The latest
    by completion time (`SampleRecord.completed_at`) wins, an errored one included; on a
    tie (a sample the retry copied unchanged) the record read last wins: the two are the
    same run, only the log it links to differs.

    Returns:
        The kept records, in the order first seen, and how many were superseded.
    """
    latest: dict[tuple[str, str, str, int], SampleRecord] = {}
    order: list[tuple[str, str, str, int]] = []
    for record in records:
        key = _key(record)
        kept = latest.get(key)
        if kept is None:
            order.append(key)
            latest[key] = record
        elif _later_or_same(record, kept):
            latest[key] = record
    return [latest[k] for k in order], len(records) - len(order)


def _later_or_same(new: SampleRecord, old: SampleRecord) -> bool:
    if new.completed_at is None or old.completed_at is None:
        return new.completed_at is not None or old.completed_at is None
    try:
        return new.completed_at >= old.completed_at
    except TypeError:  # one time zone aware and one naive: compare as UTC wall times
        return new.completed_at.replace(tzinfo=None) >= old.completed_at.replace(tzinfo=None)


def read_records(paths: Sequence[str | Path]) -> tuple[list[SampleRecord], list[str]]:
    """Read every log; a log that cannot be read is reported and skipped, the others are kept.

    One record is kept per (model, task, sample, epoch), the latest to complete (see
    `latest_runs`): a killed log and its `inspect eval-retry` count each sample once.

    A path that does not exist, a folder without logs, and a log that is missing,
    empty, truncated, corrupt or not an Inspect log each give one problem line naming
    the file and the reason; so does a log whose samples cannot be turned into records
    (a hand-edited score, say). Callers report the problems and exit non-zero.

    Returns:
        The records of all readable logs, and one problem line per path or log skipped:
        `<path>: skipped: <reason>`.
    """
    records: list[SampleRecord] = []
    problems: list[str] = []
    for path in log_files(paths, problems):
        try:
            log = read_log(path)
        except ReportError as ex:
            problems.append(f"{path}: skipped: {ex.reason}")
            continue
        if log.status != "success" and not log.samples:
            problems.append(f"{path}: skipped: eval {log.status} with no samples")
            continue
        try:
            records.extend(records_from_log(log))
        except (LookupError, ValueError, TypeError, AttributeError) as ex:
            problems.append(f"{path}: skipped: cannot read scores: {type(ex).__name__}: {ex}")
    kept, _ = latest_runs(records)
    return kept, problems
