"""End to end: a flaky or dead model runtime, through real Inspect runs of deploy_recovery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from operator_eval.tasks import deploy_recovery

pytestmark = pytest.mark.slow

PLAIN = "graphs/react_operator.py:make_graph"
RESILIENT = "graphs/react_operator.py:make_resilient_graph"


def run(tmp_path: Path, graph: str, limit: int | None = None, **model_args: Any) -> EvalLog:
    (log,) = inspect_eval(
        deploy_recovery(graph=graph),
        model=get_model("faulty/opeval/oracle", **model_args),
        limit=limit,
        max_samples=8,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    return log


def scores(log: EvalLog) -> list[Any]:
    return [s.scores["operator_score"] for s in log.samples or []]


def test_resets_kill_the_plain_graph_and_are_reported_as_runtime_failures(
    tmp_path: Path,
) -> None:
    results = scores(run(tmp_path, PLAIN, resets=0.2, seed=7))
    assert len(results) == 8
    failed = [s for s in results if s.value["runtime_failure"]]
    assert failed, "a 20% reset rate over ~10 calls per sample should kill some samples"
    for score in failed:
        assert score.value["points"] == 0 and score.value["resolved"] == 0
        assert score.value["unsupported_done"] == 0
        assert score.metadata["labels"] == ["runtime_error"]
        runtime = score.metadata["runtime"]
        assert runtime["failed_calls"] >= 1 and runtime["injected"]["faults"]["reset"] >= 1
        assert "Connection reset" in runtime["error"]


def test_the_resilient_graph_resolves_every_sample_at_a_20_percent_reset_rate(
    tmp_path: Path,
) -> None:
    results = scores(run(tmp_path, RESILIENT, resets=0.2, seed=7))
    assert [s.value["resolved"] for s in results] == [1] * 8
    retried = sum(s.metadata["runtime"]["retried"] for s in results)
    injected = sum(s.metadata["runtime"]["injected"]["faults"].get("reset", 0) for s in results)
    assert retried == injected > 0


def test_a_dead_provider_still_gives_a_complete_log_of_runtime_failures(tmp_path: Path) -> None:
    log = run(tmp_path, PLAIN, die_after=0)
    results = scores(log)
    assert len(results) == 8
    for score in results:
        assert score.value["runtime_failure"] == 1
        assert score.value["points"] == 0
        assert score.metadata["labels"] == ["runtime_error"]
    assert list(tmp_path.glob("*.eval")), "the log was written"


def test_when_retries_run_out_the_checkpointed_graph_resumes_then_gives_up(
    tmp_path: Path,
) -> None:
    (score,) = scores(run(tmp_path, RESILIENT, limit=1, resets=1.0))
    runtime = score.metadata["runtime"]
    assert runtime["resumes"] == 3
    assert runtime["failed_calls"] == 4 * 6  # 6 attempts per run, first run + 3 resumes
    assert runtime["retried"] == runtime["failed_calls"] - 1
    assert score.value["runtime_failure"] == 1


def test_inspect_retries_absorb_injected_faults_when_asked(tmp_path: Path) -> None:
    results = scores(run(tmp_path, PLAIN, limit=2, resets=0.2, seed=7, retry=True))
    assert [s.value["resolved"] for s in results] == [1, 1]
    # Inspect retried inside the provider: the agent never saw a failure.
    assert all(s.metadata["runtime"]["failed_calls"] == 0 for s in results)
