"""What every suite task shares: the members of `datasets/<suite>/suite.yaml` as one task."""

from __future__ import annotations

from inspect_ai import Task

from operator_eval.tasks._family import operator_task
from operator_eval.tasks._params import check_params
from operator_eval.world._data import load_family_yaml
from operator_eval.world._sample import dataset_of
from operator_eval.world._suite import load_suite, suite_specs


def suite_task(suite_name: str, seed: int, *, graph: str, max_steps: int, sandbox: str) -> Task:
    """The task of a suite: its members' samples for `seed`, each family's version recorded."""
    params = check_params(suite_name, seed=seed, graph=graph, max_steps=max_steps, sandbox=sandbox)
    suite = load_suite(suite_name)
    versions = {f: str(load_family_yaml(f, required=()).get("version", "1")) for f in suite.members}
    return operator_task(
        dataset_of(suite_specs(suite_name, params.seed), name=f"{suite_name}-s{params.seed}"),
        graph=params.graph,
        max_steps=params.max_steps,
        sandbox=params.sandbox,
        metadata={"suite": suite_name, "suite_version": suite.version, "families": versions},
        version=suite.version,
    )
