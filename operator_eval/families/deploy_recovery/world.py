"""Generate deploy_recovery worlds from its `family.yaml` and a seed."""

from __future__ import annotations

from typing import Any

from operator_eval.contracts._spec import TaskSpec
from operator_eval.world._service_world import new_world
from operator_eval.world._variants import generate_variants

FAMILY = "deploy_recovery"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the deploy_recovery samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed. The same seed always gives the same worlds and ids.
    """
    return generate_variants(FAMILY, _build, seed)


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.settings.update(conf.get("settings", {}))
    if conf.get("already_live"):
        world.live_version = world.version
        world.history.append(f"2026-10-2{world.rng.randint(0, 9)} deploy {world.version}")
    if not conf.get("drifted_config") and world.live_version == world.version:
        world.live_config_text = world.repo_config_text
    world.add_prebuilt(conf)
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=world.shipped_expected(),
        reference=conf["reference"],
        facts=world.shipped_facts(),
    )


__all__ = ["generate"]
