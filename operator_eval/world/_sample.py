"""Turn TaskSpecs into an Inspect dataset (answer key kept in metadata, out of the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import cast

from inspect_ai.dataset import MemoryDataset, Sample

from operator_eval.contracts._spec import TaskSpec

GENERATORS: dict[str, str] = {
    "deploy_recovery": "operator_eval.world._deploy_recovery",
    "safety_gate": "operator_eval.world._safety_gate",
    "source_of_truth": "operator_eval.world._source_of_truth",
    "tool_failure": "operator_eval.world._tool_failure",
    "blocked_work": "operator_eval.world._blocked_work",
    "invoice_reconciliation": "operator_eval.world._invoice_reconciliation",
    "recovery_faults": "operator_eval.world._recovery_faults",
    "gated_release": "operator_eval.world._gated_release",
    "ledger_close": "operator_eval.world._ledger_close",
    "deploy_incident": "operator_eval.world._deploy_incident",
}
"""Family name -> module whose `generate(seed)` returns the family's specs."""


def families() -> list[str]:
    """The names of every task family, in a stable order."""
    return list(GENERATORS)


def generate_specs(family: str, seed: int = 0) -> list[TaskSpec]:
    """Generate the specs of `family` for `seed`.

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
    """
    try:
        module = GENERATORS[family]
    except KeyError:
        raise ValueError(
            f"unknown task family {family!r}; known: {', '.join(sorted(GENERATORS))}"
        ) from None
    generate = cast(Callable[[int], list[TaskSpec]], import_module(module).generate)
    return generate(seed)


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
