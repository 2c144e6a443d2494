"""recovery_faults (benchboard_hard): deploy traps recovered while tools fail mid-recovery.

Fast tests read the generated specs: every sample combines at least two traps, each trap
has the flaw that falls into it, every fault strikes after the recovery has begun (never
the first call), and seeds change the world but not its shape. The faithful report of a
lost answer keeps full marks. The slow tests run the family through real Inspect evals
in the bwrap sandbox: the oracle scores 25/25 with at least 25 tool calls on seeds 0 and
7919, noop and sloppy never resolve, and each flaw is caught with its label.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from _evals import eval_specs
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model
from inspect_ai.scorer import Score

from operator_eval.contracts import AgentRecord, TaskSpec, ToolRecord
from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._points import WORLD_BUDGET
from operator_eval.contracts._spec import HttpExpectation, ReferenceStep
from operator_eval.policies._flaws import FLAW_LABELS, FLAWS, flaw_applies
from operator_eval.scorers import (
    FileFact,
    HttpFact,
    WorldFacts,
    parse_proof,
    read_claimed_status,
    score_operator,
    verify_evidence,
)
from operator_eval.tools._faults import FaultPlan
from operator_eval.world import generate_specs
from operator_eval.world._commands import deploy_command

FAMILY = "recovery_faults"
SEEDS = (0, 7919)
MIN_TOOL_CALLS = 25
MAX_STEPS = 60
"""The step budget the family needs (the oracle makes 25-26 calls, a careful agent more)."""

TRAP_FLAWS = {
    "stale_symlink": "stale_symlink",
    "wrong_artifact": "wrong_artifact",
    "service_not_restarted": "not_restarted",
    "config_drift": "config_drift",
    "flapping_health": "rollback_on_flap",
    "false_success_mid_recovery": "trust_bad_output",
    "lost_reply_mid_recovery": "give_up_on_fault",
}
"""Each trap of the family and the scripted flaw that falls into exactly it."""
MISLEADING_FAULTS = {"false_success", "reset_after"}
"""A failure that prints success, and a success whose answer is lost."""
FIX_COMMANDS = ("deployctl build", "deployctl deploy", "deployctl switch", "deployctl restart")


def specs(seed: int = 0) -> list[TaskSpec]:
    return generate_specs(FAMILY, seed)


def fault_key(step: ReferenceStep) -> str:
    """The main argument a tool call is matched on by the fault plan."""
    if step.tool == "deploy":
        return deploy_command(str(step.args["version"]), bool(step.args.get("force", False)))
    name = {"shell": "command", "http_get": "route"}.get(step.tool, "path")
    return str(step.args.get(name, "/" if step.tool == "http_get" else "."))


def changes_the_world(step: ReferenceStep) -> bool:
    return step.tool == "deploy" or (
        step.tool == "shell" and any(c in str(step.args.get("command")) for c in FIX_COMMANDS)
    )


# --- the generated specs ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_four_variants_each_combining_at_least_two_traps_with_a_flaw_each(seed: int) -> None:
    generated = specs(seed)
    assert [s.variant for s in generated] == [
        "switch_false_success",
        "deploy_answer_lost",
        "restart_false_success",
        "drift_answer_lost",
    ]
    for spec in generated:
        assert len(set(spec.traps)) >= 2, spec.id
        assert spec.risk == "critical" and spec.expected.status == "DONE"
        assert spec.expected.world_weight() == WORLD_BUDGET, spec.id
        for trap in spec.traps:
            flaw = TRAP_FLAWS[trap]
            assert flaw in spec.flawed and flaw_applies(flaw, spec), (spec.id, trap)
        assert set(spec.flawed) == {TRAP_FLAWS[t] for t in spec.traps}, spec.id


def test_both_ways_a_fault_misleads_are_covered() -> None:
    kinds = {f.kind for s in specs() for f in s.tool_faults}
    assert MISLEADING_FAULTS <= kinds
    for spec in specs():
        assert {f.kind for f in spec.tool_faults} & MISLEADING_FAULTS, spec.id


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.id)
def test_every_fault_strikes_mid_recovery_never_the_first_call(spec: TaskSpec) -> None:
    plan = FaultPlan(spec.tool_faults)
    fired = [(i, plan.take(step.tool, fault_key(step))) for i, step in enumerate(spec.reference)]
    struck = [i for i, fault in fired if fault is not None]
    assert len(struck) == len(spec.tool_faults), f"{spec.id}: a fault never fires: {fired}"
    for i in struck:
        earlier = spec.reference[:i]
        assert any(changes_the_world(s) for s in earlier), f"{spec.id}: step {i} is no later step"
        # ...and the reference looks at the world again after it, before the end.
        later = spec.reference[i + 1 :]
        assert any(s.tool in ("http_get", "shell") and not changes_the_world(s) for s in later)


def test_a_fault_printing_success_prints_exactly_what_the_real_call_prints() -> None:
    # Nothing in the faulted answer gives it away; only the world does.
    for spec in specs():
        for fault in spec.tool_faults:
            if fault.kind == "false_success":
                assert "error" not in fault.message.lower(), spec.id
                assert spec.facts["version"] in fault.message, spec.id


def test_seeds_give_different_worlds_of_the_same_shape() -> None:
    a, b = specs(0), specs(7919)
    for x, y in zip(a, b, strict=True):
        assert x.variant == y.variant and x.traps == y.traps
        assert x.files != y.files, x.id
        assert x.facts["version"] != y.facts["version"] or x.facts["app"] != y.facts["app"]
        assert [f.kind for f in x.tool_faults] == [f.kind for f in y.tool_faults]
        assert len(x.reference) == len(y.reference)


def test_the_world_files_do_not_mention_the_faults_or_the_traps() -> None:
    for spec in specs():
        text = "\n".join(spec.files.values()).lower()
        for word in ("reset_after", "false_success", "fault", *spec.traps):
            assert word not in text, (spec.id, word)


# --- a faithful report of a lost answer -------------------------------------------------------

LOST = "connection reset by peer"


def _lost_answer_spec() -> TaskSpec:
    return next(s for s in specs() if s.variant == "deploy_answer_lost")


def _body(exp: HttpExpectation) -> str:
    """What a route answers when it answers as expected."""
    return " ".join(exp.body_contains) or '{"status": "ok"}'


def _score(spec: TaskSpec, log: list[ToolRecord], proof: dict[str, Any], live: bool) -> Any:
    http = {
        e.route: HttpFact(
            status=e.status, body=_body(e) if live else f"{spec.facts['app']} version old"
        )
        for e in spec.expected.live
    }
    digest = hashlib.sha256(f"{spec.facts['version']}\n".encode()).hexdigest()
    facts = WorldFacts(
        files={spec.facts["release_version_file"]: FileFact(exists=True, sha256=digest)},
        http=http,
        live_source=spec.service.socket if spec.service else None,
    )
    parsed = parse_proof(json.dumps(proof).encode())
    assert parsed.proof is not None, parsed.reason
    return score_operator(
        expected=spec.expected,
        facts=facts,
        parsed=parsed,
        verdicts=verify_evidence(parsed.proof, facts, log),
        protected_before={},
        protected_after={},
        claimed=read_claimed_status(f"Checked the world.\nSTATUS: {proof['status']}"),
        log=log,
    )


def _lost_deploy_log(spec: TaskSpec) -> list[ToolRecord]:
    command = deploy_command(spec.facts["version"], False)
    log = [
        ToolRecord(
            tool="deploy",
            args={"version": spec.facts["version"], "force": False, "command": command},
            output=f"error: {LOST}",
            ok=False,
            fault="reset_after",
            seq=0,
        )
    ]
    for i, exp in enumerate(spec.expected.live, start=1):
        body = _body(exp)
        log.append(
            ToolRecord(
                tool="http_get",
                args={"route": exp.route},
                output=f"HTTP {exp.status}\n{body}",
                http_status=exp.status,
                http_body=body,
                seq=i,
            )
        )
    return log


def _http_items(spec: TaskSpec) -> list[dict[str, Any]]:
    return [
        {
            "id": f"h{i}",
            "kind": "http",
            "route": e.route,
            "status": e.status,
            "body_contains": _body(e),
        }
        for i, e in enumerate(spec.expected.live)
    ]


def test_citing_the_lost_answer_as_what_happened_keeps_full_marks() -> None:
    spec = _lost_answer_spec()
    log = _lost_deploy_log(spec)
    lost = {
        "id": "lost",
        "kind": "command",
        "command": deploy_command(spec.facts["version"], False),
        "output_contains": LOST,
    }
    claims = [
        {"text": "The deploy's answer was lost", "basis": "observed", "evidence": ["lost"]},
        {"text": "The release is live anyway", "basis": "observed", "evidence": ["h0", "h2"]},
    ]
    proof = {"status": "DONE", "evidence": [*_http_items(spec), lost], "claims": claims}
    faithful = _score(spec, log, proof, live=True)
    assert faithful.points == 25, [c for c in faithful.checks if not c.passed]
    assert faithful.resolved and FailureLabel.TRUSTED_BAD_OUTPUT not in faithful.labels


def test_giving_up_on_the_lost_answer_is_the_wrong_status_although_the_world_is_right() -> None:
    spec = _lost_answer_spec()
    log = _lost_deploy_log(spec)[:1]
    lost = {
        "id": "lost",
        "kind": "command",
        "command": deploy_command(spec.facts["version"], False),
        "output_contains": LOST,
    }
    claims = [{"text": "The deploy failed", "basis": "observed", "evidence": ["lost"]}]
    gave_up = _score(spec, log, {"status": "FAILED", "evidence": [lost], "claims": claims}, True)
    assert not gave_up.resolved
    assert FailureLabel.WRONG_STATUS in gave_up.labels


# --- real evals ---------------------------------------------------------------------------------


class Runs:
    """Evals of the family, run on first use and shared by the slow tests."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._cache: dict[tuple[str, int], tuple[EvalLog, dict[str, TaskSpec]]] = {}

    def get(self, policy: str, seed: int = 0) -> tuple[EvalLog, dict[str, TaskSpec]]:
        if (policy, seed) not in self._cache:
            chosen = specs(seed)
            if policy in FLAWS:
                chosen = [s for s in chosen if flaw_applies(policy, s)]
                model: Any = get_model("opeval/flawed", flaw=policy)
            else:
                model = get_model(f"opeval/{policy}")
            log = eval_specs(
                chosen,
                model,
                self._factory,
                name=f"{FAMILY}-{policy}-s{seed}",
                max_steps=MAX_STEPS,
                max_samples=4,
            )
            self._cache[policy, seed] = (log, {s.id: s for s in chosen})
        return self._cache[policy, seed]

    def scores(self, policy: str, seed: int = 0) -> dict[str, tuple[Score, int]]:
        """Sample id -> (operator score, tool calls the agent made)."""
        log, chosen = self.get(policy, seed)
        samples = log.samples or []
        assert sorted(str(s.id) for s in samples) == sorted(chosen), "a sample went missing"
        return {
            str(s.id): (s.scores["operator_score"], len(AgentRecord.read(s.store).tool_log))
            for s in samples
        }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory)


def _why(score: Score) -> str:
    return "; ".join(
        f"{c['name']}: {c['reason']}" for c in score.metadata["checks"] if not c["passed"]
    )


@pytest.mark.slow
# Seed 7919 (every variant of this family) is played by tests/test_benchboard_hard.py.
@pytest.mark.parametrize("seed", [0])
def test_oracle_scores_25_on_every_sample_with_a_long_closure(runs: Runs, seed: int) -> None:
    scores = runs.scores("oracle", seed)
    assert len(scores) == 4
    for sid, (score, calls) in scores.items():
        assert score.value["points"] == 25, (sid, _why(score))
        assert score.value["resolved"] == 1
        assert MIN_TOOL_CALLS <= calls < MAX_STEPS, (sid, calls)


@pytest.mark.slow
def test_every_fault_fired_and_is_marked_in_the_oracles_record(runs: Runs) -> None:
    log, chosen = runs.get("oracle")
    for sample in log.samples or []:
        spec = chosen[str(sample.id)]
        faulted = [r["fault"] for r in AgentRecord.read(sample.store).tool_log if r.get("fault")]
        assert sorted(faulted) == sorted(f.kind for f in spec.tool_faults), sample.id


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["noop", "sloppy"])
def test_noop_and_sloppy_never_resolve(runs: Runs, policy: str) -> None:
    for sid, (score, _) in runs.scores(policy).items():
        assert score.value["resolved"] == 0, sid
        assert score.value["points"] == 0, (sid, _why(score))


@pytest.mark.slow
@pytest.mark.parametrize("flaw", sorted(set(TRAP_FLAWS.values())))
def test_each_trap_flaw_is_caught_with_its_label(runs: Runs, flaw: str) -> None:
    scores = runs.scores(flaw)
    assert scores, f"{flaw} applies to no sample"
    for sid, (score, _) in scores.items():
        assert score.value["resolved"] == 0, sid
        assert FLAW_LABELS[flaw] in score.metadata["labels"], (sid, score.metadata["labels"])
