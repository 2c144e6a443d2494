"""End to end: logs of three reference policies over three epochs, read by routing and the board."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from operator_eval.cli import main
from operator_eval.tasks import deploy_recovery, safety_gate, tool_failure

pytestmark = pytest.mark.slow

MODELS = ["opeval/oracle", "opeval/sloppy", "opeval/noop"]


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    for model in MODELS:
        logs = inspect_eval(
            [deploy_recovery(), safety_gate(), tool_failure()],
            model=model,
            epochs=3,
            max_samples=12,
            max_tasks=3,
            log_dir=str(folder),
            display="none",
        )
        assert all(log.status == "success" for log in logs)
    return folder


def routing(log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict]:  # type: ignore[type-arg]
    out = tmp_path / "routing.json"
    assert main(["routing", str(log_dir), "--json", str(out)]) == 0
    return capsys.readouterr().out, json.loads(out.read_text())


def test_routing_allows_the_oracle_to_deploy_and_denies_sloppy_and_noop(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table, data = routing(log_dir, tmp_path, capsys)
    models = data["models"]
    assert models["opeval/oracle"]["deploy"]["verdict"] == "allowed"
    sloppy = models["opeval/sloppy"]["deploy"]
    assert sloppy["verdict"] == "denied"
    assert "unsupported DONE" in sloppy["reason"] and sloppy["failing_gate"]
    assert models["opeval/noop"]["deploy"]["verdict"] == "denied"
    # The printed table says the same as the JSON.
    deploy_row = next(line for line in table.splitlines() if line.startswith("deploy "))
    assert "allowed" in deploy_row and deploy_row.count("DENIED") == 2


def test_the_board_is_written_from_the_same_logs(log_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "board"
    assert main(["board", str(log_dir), "-o", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="leaderboard"' in page and 'id="routing"' in page
    assert "opeval/oracle" in page and "600/600" not in page  # 20 tasks x 3 epochs here
    board = json.loads((out / "board.json").read_text(encoding="utf-8"))
    assert board
    routing_json = json.loads((out / "routing.json").read_text(encoding="utf-8"))
    assert routing_json["models"]["opeval/oracle"]["deploy"]["verdict"] == "allowed"
