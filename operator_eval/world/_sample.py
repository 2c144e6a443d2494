"""Turn TaskSpecs into an Inspect dataset (answer key kept in metadata, out of the sandbox)."""

from __future__ import annotations

from inspect_ai.dataset import MemoryDataset, Sample

from operator_eval.contracts._points import declared_problem, world_checks_problem
from operator_eval.contracts._spec import TaskSpec
from operator_eval.families import Family, get_family
from operator_eval.world._data import DatasetError, family_file


def generate_specs(family: str, seed: int = 0) -> list[TaskSpec]:
    """Generate the specs of `family` for `seed` (its folder's `world.generate`).

    Each sample's world checks are checked against the points budget: they must be one
    of the family's declared outcomes, adding up to the world's share of 25.

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
        DatasetError: naming the family file and the variant whose checks break the budget.
    """
    declared = get_family(family)
    specs = declared.generate(seed)
    for spec in specs:
        check_budget(declared, spec)
    return specs


def check_budget(family: Family, spec: TaskSpec) -> None:
    """Refuse a sample whose world checks break the points budget (`contracts._points`).

    Raises:
        DatasetError: `<family.yaml>: variant '<name>': <what does not add up>`.
    """
    expected = spec.expected
    groups = (expected.live, expected.files, expected.cites, expected.forbid)
    checks = [(check.name, check.weight) for group in groups for check in group]
    problem = declared_problem(family.world_checks) or world_checks_problem(
        checks, family.world_checks, document=expected.output is not None
    )
    if problem:
        path = family_file(family.name)
        raise DatasetError(
            f"{path}: variant {spec.variant!r} of {family.name}: {problem}", path=path
        )


def spec_to_sample(spec: TaskSpec) -> Sample:
    """Build the Inspect sample: the ticket as input, the spec as metadata.

    Files are not attached as `Sample.files`: world setup writes them and starts
    the service, so that docker and k8s sandboxes get the same world.
    """
    return Sample(
        id=spec.id,
        input=spec.prompt,
        target=spec.expected.status,
        metadata=spec.model_dump(mode="json"),
    )


def build_dataset(family: str, seed: int = 0) -> MemoryDataset:
    """Return the dataset of `family` for `seed` (stable sample ids)."""
    return dataset_of(generate_specs(family, seed), name=f"{family}-s{seed}")


def dataset_of(specs: list[TaskSpec], name: str) -> MemoryDataset:
    """An Inspect dataset of `specs`, in order."""
    return MemoryDataset([spec_to_sample(s) for s in specs], name=name, shuffled=False)
