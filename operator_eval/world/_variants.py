"""What every family generator shares, whatever world it builds: one sample per variant.

`generate_variants` walks a family file's variants with errors that name the file and
the variant; `fill`, `dump_json` and `sha256_text` are how worlds write their text.
Nothing here builds a world: the service world is `_service_world.py`, document worlds
build their own folders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from operator_eval.contracts._spec import TaskSpec
from operator_eval.world._data import DatasetError, load_family_yaml, variant_errors


def fill(value: Any, names: dict[str, str]) -> Any:
    """Fill `{placeholders}` in every string of a YAML value."""
    if isinstance(value, str):
        try:
            return value.format(**names)
        except (KeyError, IndexError, ValueError) as ex:
            raise DatasetError(f"bad placeholder in {value[:80]!r}: {ex!r}") from ex
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    return value


def dump_json(data: Any) -> str:
    """JSON as the world writes it (sorted keys, two-space indent)."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def sha256_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


VariantBuilder = Callable[[dict[str, Any], str, dict[str, Any], int], TaskSpec]
"""Builds one sample from (family.yaml, variant name, variant YAML, seed)."""


def generate_variants(
    family: str,
    build: VariantBuilder,
    seed: int,
    required: tuple[str, ...] = ("story", "reference"),
) -> list[TaskSpec]:
    """One sample per variant of the family's `family.yaml`, in file order.

    Args:
        family: The family name.
        build: Builds one sample.
        seed: Instance seed.
        required: Keys every variant of the family file must have.

    Raises:
        DatasetError: naming the family file (and the variant) for any problem with its data.
    """
    data = load_family_yaml(family, required)
    specs = []
    for variant, conf in data["variants"].items():
        with variant_errors(family, variant):
            specs.append(build(data, variant, conf, seed))
    return specs
