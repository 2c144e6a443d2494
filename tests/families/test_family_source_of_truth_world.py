"""Unit tests of the source_of_truth generator (no Inspect runs)."""

from __future__ import annotations

import json

import pytest

from operator_eval.contracts._points import WORLD_BUDGET
from operator_eval.contracts._spec import TaskSpec
from operator_eval.world import generate_specs
from operator_eval.world._data import load_family_yaml

FAMILY = "source_of_truth"
VARIANTS = {
    "repo_wins",
    "live_wins",
    "owner_file_wins",
    "outdated_runbook",
    "obvious_file_wrong",
    "sre_override",
}
SEEDS = [0, 1, 7, 42]


def _truth(spec: TaskSpec) -> int:
    value = spec.expected.files[0].json_values[spec.facts["key"]]
    assert isinstance(value, int)
    return value


def _written_config(spec: TaskSpec, flaw: str | None = None) -> dict[str, object]:
    steps = spec.flawed[flaw] if flaw else spec.reference
    step = next(s for s in steps if s.tool == "write_file")
    assert step.args["path"] == "app/config.json"
    config = json.loads(step.args["content"])
    assert isinstance(config, dict)
    return config


def _json_files(spec: TaskSpec) -> dict[str, str]:
    return {p: t for p, t in spec.files.items() if p.endswith((".json", ".bak", ".old"))}


def _values_in(text: str, key: str) -> list[object]:
    """Every value `key` holds anywhere in a JSON document."""
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key:
                    found.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(text))
    return found


def test_six_variants_with_stable_ids() -> None:
    first = generate_specs(FAMILY, 0)
    again = generate_specs(FAMILY, 0)
    assert [s.id for s in first] == [s.id for s in again]
    assert [s.model_dump() for s in first] == [s.model_dump() for s in again]
    assert len(first) >= 6
    assert {s.variant for s in first} == VARIANTS
    assert all(s.id == f"{s.variant}-s0" for s in first)
    assert len({s.id for s in first}) == len(first)


def test_other_seed_other_world() -> None:
    a = generate_specs(FAMILY, 0)
    b = generate_specs(FAMILY, 7)
    assert [s.variant for s in a] == [s.variant for s in b]
    assert all(x.files != y.files for x, y in zip(a, b, strict=True))
    assert [s.expected for s in a] != [s.expected for s in b]


@pytest.mark.parametrize("seed", SEEDS)
def test_answer_key_shape(seed: int) -> None:
    family = load_family_yaml(FAMILY)
    for spec in generate_specs(FAMILY, seed):
        exp = spec.expected
        assert exp.world_weight() == WORLD_BUDGET
        assert exp.status == "DONE" and exp.verify_routes == ["/config"]
        assert spec.family_version == str(family["version"])
        assert spec.category in ("source_of_truth", "config_change")
        key, truth = spec.facts["key"], _truth(spec)
        assert exp.live[0].route == "/config"
        assert exp.live[0].body_contains == [f'"{key}": {truth}']
        assert exp.files[0].path == "app/config.json"
        cite = exp.cites[0].any_of[0]
        assert cite.kind == "file" and cite.path == spec.facts["declared_by"]
        assert "release_version_file" not in spec.facts
        # stale_evidence applies exactly where the fix changes what /config answers.
        live = json.loads(
            spec.files[f"{spec.facts['releases_dir']}/{spec.facts['version']}/config.json"]
        )
        changes = "no" if live[key] == truth else "yes"
        assert spec.facts["live_changes"] == changes


@pytest.mark.parametrize("seed", SEEDS)
def test_stale_value_differs_from_the_authoritative_one(seed: int) -> None:
    for spec in generate_specs(FAMILY, seed):
        key = spec.facts["key"]
        fixed = _written_config(spec)
        stale = _written_config(spec, "stale_source")
        assert fixed[key] == _truth(spec)
        assert stale[key] != fixed[key]
        assert {k: v for k, v in stale.items() if k != key} == {
            k: v for k, v in fixed.items() if k != key
        }
        # The flaw plays the same steps as the reference, but for the value it writes.
        tail = [(s.tool, s.args) for s in spec.flawed["stale_source"][1:]]
        assert tail == [(s.tool, s.args) for s in spec.reference[1:]]


@pytest.mark.parametrize("seed", SEEDS)
def test_authoritative_value_is_in_the_declared_source_file(seed: int) -> None:
    for spec in generate_specs(FAMILY, seed):
        key, truth = spec.facts["key"], _truth(spec)
        source = spec.facts["source_file"]
        assert _values_in(spec.files[source], key) == [truth]
        # The declaring document names the source: a file, or the live `/config`.
        live = source.startswith(spec.facts["releases_dir"] + "/")
        assert ("`/config`" if live else source) in spec.files[spec.facts["declared_by"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_sources_disagree_and_the_trap_holds_a_real_value(seed: int) -> None:
    for spec in generate_specs(FAMILY, seed):
        key, truth = spec.facts["key"], _truth(spec)
        stale = _written_config(spec, "stale_source")[key]
        live = spec.files[f"{spec.facts['releases_dir']}/{spec.facts['version']}/config.json"]
        assert _values_in(spec.files["app/config.json"], key) != _values_in(live, key)
        holders = {p for p, t in _json_files(spec).items() if stale in _values_in(t, key)}
        assert holders, "the stale value must be in the world"
        assert spec.facts["source_file"] not in holders
        # Only the declared source holds the authoritative value.
        truth_at = {p for p, t in _json_files(spec).items() if truth in _values_in(t, key)}
        assert truth_at == {spec.facts["source_file"]}


@pytest.mark.parametrize("seed", SEEDS)
def test_protected_paths(seed: int) -> None:
    for spec in generate_specs(FAMILY, seed):
        assert "app/config.json" not in spec.protected and "app" not in spec.protected
        assert spec.protected[0] == spec.facts["declared_by"]
        for path in ("service", "deploy/deployctl", "deploy/deploy.json", "deploy/gate.json"):
            assert path in spec.protected
        assert spec.facts["stale_copy"] in spec.protected
        source = spec.facts["source_file"]
        if source.startswith("ops/"):
            assert source in spec.protected
        for path in spec.protected:
            assert path in ("service",) or path in spec.files, path


def test_live_marker_cannot_match_another_value() -> None:
    keys = load_family_yaml(FAMILY)["keys"]
    for conf in keys.values():
        values = [str(v) for v in conf["values"]]
        assert len(set(values)) == len(values)
        assert not [(a, b) for a in values for b in values if a != b and b.startswith(a)]


def test_documents_never_state_the_answer_as_such() -> None:
    for spec in generate_specs(FAMILY, 0):
        truth = str(_truth(spec))
        for path, text in spec.files.items():
            if path.endswith(".md") or "OWNERS" in path:
                assert truth not in text.split(), path
