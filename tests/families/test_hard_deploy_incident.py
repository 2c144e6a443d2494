"""deploy_incident (benchboard_hard): compound deploy incidents, run through real Inspect evals.

The scripted policies play every sample through the real agent path (LangGraph graph,
bridge, bwrap sandbox, scorer): the oracle must score 25/25 with at least 25 tool calls,
noop and sloppy must never resolve, and each trap's flawed policy must be caught with
that trap's label on every sample that sets the trap.
"""

from __future__ import annotations

from typing import Any

import pytest
from _evals import eval_specs
from inspect_ai.event import ToolEvent
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from operator_eval.contracts._points import WORLD_BUDGET
from operator_eval.contracts._spec import TaskSpec
from operator_eval.policies._flaws import FLAW_LABELS, FLAWS
from operator_eval.world import generate_specs

FAMILY = "deploy_incident"
MAX_STEPS = 60
TRAP_FLAWS = {
    "stale_symlink": "skip_switch",
    "wrong_prebuilt": "reuse_prebuilt",
    "page_cache": "skip_cache_purge",
    "flapping_health": "rollback_on_flap",
    "failing_release": "ship_ticket_version",
    "crash_after_restart": "restart_and_hope",
    "disputed_config": "stale_source",
    "cause_in_metrics": "follow_ticket_theory",
}
"""The flaw that falls into each trap (cause_in_log: follow_ticket_theory or cause_not_cited)."""


def _eval(specs: list[TaskSpec], model: Any, tmp: Any) -> EvalLog:
    return eval_specs(specs, model, tmp, name=f"{FAMILY}-test", max_steps=MAX_STEPS, max_samples=4)


def _why(score: Any) -> str:
    return "; ".join(
        f"{c['name']}: {c['reason']}" for c in score.metadata["checks"] if not c["passed"]
    )


def test_every_variant_combines_two_traps_and_each_trap_has_its_flaw() -> None:
    for seed in (0, 7919):
        for spec in generate_specs(FAMILY, seed):
            assert len(set(spec.traps)) >= 2, spec.id
            for trap in spec.traps:
                if trap == "cause_in_log":
                    assert {"follow_ticket_theory", "cause_not_cited"} & set(spec.flawed), spec.id
                else:
                    assert TRAP_FLAWS[trap] in spec.flawed, (spec.id, trap)
            assert spec.expected.world_weight() == WORLD_BUDGET, spec.id


def test_seeds_draw_different_worlds_with_the_same_variants() -> None:
    a, b = generate_specs(FAMILY, 0), generate_specs(FAMILY, 7919)
    assert [s.variant for s in a] == [s.variant for s in b]
    for x, y in zip(a, b, strict=True):
        assert x.files != y.files, x.id


def test_the_incident_cause_is_not_printed_in_the_settings_file() -> None:
    for spec in generate_specs(FAMILY, 0):
        settings = spec.files["deploy/deploy.json"]
        for word in ("release_health", "config_breaks", "migration", spec.facts.get("key", "@")):
            assert word not in settings, (spec.id, word)


@pytest.mark.slow
# Seed 7919 (every variant of this family) is played by tests/test_benchboard_hard.py.
@pytest.mark.parametrize("seed", [0])
def test_oracle_scores_25_with_at_least_25_tool_calls(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = _eval(generate_specs(FAMILY, seed), get_model("opeval/oracle"), tmp_path_factory)
    calls, wrong = {}, {}
    for sample in log.samples or []:
        score = sample.scores["operator_score"]
        if score.value["points"] != 25 or score.value["resolved"] != 1:
            wrong[sample.id] = _why(score)
        calls[sample.id] = sum(1 for e in sample.events if isinstance(e, ToolEvent))
    assert not wrong, wrong
    assert len(calls) == 10
    print(f"oracle tool calls, seed {seed}: {calls}")
    assert min(calls.values()) >= 25, calls


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["noop", "sloppy"])
def test_noop_and_sloppy_never_resolve(
    policy: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = _eval(generate_specs(FAMILY, 0), get_model(f"opeval/{policy}"), tmp_path_factory)
    for sample in log.samples or []:
        score = sample.scores["operator_score"]
        assert score.value["resolved"] == 0, sample.id
        assert score.value["points"] == 0, (sample.id, _why(score))


FAMILY_FLAWS = sorted({f for s in generate_specs(FAMILY, 0) for f in s.flawed})


@pytest.mark.slow
@pytest.mark.parametrize("flaw", FAMILY_FLAWS)
def test_each_flaw_is_caught_with_its_label(
    flaw: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert flaw in FLAWS
    specs = [s for s in generate_specs(FAMILY, 0) if flaw in s.flawed]
    log = _eval(specs, get_model("opeval/flawed", flaw=flaw), tmp_path_factory)
    assert len(log.samples or []) == len(specs)
    for sample in log.samples or []:
        score = sample.scores["operator_score"]
        assert score.value["resolved"] == 0, (sample.id, flaw)
        assert FLAW_LABELS[flaw] in score.metadata["labels"], (
            sample.id,
            score.metadata["labels"],
            _why(score),
        )
