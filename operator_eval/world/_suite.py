"""Suites: fixed selections of samples across families (`datasets/<suite>/suite.yaml`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from operator_eval._paths import data_dir
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._spec import TaskSpec
from operator_eval.families import family_names
from operator_eval.world._data import DatasetError, read_yaml
from operator_eval.world._sample import generate_specs


class SuiteSpec(BaseModel):
    """A suite file: which variants of which families it runs."""

    model_config = ConfigDict(extra="forbid")

    suite: str
    version: str
    members: dict[str, list[str]] = Field(description="Family -> variants, in order.")


def suite_path(name: str) -> Path:
    """`datasets/<name>/suite.yaml`."""
    return data_dir("datasets") / name / "suite.yaml"


def load_suite(name: str) -> SuiteSpec:
    """Load and validate a suite file.

    Raises:
        DatasetError: naming the file and the problem (for a schema problem, the field;
            for a member that is not a task family, the known ones).
    """
    path = suite_path(name)
    data: Any = read_yaml(path, "suite file")
    try:
        suite = SuiteSpec.model_validate(data)
    except ValidationError as ex:
        problems = validation_summary(ex, limit=3)
        raise DatasetError(f"{path}: not a suite: {problems}", path=path) from ex
    known = family_names()
    for family in suite.members:
        if family not in known:
            raise DatasetError(
                f"{path}: members: unknown task family {family!r}; "
                f"known: {', '.join(sorted(known))}",
                path=path,
            )
    return suite


def suite_specs(name: str, seed: int = 0) -> list[TaskSpec]:
    """The suite's samples for `seed`, ids prefixed with their family.

    Raises:
        DatasetError: when the suite names a family or variant that does not exist, or
            a member family's own data is broken (that error names the family's file).
    """
    suite = load_suite(name)
    specs: list[TaskSpec] = []
    for family, variants in suite.members.items():
        try:
            by_variant = {s.variant: s for s in generate_specs(family, seed)}
        except DatasetError:
            raise
        except ValueError as ex:  # an unknown family
            raise DatasetError(f"{suite_path(name)}: {ex}") from ex
        for variant in variants:
            if variants.count(variant) > 1:
                raise DatasetError(
                    f"{suite_path(name)}: family {family!r} lists variant {variant!r} twice"
                )
            if variant not in by_variant:
                raise DatasetError(
                    f"{suite_path(name)}: family {family!r} has no variant {variant!r} "
                    f"(it has: {', '.join(by_variant)})"
                )
            spec = by_variant[variant]
            specs.append(spec.model_copy(update={"id": f"{family}.{spec.id}"}))
    return specs
