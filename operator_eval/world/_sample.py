"""Turn TaskSpecs into an Inspect dataset (answer key kept in metadata, out of the sandbox)."""

from __future__ import annotations

from inspect_ai.dataset import MemoryDataset, Sample

from operator_eval.contracts._spec import TaskSpec
from operator_eval.families import family_names, get_family


def families() -> list[str]:
    """The names of every task family, in a stable order (the family registry's)."""
    return family_names()


def generate_specs(family: str, seed: int = 0) -> list[TaskSpec]:
    """Generate the specs of `family` for `seed` (its folder's `world.generate`).

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
    """
    return get_family(family).generate(seed)


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
