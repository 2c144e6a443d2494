"""`operator-eval bench`: targets, the table, and one real quick run."""

from __future__ import annotations

import json
import math

import pytest

from operator_eval.bench._results import _measure, render
from operator_eval.cli import main


def test_time_targets_are_upper_bounds_and_speedup_a_lower_bound() -> None:
    assert _measure("suite_wall_s", 14.0, "s").met is True
    assert _measure("suite_wall_s", 16.0, "s").met is False
    assert _measure("concurrency_speedup", 12.5, "x").met is True
    assert _measure("concurrency_speedup", 3.0, "x").met is False
    assert _measure("setup_ms", 900.0, "ms").met is None  # informational, no target


def test_the_table_shows_targets_and_misses() -> None:
    table = render([_measure("peak_rss_mb", 512.0, "MB"), _measure("concurrency_speedup", 2, "x")])
    assert "≤ 400" in table and "≥ 12" in table
    assert table.count("NO") == 2


@pytest.mark.slow
def test_quick_bench_prints_every_measurement_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["bench", "--quick", "--json"])
    results = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    for name in (
        "import_overhead_s",
        "step_overhead_ms",
        "setup_and_scoring_ms",
        "suite_wall_s",
        "concurrency_speedup",
        "peak_rss_mb",
    ):
        assert results[name]["target"] is not None, name
        assert math.isfinite(results[name]["value"]), name
        if name != "import_overhead_s":  # a difference of two noisy medians; it can go below 0
            assert results[name]["value"] > 0, name


def test_the_bridge_version_check_is_remembered_but_still_refuses_a_too_old_openai() -> None:
    from inspect_ai.model._providers import providers

    from operator_eval.agent import operator_agent

    operator_agent()  # building the solver applies the speed-up

    check = providers.verify_required_version  # type: ignore[attr-defined]
    assert hasattr(check, "cache_info")
    check("bridge", "openai", "1.0.0")
    check("bridge", "openai", "1.0.0")
    assert check.cache_info().hits >= 1
    with pytest.raises(Exception, match="openai"):
        check("bridge", "openai", "999.0.0")
