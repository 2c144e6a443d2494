"""Worlds: datasets built from the families' folders, setup inside the sandbox.

A family's generator builds on what is exported here: `new_world` draws a service
world (an app, its releases, a live service; `ServiceWorld.spec()` turns it into a
sample), `generate_variants` makes one sample per variant of the family's file, and
`SHIPPED` / `BLOCKED_AT_GATE` are the service world's usual world checks.
"""

from operator_eval.world._data import DatasetError
from operator_eval.world._sample import build_dataset, generate_specs, spec_to_sample
from operator_eval.world._service_world import BLOCKED_AT_GATE, SHIPPED, ServiceWorld, new_world
from operator_eval.world._setup import (
    WorldSetupError,
    build_world,
    snapshot_protected,
    world_cleanup,
    world_setup,
)
from operator_eval.world._variants import dump_json, fill, generate_variants

__all__ = [
    "BLOCKED_AT_GATE",
    "SHIPPED",
    "DatasetError",
    "ServiceWorld",
    "WorldSetupError",
    "build_dataset",
    "build_world",
    "dump_json",
    "fill",
    "generate_specs",
    "generate_variants",
    "new_world",
    "snapshot_protected",
    "spec_to_sample",
    "world_cleanup",
    "world_setup",
]
