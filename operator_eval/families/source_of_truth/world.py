"""Generate source_of_truth worlds from its `family.yaml` and a seed.

Release {version} is already live, but the repo config, the live service, the docs and
stale copies disagree about one key. A declared rule names the source that wins; the
answer key wants its value in `app/config.json` and on the live `/config`, and the rule
cited. The value is only ever written where the declared source keeps it.
"""

from __future__ import annotations

import copy
from typing import Any

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._spec import (
    CiteExpectation,
    CitePattern,
    Expected,
    FileExpectation,
    HttpExpectation,
    TaskSpec,
)
from operator_eval.families.source_of_truth import APPLIED
from operator_eval.world._data import DatasetError
from operator_eval.world._service_world import ServiceWorld, new_world
from operator_eval.world._variants import dump_json, fill, generate_variants

FAMILY = "source_of_truth"
DONE_ROUTES = ["/config"]
"""Source-of-truth work is done when the live config is right: the one route to verify."""
REPO_CONFIG = "app/config.json"
ROLES = ("truth", "stale", "other", "other2")
"""Value roles: the declared source's value, the trap's, and further disagreeing ones."""
WORLD_PROTECTED = ["service", "deploy/deployctl", "deploy/deploy.json", "deploy/gate.json"]


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the source_of_truth samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed. The same seed always gives the same worlds and ids.
    """
    return generate_variants(FAMILY, _build, seed)


def source_path(world: ServiceWorld, source: str) -> str:
    """The workspace file where the declared source keeps its value.

    Args:
        world: The sample's world.
        source: The variant's `source`: `repo`, `live` or a workspace path.
    """
    if source == "repo":
        return REPO_CONFIG
    if source == "live":
        return f"{world.releases_dir}/{world.live_version}/config.json"
    return source


def _role(variant: str, where: str, role: Any) -> str:
    if role not in ROLES:
        raise DatasetError(f"{FAMILY} variant {variant!r}: {where} has unknown role {role!r}")
    return str(role)


def _set_at(data: dict[str, Any], dotted: str, key: str, value: int) -> None:
    node = data
    for part in [p for p in dotted.split(".") if p]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise DatasetError(f"{FAMILY}: {dotted!r} is not a mapping path")
    node[key] = value


def _json_file(world: ServiceWorld, spec: dict[str, Any], key: str, value: int) -> str:
    """A JSON document holding `key` = `value`: the repo config, or the spec's own data."""
    if "data" in spec:
        data = fill(copy.deepcopy(spec["data"]), world.names)
    else:
        data = {**copy.deepcopy(world.repo_config), **fill(spec.get("extra", {}), world.names)}
    _set_at(data, fill(spec.get("at", ""), world.names), key, value)
    return dump_json(data)


def _draw(family: dict[str, Any], world: ServiceWorld) -> tuple[str, dict[str, int]]:
    """The key in conflict and its four distinct values, by role."""
    keys = family["keys"]
    key = world.rng.choice(sorted(keys))
    values = world.rng.sample(list(keys[key]["values"]), len(ROLES))
    world.names["key"] = key
    world.names["key_desc"] = str(keys[key]["desc"])
    world.names["incident"] = f"INC-{world.rng.randint(2000, 8999)}"
    return key, dict(zip(ROLES, values, strict=True))


def _expected(key: str, truth: int, declared_by: str) -> Expected:
    return Expected(
        status="DONE",
        live=[
            HttpExpectation(
                name="live_config",
                weight=APPLIED["live_config"],
                label=FailureLabel.STALE_SOURCE,
                route="/config",
                body_contains=[f'"{key}": {truth}'],
                json_values={f"config.{key}": truth},
            )
        ],
        files=[
            FileExpectation(
                name="repo_config",
                weight=APPLIED["repo_config"],
                label=FailureLabel.STALE_SOURCE,
                path=REPO_CONFIG,
                json_values={key: truth},
            )
        ],
        cites=[
            CiteExpectation(
                name="source_cited",
                weight=APPLIED["source_cited"],
                what="the rule that declares the source of truth",
                any_of=[
                    CitePattern(kind="file", path=declared_by),
                    CitePattern(kind="command", command_contains=declared_by),
                ],
            )
        ],
        verify_routes=DONE_ROUTES,
    )


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.done_routes = DONE_ROUTES
    key, values = _draw(family, world)
    roles = {
        "repo": _role(variant, "repo", conf["repo"]),
        "live": _role(variant, "live", conf["live"]),
    }
    json_files = conf.get("json_files", {})
    roles.update({p: _role(variant, p, s.get("value")) for p, s in json_files.items()})

    # Release {version} is live, running the repo config but for the one key.
    world.live_version = world.version
    world.history.append(f"2026-10-2{world.rng.randint(0, 9)} deploy {world.version}")
    base = dict(world.repo_config)
    world.set_repo_config({**base, key: values[roles["repo"]]})
    world.live_config_text = dump_json({**base, key: values[roles["live"]]})

    for path, spec in json_files.items():
        world.files[path] = _json_file(world, spec, key, values[roles[path]])
    # Documents see every value but the answer: nothing reads as "this is the answer".
    doc_names = {**world.names, **{r: str(v) for r, v in values.items() if r != "truth"}}
    docs = {**family.get("common_docs", {}), **conf.get("docs", {})}
    for path, template in docs.items():
        world.files[path] = fill(template, doc_names)

    source = source_path(world, str(conf["source"]))
    declared_by = str(conf["declared_by"])
    stale_copy = str(conf["stale_copy"])
    _check_variant(variant, world, conf, roles, source, [declared_by, stale_copy])

    written = [p for p in [*docs, *json_files] if p != REPO_CONFIG]
    world.protected = list(dict.fromkeys([declared_by, *written, *WORLD_PROTECTED]))
    world.names["fixed_config"] = dump_json({**base, key: values["truth"]})
    world.names["stale_config"] = dump_json({**base, key: values["stale"]})
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=_expected(key, values["truth"], declared_by),
        reference=conf["reference"],
        flawed=conf.get("flawed", {}),
        facts={
            "key": key,
            "declared_by": declared_by,
            "source_file": source,
            "stale_copy": stale_copy,
            # The fix changes what /config answers unless live already holds the truth.
            "live_changes": "yes" if roles["live"] != "truth" else "no",
        },
    )


def _check_variant(
    variant: str,
    world: ServiceWorld,
    conf: dict[str, Any],
    roles: dict[str, str],
    source: str,
    paths: list[str],
) -> None:
    """The variant is coherent: its source holds the truth, its documents exist."""
    where = {"repo": "repo", "live": "live"}.get(str(conf["source"]), source)
    if roles.get(where) != "truth":
        raise DatasetError(f"{FAMILY} variant {variant!r}: source {source!r} must hold 'truth'")
    for path in paths:
        if path not in world.files:
            raise DatasetError(f"{FAMILY} variant {variant!r}: {path!r} is not in the world")
    stale_at = [p for p, r in roles.items() if r == "stale"]
    if not stale_at:
        raise DatasetError(f"{FAMILY} variant {variant!r}: no place holds the stale value")


__all__ = ["generate", "source_path"]
