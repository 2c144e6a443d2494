"""Generate recovery_faults worlds: a deploy trap to recover from while tools fail mid-way.

A benchboard_hard family. Each variant combines a deploy trap (stale symlink, wrong
artefact, flapping health, unrestarted service, config drift) with a tool fault that
strikes a later step of the recovery, not its first call: a failure that prints the
success it never had, or a success whose answer is lost. Only the world tells which.
"""

from __future__ import annotations

from typing import Any

from operator_eval.contracts._spec import TaskSpec
from operator_eval.world._service_world import new_world
from operator_eval.world._variants import generate_variants

FAMILY = "recovery_faults"


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the recovery_faults samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed: it picks the world (app, versions, layout, config) and,
            where a variant allows, which call of a tool breaks.
    """
    return generate_variants(FAMILY, _build, seed, required=("story", "reference", "traps"))


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    world = new_world(FAMILY, variant, seed)
    world.settings.update(conf.get("settings", {}))
    if conf.get("already_live"):
        world.live_version = world.version
        world.history.append(f"2026-10-2{world.rng.randint(0, 9)} deploy {world.version}")
        if not conf.get("drifted_config"):
            world.live_config_text = world.repo_config_text
    world.add_prebuilt(conf)
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=world.shipped_expected(),
        reference=conf["reference"],
        flawed=conf.get("flawed", {}),
        tool_faults=world.draw_faults(conf["faults"]),
        facts=world.shipped_facts(),
    )
