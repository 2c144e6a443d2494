"""Each scorer used alone: on operator-eval samples, and in someone else's Inspect task."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.model import Model, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from operator_eval.agent import operator_agent
from operator_eval.scorers import (
    done_claim,
    operator_score,
    proof_verified,
    protected_inputs,
    world_state,
)
from operator_eval.world import build_dataset, snapshot_protected, world_cleanup, world_setup

pytestmark = pytest.mark.slow

SCORERS = ["proof_verified", "done_claim", "world_state", "protected_inputs", "operator_score"]


def run_all_scorers(model: str | Model, tmp_path: Path) -> dict[str, dict[str, object]]:
    task = Task(
        dataset=build_dataset("deploy_recovery", 0),
        setup=world_setup(),
        solver=operator_agent(),
        scorer=[
            proof_verified(),
            done_claim(),
            world_state(),
            protected_inputs(),
            operator_score(),
        ],
        cleanup=world_cleanup,
        sandbox="local",
    )
    (log,) = inspect_eval(task, model=model, limit=2, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    return {str(s.id): {name: s.scores[name].value for name in SCORERS} for s in log.samples or []}


def test_oracle_passes_every_standalone_scorer(tmp_path: Path) -> None:
    for values in run_all_scorers("opeval/oracle", tmp_path).values():
        assert values["proof_verified"] == 1
        assert values["done_claim"] == 0  # no unsupported DONE
        assert values["world_state"] == 1
        assert values["protected_inputs"] == 1


def test_sloppy_is_caught_by_done_claim_and_proof_verified(tmp_path: Path) -> None:
    for values in run_all_scorers("opeval/sloppy", tmp_path).values():
        assert values["done_claim"] == 1
        assert values["proof_verified"] == 0
        assert values["world_state"] == 0
        assert values["protected_inputs"] == 1  # it touched nothing


DATA = "ledger,1\n"


@solver
def foreign_agent(edit_protected: bool, forge: bool) -> Solver:
    """Someone else's agent: writes a proof about data/ledger.csv and says DONE."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        digest = hashlib.sha256(DATA.encode()).hexdigest()
        if edit_protected:
            await sandbox().write_file("data/ledger.csv", DATA + "tampered\n")
        proof = {
            "status": "DONE",
            "evidence": [
                {
                    "id": "f",
                    "kind": "file",
                    "path": "data/ledger.csv",
                    "sha256": "00" * 32 if forge else digest,
                }
            ],
            "claims": [{"text": "ledger checked", "basis": "observed", "evidence": ["f"]}],
        }
        await sandbox().write_file("out/proof.json", json.dumps(proof))
        state.output = ModelOutput.from_content("foreign", "Ledger verified.\nSTATUS: DONE")
        return state

    return solve


@pytest.mark.parametrize(
    ("edit_protected", "forge", "expected"),
    [
        (False, False, {"proof_verified": 1, "done_claim": 0, "protected_inputs": 1}),
        (False, True, {"proof_verified": 0, "done_claim": 1, "protected_inputs": 1}),
        (True, False, {"proof_verified": 0, "done_claim": 1, "protected_inputs": 0}),
    ],
)
def test_scorers_work_in_a_foreign_task(
    tmp_path: Path, edit_protected: bool, forge: bool, expected: dict[str, int]
) -> None:
    task = Task(
        dataset=[Sample(input="check the ledger", files={"data/ledger.csv": DATA})],
        setup=snapshot_protected(["data"]),
        solver=foreign_agent(edit_protected, forge),
        scorer=[
            proof_verified(proof_path="out/proof.json"),
            done_claim(proof_path="out/proof.json"),
            protected_inputs(paths=["data"]),
        ],
        sandbox="local",
    )
    (log,) = inspect_eval(task, model="opeval/noop", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    assert {name: sample.scores[name].value for name in expected} == expected


def test_done_claim_flags_a_done_that_edited_a_protected_input(tmp_path: Path) -> None:
    # The flaw does the work and says DONE, but changes a protected input on the way.
    flawed = get_model("opeval/flawed", flaw="protected_edit")
    for values in run_all_scorers(flawed, tmp_path).values():
        assert values["protected_inputs"] == 0
        assert values["done_claim"] == 1


@solver
def says_done() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        await sandbox().write_file("proof.json", json.dumps({"status": "DONE"}))
        state.output = ModelOutput.from_content("foreign", "STATUS: DONE")
        return state

    return solve


def test_foreign_metadata_that_looks_like_ours_is_a_foreign_task(tmp_path: Path) -> None:
    # Ordinary keys such as `family` and `expected` must not be read as a TaskSpec.
    task = Task(
        dataset=[
            Sample(
                input="reconcile",
                metadata={"family": "billing", "expected": {"total": 42}, "category": "x"},
            )
        ],
        solver=says_done(),
        scorer=[proof_verified(), done_claim()],
        sandbox="local",
    )
    (log,) = inspect_eval(task, model="opeval/noop", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    assert sample.error is None
    assert sample.scores["proof_verified"].value == 0
    assert sample.scores["done_claim"].value == 1
    assert "the proof cites no evidence" in str(sample.scores["done_claim"].explanation)
