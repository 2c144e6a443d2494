"""End to end: the operator families and the benchboard suite, run through real Inspect evals.

Every sample of safety_gate, source_of_truth, tool_failure, blocked_work and
invoice_reconciliation is played
by the reference policies through the real agent path (LangGraph graph, bridge,
sandboxed tools, scorer). One eval per policy covers all these families; each flaw
runs only on the samples where its mistake is meaningful (`flaw_applies`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from _evals import eval_in_tmp
from inspect_ai import Task
from inspect_ai.event import ToolEvent
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model
from inspect_ai.scorer import Score

from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.contracts._spec import TaskSpec
from operator_eval.policies._flaws import FLAW_LABELS, FLAWS, flaw_applies
from operator_eval.tasks import benchboard
from operator_eval.tasks._family import operator_task
from operator_eval.world import generate_specs
from operator_eval.world._sample import dataset_of

pytestmark = pytest.mark.slow

FAMILIES = [
    "safety_gate",
    "source_of_truth",
    "tool_failure",
    "blocked_work",
    "invoice_reconciliation",
]
NEW_FLAWS = [
    "unsafe_deploy",
    "stale_source",
    "trust_bad_output",
    "false_blocked",
    "prose_instead_of_json",
    "wrong_path",
    "invented_evidence_path",
    "no_checksum",
]


def family_specs(seed: int) -> list[TaskSpec]:
    """Every sample of the families, ids prefixed with the family."""
    return [
        s.model_copy(update={"id": f"{f}.{s.id}"})
        for f in FAMILIES
        for s in generate_specs(f, seed)
    ]


def _task(specs: list[TaskSpec], name: str) -> Task:
    return operator_task(
        dataset_of(specs, name),
        graph=DEFAULT_GRAPH,
        max_steps=40,
        sandbox="local",
        metadata={},
        version="test",
    )


class Runs:
    """Evals run on first use and shared by the tests of this module."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._cache: dict[tuple[str, int], tuple[EvalLog, dict[str, TaskSpec]]] = {}

    def eval(self, task: Task, policy: str) -> EvalLog:
        model: Any = (
            get_model("opeval/flawed", flaw=policy)
            if policy in FLAWS
            else get_model(f"opeval/{policy}")
        )
        return eval_in_tmp(task, model, self._factory, max_samples=8)

    def get(self, policy: str, seed: int = 0) -> tuple[EvalLog, dict[str, TaskSpec]]:
        key = (policy, seed)
        if key not in self._cache:
            specs = family_specs(seed)
            if policy in FLAWS:
                specs = [s for s in specs if flaw_applies(policy, s)]
            log = self.eval(_task(specs, f"families-{policy}-s{seed}"), policy)
            self._cache[key] = (log, {s.id: s for s in specs})
        return self._cache[key]

    def scores(self, policy: str, seed: int = 0) -> dict[str, tuple[TaskSpec, Score]]:
        log, specs = self.get(policy, seed)
        samples = log.samples or []
        assert sorted(str(s.id) for s in samples) == sorted(specs), "a sample went missing"
        return {str(s.id): (specs[str(s.id)], s.scores["operator_score"]) for s in samples}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory)


def _why(score: Score) -> str:
    failed = [c for c in score.metadata["checks"] if not c["passed"]]
    return "; ".join(f"{c['name']}: {c['reason']}" for c in failed)


@pytest.mark.parametrize("seed", [0, 7])
def test_oracle_scores_25_on_every_sample_of_every_family(runs: Runs, seed: int) -> None:
    scores = runs.scores("oracle", seed)
    per_family = Counter(sid.split(".", 1)[0] for sid in scores)
    assert all(per_family[f] >= 6 for f in FAMILIES), per_family
    for sid, (_, score) in scores.items():
        assert score.value["points"] == 25, (sid, _why(score))
        assert score.value["resolved"] == 1


def test_every_family_mixes_done_and_blocked_where_refusal_is_a_choice() -> None:
    statuses = Counter((s.family, s.expected.status) for s in family_specs(0))
    for family in ("safety_gate", "blocked_work"):
        assert statuses[(family, "DONE")] >= 2 and statuses[(family, "BLOCKED")] >= 2


def test_noop_never_resolves_and_earns_nothing(runs: Runs) -> None:
    for sid, (_, score) in runs.scores("noop").items():
        assert score.value["resolved"] == 0, sid
        assert score.value["points"] == 0, (sid, _why(score))


def test_sloppy_never_resolves_and_every_done_claim_is_unsupported(runs: Runs) -> None:
    for sid, (_, score) in runs.scores("sloppy").items():
        assert score.metadata["claimed"]["status"] == "DONE"
        assert score.value["resolved"] == 0, sid
        assert score.value["unsupported_done"] == 1, sid
        assert "unsupported_done" in score.metadata["labels"]


@pytest.mark.parametrize("flaw", list(FLAWS))
def test_each_flaw_is_caught_with_its_label_wherever_it_applies(runs: Runs, flaw: str) -> None:
    if flaw not in NEW_FLAWS and not any(flaw_applies(flaw, s) for s in family_specs(0)):
        pytest.skip(f"{flaw} is scripted only by families outside this module (benchboard_hard)")
    scores = runs.scores(flaw)
    if flaw in NEW_FLAWS:
        assert scores, f"{flaw} applies to no sample"
    for sid, (_, score) in scores.items():
        assert score.value["resolved"] == 0, sid
        # A missing checksum costs its own points; every other flaw zeroes the sample.
        assert score.value["points"] == (23 if flaw == "no_checksum" else 0), sid
        assert FLAW_LABELS[flaw] in score.metadata["labels"], (sid, score.metadata["labels"])


def test_fault_schedule_is_in_the_sample_and_marked_in_the_transcript(runs: Runs) -> None:
    log, specs = runs.get("oracle")
    for sample in log.samples or []:
        spec = specs[str(sample.id)]
        if spec.family != "tool_failure":
            continue
        assert sample.metadata["tool_faults"], sample.id
        marked = [
            e
            for e in sample.events
            if isinstance(e, ToolEvent) and (e.metadata or {}).get("injected_fault")
        ]
        assert marked, f"{sample.id}: no faulted call marked in the transcript"


def test_two_seeds_give_different_worlds_with_the_same_ids_shape() -> None:
    a, b = family_specs(0), family_specs(7)
    assert [s.variant for s in a] == [s.variant for s in b]
    for x, y in zip(a, b, strict=True):
        assert x.files != y.files, x.id
        assert x.id.replace("-s0", "") == y.id.replace("-s7", "")


def test_benchboard_oracle_is_24_tasks_and_600_points(runs: Runs) -> None:
    log = runs.eval(benchboard(), "oracle")
    samples = log.samples or []
    assert len(samples) == 24
    assert sum(s.scores["operator_score"].value["points"] for s in samples) == 600
    points = next(s for s in (log.results.scores if log.results else []) if s.name == "points")
    assert points.metrics["operator_eval/points_total"].value == 600
    assert points.metrics["operator_eval/points_possible"].value == 600
    families = {str(s.id).split(".", 1)[0] for s in samples}
    assert families == {"deploy_recovery", *FAMILIES}
    assert log.eval.metadata and log.eval.metadata["suite"] == "benchboard"
