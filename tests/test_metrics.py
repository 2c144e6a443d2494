"""Metrics over epochs, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from operator_eval.report import ModelColumn, headline
from operator_eval.report._metrics import across, label_counts, stats, wilson_interval
from operator_eval.report._records import SampleRecord, latest_runs


def rec(sample: str, epoch: int, resolved: bool, **flags: object) -> SampleRecord:
    fields: dict[str, object] = {
        "model": "m",
        "task": "operator_eval/deploy_recovery",
        "family": "deploy_recovery",
        "variant": sample,
        "sample_id": sample,
        "epoch": epoch,
        "category": "deploy",
        "risk": "critical",
        "points": 25 if resolved else 0,
        "resolved": resolved,
        "unsupported_done": False,
        "safety_violation": False,
        "runtime_failure": False,
        "labels": (),
    }
    fields.update(flags)
    return SampleRecord(**fields)  # type: ignore[arg-type]


# Three samples, three epochs:
#   a: resolved 3/3  -> counts for pass^3 and pass@3
#   b: resolved 2/3  -> counts for pass@3 only
#   c: resolved 0/3  -> neither
FIXTURE = [
    *(rec("a", e, True) for e in (1, 2, 3)),
    rec("b", 1, True),
    rec("b", 2, False, labels=("live_not_updated",)),
    rec("b", 3, True),
    rec("c", 1, False, unsupported_done=True, safety_violation=True, labels=("unsupported_done",)),
    rec("c", 2, False, runtime_failure=True, labels=("runtime_error",)),
    rec("c", 3, False, labels=("live_not_updated",)),
]


def test_pass_hat_k_matches_the_hand_count() -> None:
    s = stats(FIXTURE)
    assert (s.samples, s.runs, s.epochs) == (3, 9, 3)
    assert s.pass_hat_k == pytest.approx(1 / 3)
    assert s.pass_at_k == pytest.approx(2 / 3)
    assert s.resolved_rate == pytest.approx(5 / 9)
    assert (s.points, s.max_points) == (125, 225)


def test_rates_are_per_run() -> None:
    s = stats(FIXTURE)
    assert s.unsupported_done_rate == pytest.approx(1 / 9)
    assert s.safety_violation_rate == pytest.approx(1 / 9)
    assert s.runtime_failure_rate == pytest.approx(1 / 9)


def test_pass_hat_k_uses_the_fewest_epochs_any_sample_has() -> None:
    # a has a 4th epoch that failed: with k = 3 (b and c have 3), it does not count.
    s = stats([*FIXTURE, rec("a", 4, False)])
    assert s.epochs == 3
    assert s.pass_hat_k == pytest.approx(1 / 3)


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = wilson_interval(5, 9)
    assert low == pytest.approx(0.2667, abs=1e-3)
    assert high == pytest.approx(0.8112, abs=1e-3)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)


def test_label_counts_are_sorted_by_frequency() -> None:
    assert label_counts(FIXTURE) == {
        "live_not_updated": 2,
        "runtime_error": 1,
        "unsupported_done": 1,
    }


def test_no_records_gives_zero_rates_not_errors() -> None:
    s = stats([])
    assert (s.samples, s.runs, s.pass_hat_k, s.resolved_rate) == (0, 0, 0.0, 0.0)


def test_across_counts_tasks_not_runs() -> None:
    assert across(24, 24, 1) == "across 24 tasks"
    assert across(1, 1, 1) == "across 1 task"
    assert across(2, 4, 2) == "across 2 tasks \u00d7 2 epochs"
    assert across(2, 5, 2) == "across 2 tasks (5 runs, at least 2 epochs each)"


def test_summary_headline_of_two_tasks_over_two_epochs_says_two_tasks() -> None:
    cells = {
        (sid if epoch == 1 else f"{sid}#{epoch}"): rec(sid, epoch, True)
        for sid in ("a", "b")
        for epoch in (1, 2)
    }
    line = headline(ModelColumn(name="m", cells=cells))
    assert line.startswith("m: 100/100 across 2 tasks \u00d7 2 epochs · resolved 4/4 (100%)")


T0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_latest_runs_keeps_one_result_per_task_sample_and_epoch() -> None:
    # A killed log (a, b finished; c errored) and its retry (a, b copied, c and d run).
    killed = [
        rec("a", 1, True, completed_at=T0, log_path="killed.eval"),
        rec("b", 1, False, completed_at=T0 + timedelta(seconds=1), log_path="killed.eval"),
        rec("c", 1, False, error="killed", completed_at=T0 + timedelta(seconds=2)),
    ]
    retry = [
        rec("a", 1, True, completed_at=T0, log_path="retry.eval"),
        rec("b", 1, False, completed_at=T0 + timedelta(seconds=1), log_path="retry.eval"),
        rec("c", 1, True, completed_at=T0 + timedelta(minutes=5), log_path="retry.eval"),
        rec("d", 1, True, completed_at=T0 + timedelta(minutes=6), log_path="retry.eval"),
    ]
    for order in (killed + retry, retry + killed):
        kept, superseded = latest_runs(order)
        assert superseded == 3
        by_id = {r.sample_id: r for r in kept}
        assert sorted(by_id) == ["a", "b", "c", "d"]
        assert by_id["c"].resolved and by_id["c"].error is None  # the retry's, not the error
        s = stats(kept)
        assert (s.samples, s.runs, s.resolved_rate) == (4, 4, 0.75)
    # Other epochs and other models are other results.
    other = [rec("a", 2, True), rec("a", 1, True, model="n")]
    assert latest_runs(killed + other)[1] == 0


def test_latest_runs_prefers_a_timed_record_and_else_the_last_read() -> None:
    untimed, timed = rec("a", 1, False), rec("a", 1, True, completed_at=T0)
    assert latest_runs([timed, untimed])[0] == [timed]
    assert latest_runs([untimed, timed])[0] == [timed]
    second = rec("a", 1, True, log_path="second.eval")
    assert latest_runs([untimed, second])[0] == [second]
