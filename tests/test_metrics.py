"""Metrics over epochs, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from operator_eval.report._metrics import label_counts, stats, wilson_interval
from operator_eval.report._records import SampleRecord


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
