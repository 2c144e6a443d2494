"""benchboard_hard end to end: the suite's 24 compound samples through real Inspect evals."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from operator_eval.report._closure import MIN_TOOL_CALLS, MIN_TRAPS, closure_of
from operator_eval.report._records import model_label
from operator_eval.tasks import benchboard_hard
from operator_eval.world._suite import load_suite

pytestmark = pytest.mark.slow

SUITE_SIZE = 24


def run(model: str, seed: int, log_dir: Path) -> EvalLog:
    (log,) = inspect_eval(
        benchboard_hard(seed=seed),
        model=model,
        log_dir=str(log_dir),
        display="none",
        max_samples=4,
    )
    assert log.status == "success", log.error
    return log


def points(log: EvalLog) -> dict[str, int]:
    return {
        str(s.id): int((s.scores or {})["operator_score"].value["points"])  # type: ignore[index]
        for s in log.samples or []
    }


# Seed 0 of every family is played by its own tests (tests/test_hard_*.py), with noop,
# sloppy and every flaw; the suite is played here on the other seed the issue names.
@pytest.mark.parametrize("seed", [7919])
def test_the_oracle_scores_600_and_every_closure_is_long_and_compound(
    seed: int, tmp_path: Path
) -> None:
    log = run("opeval/oracle", seed, tmp_path)
    got = points(log)
    assert len(got) == SUITE_SIZE
    assert got == dict.fromkeys(got, 25)
    closure = closure_of(log)
    assert closure.median_tool_calls >= MIN_TOOL_CALLS
    assert closure.min_traps >= MIN_TRAPS
    families = {sid.split(".", 1)[0] for sid in got}
    assert families == set(load_suite("benchboard_hard").members)
    assert log.eval.metadata and log.eval.metadata["suite"] == "benchboard_hard"
    # Run at the suite's own step budget, the model is the same board column as on
    # benchboard, so routing reads both suites' records together.
    assert model_label(log) == "opeval/oracle"
