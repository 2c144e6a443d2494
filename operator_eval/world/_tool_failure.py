"""Generate tool_failure worlds: a deploy while the tools misbehave on a seeded schedule."""

from __future__ import annotations

from typing import Any

from operator_eval.world._data import load_family_yaml
from operator_eval.world._deploy_world import fill, new_world
from operator_eval.world._spec import Expected, TaskSpec

FAMILY = "tool_failure"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the tool_failure samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed: it picks the world and, where a variant allows, which
            call of a tool breaks.
    """
    family = load_family_yaml(FAMILY)
    return [_build(family, variant, conf, seed) for variant, conf in family["variants"].items()]


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.settings.update(conf.get("settings", {}))
    app, version = world.app, world.version
    if "prebuilt_artifact_version" in conf:
        prebuilt = fill(conf["prebuilt_artifact_version"], world.names)
        world.files[f"build/{app}-{version}/VERSION"] = f"{prebuilt}\n"
        world.files[f"build/{app}-{version}/config.json"] = world.repo_config_text
    if conf.get("old_artifact"):
        world.files[f"build/{app}-{world.old_version}/VERSION"] = f"{world.old_version}\n"
        world.files[f"build/{app}-{world.old_version}/config.json"] = world.live_config_text
    faults = []
    for fault in conf["faults"]:
        fault = dict(fault)
        choices = fault.pop("call_choices", None)
        if choices:
            fault["call"] = world.rng.choice(choices)
        faults.append(fault)
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=Expected(
            status="DONE", live=world.standard_live(), verify_routes=["/", "/config"]
        ),
        reference=conf["reference"],
        flawed=conf.get("flawed", {}),
        tool_faults=faults,
        facts={"release_version_file": f"{world.releases_dir}/{version}/VERSION"},
    )
