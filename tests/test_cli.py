from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from operator_eval.cli import main, parse_model
from operator_eval.tasks import deploy_recovery


def test_schema_proof_prints_the_proof_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "proof"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Proof"
    assert {"status", "evidence", "claims"} <= set(schema["properties"])


def test_unknown_schema_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["schema", "nope"])
    assert "invalid choice" in capsys.readouterr().err


def test_model_strings_carry_model_args() -> None:
    assert parse_model("opeval/flawed,flaw=skip_verify") == (
        "opeval/flawed",
        {"flaw": "skip_verify"},
    )
    assert parse_model("ollama/qwen3:8b") == ("ollama/qwen3:8b", {})
    with pytest.raises(argparse.ArgumentTypeError, match="not key=value"):
        parse_model("opeval/flawed,skip_verify")


@pytest.mark.slow
def test_compare_renders_logs_side_by_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = []
    for model in ("opeval/noop", "opeval/sloppy"):
        (log,) = inspect_eval(
            deploy_recovery(), model=model, limit=2, log_dir=str(tmp_path), display="none"
        )
        logs.append(log.location)
    assert main(["compare", "--logs", *logs]) == 0
    out = capsys.readouterr().out
    assert "opeval/noop" in out and "opeval/sloppy" in out
    assert "0/50" in out  # two samples, no points, for both
    assert "unsupported_done x2" in out  # sloppy's DONE claims are flagged
