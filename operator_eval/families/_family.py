"""What a family's folder declares about itself (`FAMILY = Family(...)` in its `__init__.py`).

A family is one folder (a package): `family.yaml` (+ `world/`, `control/` data), its
typed file model, `world.py` with `generate(seed)`, its world checks and their weights,
and, for a family with a task of its own, `task.py`. The registry
(`families/_registry.py`) finds it by its package name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from operator_eval.contracts._points import WorldChecks
from operator_eval.families._model import FamilyFile

if TYPE_CHECKING:
    from inspect_ai import Task

    from operator_eval.contracts._spec import TaskSpec


@dataclass(frozen=True)
class Family:
    """One task family, as its folder declares it.

    Attributes:
        name: The family's name (its folder's name, sample metadata, suite members).
        file_model: The pydantic model of its `family.yaml` (the keys it reads).
        world_checks: Its world checks as data: per kind of outcome, check -> weight.
            Every sample's world checks must be one of them, adding up to the world
            budget (`operator_eval.contracts._points.WORLD_BUDGET`); none for document
            work, whose deliverable's checks carry all 25 points.
        has_task: Whether its folder has a `task.py` with a `@task` of its name (the
            others run in a suite only).
        package: The family's package (set by the registry).
    """

    name: str
    file_model: type[FamilyFile]
    world_checks: WorldChecks = field(default_factory=lambda: MappingProxyType({}))
    has_task: bool = False
    package: str = ""

    @property
    def folder(self) -> Path:
        """The family's folder: `family.yaml`, `world/`, `control/` live here."""
        module = import_module(self.package)
        return Path(cast(str, module.__file__)).resolve().parent

    def generate(self, seed: int) -> list[TaskSpec]:
        """The family's samples for `seed` (its `world.generate`)."""
        generate = cast(
            "Callable[[int], list[TaskSpec]]", import_module(f"{self.package}.world").generate
        )
        return generate(seed)

    def task(self) -> Callable[..., Task] | None:
        """The family's `@task` function (importing it registers it with Inspect), or None."""
        if not self.has_task:
            return None
        module = import_module(f"{self.package}.task")
        return cast("Callable[..., Task]", getattr(module, self.name))
