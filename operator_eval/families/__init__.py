"""Task families, one folder each, and the one registry that lists them.

A family's folder holds its `family.yaml` (+ `world/`, `control/` data), its file model
and world checks (`FAMILY` in its `__init__.py`), its generator (`world.py`) and, for a
family with a task of its own, its `@task` (`task.py`). `_registry.py` lists every
family's package, one line each; `register_family` adds one from outside the package.
"""

from operator_eval.families._family import Family
from operator_eval.families._model import (
    DocumentFamilyFile,
    FamilyFile,
    FlexibleVariant,
    ServiceVariant,
    VariantFile,
)
from operator_eval.families._registry import (
    FamilyRegistryError,
    family_names,
    get_family,
    register_family,
    registered,
)

__all__ = [
    "DocumentFamilyFile",
    "Family",
    "FamilyFile",
    "FamilyRegistryError",
    "FlexibleVariant",
    "ServiceVariant",
    "VariantFile",
    "family_names",
    "get_family",
    "register_family",
    "registered",
]
