"""Generate deploy_recovery worlds from `datasets/deploy_recovery/` and a seed."""

from __future__ import annotations

from typing import Any

from operator_eval.world._data import load_family_yaml
from operator_eval.world._deploy_world import fill, new_world
from operator_eval.world._spec import Expected, TaskSpec

FAMILY = "deploy_recovery"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the deploy_recovery samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed. The same seed always gives the same worlds and ids.
    """
    family = load_family_yaml(FAMILY)
    return [_build(family, variant, conf, seed) for variant, conf in family["variants"].items()]


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.settings.update(conf.get("settings", {}))
    if conf.get("already_live"):
        world.live_version = world.version
        world.history.append(f"2026-10-2{world.rng.randint(0, 9)} deploy {world.version}")
    if not conf.get("drifted_config") and world.live_version == world.version:
        world.live_config_text = world.repo_config_text
    if "prebuilt_artifact_version" in conf:
        prebuilt = fill(conf["prebuilt_artifact_version"], world.names)
        artefact = f"build/{world.app}-{world.version}"
        world.files[f"{artefact}/VERSION"] = f"{prebuilt}\n"
        world.files[f"{artefact}/config.json"] = world.repo_config_text
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=Expected(
            status="DONE", live=world.standard_live(), verify_routes=["/", "/config"]
        ),
        reference=conf["reference"],
        facts={
            "release_version_file": f"{world.releases_dir}/{world.version}/VERSION",
            "live_changes": "yes",
        },
    )


__all__ = ["generate"]
