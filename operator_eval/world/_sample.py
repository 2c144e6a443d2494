"""Turn TaskSpecs into an Inspect dataset (answer key kept in metadata, out of the sandbox)."""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai.dataset import MemoryDataset, Sample

from operator_eval.world._deploy_recovery import generate as generate_deploy_recovery
from operator_eval.world._spec import TaskSpec

GENERATORS: dict[str, Callable[[int], list[TaskSpec]]] = {
    "deploy_recovery": generate_deploy_recovery,
}


def generate_specs(family: str, seed: int = 0) -> list[TaskSpec]:
    """Generate the specs of `family` for `seed`.

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
    """
    try:
        generator = GENERATORS[family]
    except KeyError:
        raise ValueError(
            f"unknown task family {family!r}; known: {', '.join(sorted(GENERATORS))}"
        ) from None
    return generator(seed)


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
    specs = generate_specs(family, seed)
    return MemoryDataset(
        [spec_to_sample(s) for s in specs], name=f"{family}-s{seed}", shuffled=False
    )
