"""Generate tool_failure worlds: a deploy while the tools misbehave on a seeded schedule."""

from __future__ import annotations

from typing import Any

from operator_eval.contracts._spec import TaskSpec
from operator_eval.world._service_world import new_world
from operator_eval.world._variants import generate_variants

FAMILY = "tool_failure"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the tool_failure samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed: it picks the world and, where a variant allows, which
            call of a tool breaks.
    """
    return generate_variants(FAMILY, _build, seed)


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.settings.update(conf.get("settings", {}))
    world.add_prebuilt(conf)
    if conf.get("old_artifact"):
        old = world.old_version
        world.add_artefact(old, old, world.live_config_text)
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=world.shipped_expected(),
        reference=conf["reference"],
        flawed=conf.get("flawed", {}),
        tool_faults=world.draw_faults(conf["faults"]),
        facts=world.shipped_facts(),
    )
