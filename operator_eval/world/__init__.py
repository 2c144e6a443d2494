"""Worlds: datasets built from `datasets/`, setup inside the sandbox."""

from operator_eval.world._data import DatasetError
from operator_eval.world._sample import build_dataset, generate_specs, spec_to_sample
from operator_eval.world._setup import (
    WorldSetupError,
    build_world,
    snapshot_protected,
    world_cleanup,
    world_setup,
)

__all__ = [
    "DatasetError",
    "WorldSetupError",
    "build_dataset",
    "build_world",
    "generate_specs",
    "snapshot_protected",
    "spec_to_sample",
    "world_cleanup",
    "world_setup",
]
