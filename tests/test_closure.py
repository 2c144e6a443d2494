"""`operator-eval closure`: tool calls and traps per sample, from a real run's log."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from operator_eval.cli import main
from operator_eval.report._closure import closure_of

pytestmark = pytest.mark.slow


def test_closure_counts_the_oracles_tool_calls_and_reads_traps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (log,) = inspect_eval(
        "operator_eval/deploy_recovery",
        model="opeval/oracle",
        limit=2,
        log_dir=str(tmp_path),
        display="none",
    )
    closure = closure_of(log)
    assert [s.points for s in closure.samples] == [25, 25]
    # The oracle deploys, verifies /, /health and /config, writes its proof: several calls.
    assert all(s.tool_calls >= 4 for s in closure.samples)
    assert closure.min_traps == 0  # deploy_recovery's variants list no traps
    assert main(["closure", str(Path(log.location))]) == 0
    out = capsys.readouterr().out
    assert "median tool calls per sample:" in out
    assert "samples combining >= 2 distinct traps: 0/2" in out


def test_closure_of_an_unreadable_log_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.eval"
    bad.write_text("not a log")
    assert main(["closure", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "broken.eval" in err and "Traceback" not in err
