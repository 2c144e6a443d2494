from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from operator_eval.contracts._points import (
    DOCUMENT_CHECKS,
    PROOF_CHECKS,
    WORLD_BUDGET,
    declared_problem,
    document_checks,
)
from operator_eval.contracts._vocabulary import MAX_POINTS
from operator_eval.families import _registry, get_family, registered
from operator_eval.world import DatasetError, _data, _service_world, build_dataset, generate_specs

VARIANTS = {
    "clean",
    "service_not_restarted",
    "stale_symlink",
    "page_cache",
    "wrong_artifact",
    "deploy_timeout",
    "flapping_health",
    "config_drift",
}


def test_default_seed_gives_eight_samples_with_stable_ids() -> None:
    first = [s.id for s in generate_specs("deploy_recovery", 0)]
    again = [s.id for s in generate_specs("deploy_recovery", 0)]
    assert first == again
    assert len(first) == len(set(first)) == 8
    assert {s.variant for s in generate_specs("deploy_recovery", 0)} == VARIANTS


def test_same_seed_same_world_other_seed_other_world() -> None:
    a = generate_specs("deploy_recovery", 0)
    b = generate_specs("deploy_recovery", 0)
    c = generate_specs("deploy_recovery", 7)
    assert [s.files for s in a] == [s.files for s in b]
    assert all(x.files != y.files for x, y in zip(a, c, strict=True))
    assert {s.facts["version"] for s in a} != {s.facts["version"] for s in c}


def test_answer_key_never_reaches_the_sandbox_files() -> None:
    for spec in generate_specs("deploy_recovery", 3):
        marker = spec.expected.live[2].body_contains[0]  # sha256 of the repo config
        assert all(marker not in content for content in spec.files.values())


def test_every_sample_names_its_protected_paths_and_expected_live_answer() -> None:
    for spec in generate_specs("deploy_recovery", 0):
        assert "app" in spec.protected and "deploy/deployctl" in spec.protected
        routes = {e.route for e in spec.expected.live}
        assert routes == {"/", "/health", "/config"}
        assert sum(e.weight for e in spec.expected.live) == WORLD_BUDGET
        assert spec.proof_path in spec.prompt


def test_dataset_keeps_spec_in_metadata_and_status_as_target() -> None:
    dataset = build_dataset("deploy_recovery", 0)
    sample = dataset[0]
    assert sample.metadata is not None and sample.metadata["family"] == "deploy_recovery"
    assert sample.target == "DONE"
    assert sample.files is None


def test_unknown_family_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="deploy_recovery"):
        generate_specs("no_such_family")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("variants: [1, 2", "not valid YAML"),
        ("- just a list\n", "expected a mapping"),
        ("variants:\n  broken: {story: x}\n", "needs 'story' and 'reference'"),
    ],
)
def test_malformed_family_file_names_the_file_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, problem: str
) -> None:
    family = tmp_path / "deploy_recovery"
    family.mkdir()
    (family / "family.yaml").write_text(content)
    monkeypatch.setattr(_data, "family_folder", lambda name: tmp_path / name)
    with pytest.raises(DatasetError, match=problem) as info:
        generate_specs("deploy_recovery", 0)
    assert "family.yaml" in str(info.value)


def test_missing_world_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    programs = tmp_path / "programs"  # the service world's choices, but not its programs
    programs.mkdir()
    shutil.copy(_service_world.PROGRAMS / "choices.yaml", programs)
    monkeypatch.setattr(_service_world, "PROGRAMS", programs)
    with pytest.raises(DatasetError, match="missing world fixture folder"):
        generate_specs("deploy_recovery", 0)


# --- the points budget ---------------------------------------------------------------------


def test_the_proof_checks_and_the_world_budget_make_25() -> None:
    assert sum(PROOF_CHECKS.values()) + WORLD_BUDGET == MAX_POINTS
    assert WORLD_BUDGET == 12


def test_the_document_checks_make_25_with_or_without_a_summary() -> None:
    assert sum(DOCUMENT_CHECKS.values()) == MAX_POINTS
    for summary in (False, True):
        assert sum(document_checks(summary=summary).values()) == MAX_POINTS
    with_summary = document_checks(summary=True)
    assert with_summary["summary_agrees"] == 2
    assert (with_summary["output_valid"], with_summary["checksum"]) == (3, 1)


def test_every_family_declares_world_checks_that_keep_the_budget() -> None:
    for family in registered().values():
        assert declared_problem(family.world_checks) is None, family.name
        document = family.name in {"invoice_reconciliation", "ledger_close"}
        assert bool(family.world_checks) != document, family.name


def test_world_checks_that_break_the_budget_name_the_family_and_variant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    family = get_family("deploy_recovery")
    heavier = {"shipped": {"live_release": 7, "health": 3, "config_in_sync": 3}}
    monkeypatch.setitem(
        _registry._loaded, "deploy_recovery", replace(family, world_checks=heavier)
    )
    with pytest.raises(DatasetError) as info:
        generate_specs("deploy_recovery", 0)
    message = str(info.value)
    assert message.startswith(f"{_data.family_file('deploy_recovery')}: variant 'clean'")
    assert "outcome 'shipped' add up to 13, not 12" in message

    other = {"shipped": {"live_release": 6, "health": 4, "config_in_sync": 2}}
    monkeypatch.setitem(_registry._loaded, "deploy_recovery", replace(family, world_checks=other))
    with pytest.raises(DatasetError, match="variant 'clean' of deploy_recovery: world checks"):
        generate_specs("deploy_recovery", 0)
