"""End to end: logs of three reference policies over three epochs, read by routing and the board."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import eval_retry
from inspect_ai.log import read_eval_log

from operator_eval.cli import main
from operator_eval.report._records import read_records, records_from_log
from operator_eval.tasks import benchboard_hard, deploy_recovery, safety_gate, tool_failure

pytestmark = pytest.mark.slow

MODELS = ["opeval/oracle", "opeval/sloppy", "opeval/noop"]
HARD_DEPLOY_FAMILIES = ("gated_release", "deploy_incident")


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
    # The deploy gates also name the benchboard_hard deploy families: the oracle plays them
    # (in their suite, three epochs too); sloppy and noop are denied without them.
    hard = benchboard_hard()
    deploy_hard = [
        str(s.id) for s in hard.dataset if str(s.id).split(".")[0] in HARD_DEPLOY_FAMILIES
    ]
    (log,) = inspect_eval(
        hard,
        model="opeval/oracle",
        sample_id=deploy_hard,
        epochs=3,
        max_samples=12,
        log_dir=str(folder),
        display="none",
    )
    assert log.status == "success"
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
    assert "no evidence" not in table.replace("not enough evidence", "")


def test_the_board_is_written_from_the_same_logs(log_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "board"
    assert main(["board", str(log_dir), "-o", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="leaderboard"' in page and 'id="routing"' in page
    assert "opeval/oracle" in page and "600/600" not in page  # 35 tasks x 3 epochs here
    board = json.loads((out / "board.json").read_text(encoding="utf-8"))
    assert board
    routing_json = json.loads((out / "routing.json").read_text(encoding="utf-8"))
    assert routing_json["models"]["opeval/oracle"]["deploy"]["verdict"] == "allowed"


def _samples_in(log: Path) -> int:
    """Samples a (possibly still being written) .eval log already holds."""
    try:
        with zipfile.ZipFile(log) as archive:
            return sum(name.startswith("samples/") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return 0


def test_a_killed_run_and_its_eval_retry_count_each_sample_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real run killed after 2 of 4 samples, then `inspect eval-retry`: 4 runs, not 6."""
    logs = tmp_path / "logs"
    command = [
        sys.executable,
        "-m",
        "inspect_ai",
        "eval",
        "operator_eval/deploy_recovery",
        "--model",
        "opeval/oracle",
        "--limit",
        "4",
        "--max-samples",
        "1",
        "--log-buffer",
        "1",
        "--log-dir",
        str(logs),
        "--display",
        "none",
    ]
    run = subprocess.Popen(command, start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        for _ in range(1200):  # until 2 samples are in the log, at most 2 min
            found = list(logs.glob("*.eval"))
            if found and _samples_in(found[0]) >= 2:
                break
            assert run.poll() is None, "the eval ended before it could be killed"
            time.sleep(0.1)
        else:
            pytest.fail("no samples were written within 2 minutes")
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    [killed] = logs.glob("*.eval")
    partial = read_eval_log(str(killed))
    assert partial.status == "started" and 2 <= len(partial.samples or []) < 4

    [retried] = eval_retry(str(killed), log_dir=str(logs), display="none")
    assert retried.status == "success" and len(retried.samples or []) == 4
    both = records_from_log(partial) + records_from_log(retried)
    assert len(both) > 4  # what used to be counted

    records, problems = read_records([logs])
    assert problems == []
    assert sorted((r.sample_id, r.epoch) for r in records) == sorted(
        (str(s.id), s.epoch) for s in retried.samples or []
    )
    out = tmp_path / "board"
    assert main(["board", str(logs), "-o", str(out)]) == 0
    board = json.loads((out / "board.json").read_text(encoding="utf-8"))
    assert board["runs"] == 4
    [oracle] = board["models"]
    assert (oracle["stats"]["samples"], oracle["stats"]["runs"], oracle["points"]) == (4, 4, 100)
    capsys.readouterr()


def test_summary_counts_tasks_once_over_three_epochs(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = sorted(log_dir.glob("*.eval"))
    assert main(["summary", *map(str, logs)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    assert len(lines) == len(logs) == 10
    # Each log's own sample count, each x 3 epochs.
    for log, line in zip(logs, lines, strict=True):
        samples = {(r.sample_id) for r in records_from_log(read_eval_log(str(log)))}
        assert f" across {len(samples)} tasks \u00d7 3 epochs · " in line, line
