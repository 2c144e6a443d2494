"""Re-scoring a finished log without its sandbox, from the world facts recorded at scoring time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import score as inspect_score
from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState

from operator_eval import probe
from operator_eval.contracts import TapeRecord
from operator_eval.scorers import done_claim, operator_score, proof_verified, world_state
from operator_eval.scorers._rescore import RescoreError, with_recorded_world

pytestmark = pytest.mark.slow

RESCORE_ARGS = ["--scorer", "operator_eval/operator_score", "--action", "overwrite", "--overwrite"]


def _run(task: str, model: str, log_dir: Path, limit: int = 2) -> EvalLog:
    (log,) = inspect_eval(
        task, model=model, limit=limit, log_dir=str(log_dir), display="none", sandbox="local"
    )
    assert log.status == "success", log.error
    return read_eval_log(log.location)


def _values(log: EvalLog, name: str) -> dict[str, object]:
    return {str(s.id): (s.scores or {})[name].value for s in log.samples or []}


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalLog]:
    root = tmp_path_factory.mktemp("rescore")
    return {
        "oracle": _run("operator_eval/deploy_recovery", "opeval/oracle", root / "oracle"),
        "sloppy": _run("operator_eval/deploy_recovery", "opeval/sloppy", root / "sloppy"),
        "invoice": _run(
            "operator_eval/invoice_reconciliation", "opeval/oracle", root / "invoice", limit=1
        ),
    }


@pytest.mark.parametrize("which", ["oracle", "sloppy", "invoice"])
def test_rescoring_without_a_sandbox_gives_the_same_verdicts(
    logs: dict[str, EvalLog], which: str
) -> None:
    log = logs[which]
    rescored = inspect_score(log, scorers=[operator_score()], action="overwrite", display="none")
    assert _values(rescored, "operator_score") == _values(log, "operator_score")
    for sample in rescored.samples or []:
        score = (sample.scores or {})["operator_score"]
        assert "re-scored without a sandbox" in str(score.explanation)
        assert (score.metadata or {})["rescored"]["answers"] > 0
        before = next(s for s in log.samples or [] if s.id == sample.id).scores or {}
        assert score.answer == before["operator_score"].answer


def test_other_scorers_rederive_their_checks_from_the_same_recording(
    logs: dict[str, EvalLog],
) -> None:
    # A user who switches scorers after the fact: the facts the operator score gathered
    # answer the standalone scorers too, with the verdicts a live run gives.
    for which, expected in (("oracle", (1, 0, 1)), ("sloppy", (0, 1, 0))):
        rescored = inspect_score(
            logs[which],
            scorers=[proof_verified(), done_claim(), world_state()],
            action="overwrite",
            display="none",
        )
        names = ("proof_verified", "done_claim", "world_state")
        for values in zip(*(_values(rescored, n).values() for n in names), strict=True):
            assert values == expected, which


@scorer(metrics=[mean()])
def asks_something_new() -> Scorer:
    """A 'newer' scorer that reads a file the live scoring never read."""

    async def score(state: TaskState, target: Target) -> Score:
        answer = await probe.read_file("deploy/NEVER_ASKED", max_bytes=10)
        return Score(value=1 if answer.exists else 0)

    return with_recorded_world(score)


def test_a_question_the_recording_cannot_answer_is_one_clear_error(
    logs: dict[str, EvalLog],
) -> None:
    with pytest.raises(RescoreError, match="not asked when the sample was scored"):
        inspect_score(logs["oracle"], scorers=[asks_something_new()], display="none")


def test_cli_rescore_of_a_log_scored_before_recording_says_one_sentence(
    logs: dict[str, EvalLog], tmp_path: Path
) -> None:
    old = logs["sloppy"].model_copy(deep=True)
    for sample in old.samples or []:
        sample.store.pop(TapeRecord.key("world_tape"), None)
    path = tmp_path / "old.eval"
    write_eval_log(old, str(path))
    inspect = Path(sys.executable).with_name("inspect")
    done = subprocess.run(
        [str(inspect), "score", str(path), *RESCORE_ARGS],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    assert "no sandbox and no recorded world facts" in out, out


def test_cli_rescore_of_a_recorded_log_works(logs: dict[str, EvalLog], tmp_path: Path) -> None:
    path = tmp_path / "recorded.eval"
    write_eval_log(logs["sloppy"], str(path))
    inspect = Path(sys.executable).with_name("inspect")
    done = subprocess.run(
        [str(inspect), "score", str(path), *RESCORE_ARGS],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rescored = read_eval_log(str(path))
    assert _values(rescored, "operator_score") == _values(logs["sloppy"], "operator_score")
    for sample in rescored.samples or []:
        score = (sample.scores or {})["operator_score"]
        assert "re-scored without a sandbox" in str(score.explanation)
