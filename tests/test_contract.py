"""The agent's contract in every prompt: the schema it must write, the routes a DONE cites."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from operator_eval.contracts import TaskSpec
from operator_eval.scorers import (
    Claim,
    CommandEvidence,
    EvidenceRef,
    Exclusion,
    FileEvidence,
    HttpEvidence,
    InvoiceEntry,
    Proof,
    Reconciliation,
)
from operator_eval.world import build_dataset
from operator_eval.world._contract import PROOF_SCHEMA, RECONCILIATION_SCHEMA

OPERATOR_FAMILIES = ["deploy_recovery", "safety_gate", "source_of_truth", "tool_failure"]
FAMILIES = [*OPERATOR_FAMILIES, "blocked_work", "invoice_reconciliation"]


def specs(family: str, seed: int) -> list[TaskSpec]:
    return [TaskSpec.model_validate(s.metadata) for s in build_dataset(family, seed)]


@pytest.mark.parametrize(
    ("schema", "models"),
    [
        (PROOF_SCHEMA, [Proof, FileEvidence, HttpEvidence, CommandEvidence, Claim]),
        (RECONCILIATION_SCHEMA, [Reconciliation, InvoiceEntry, EvidenceRef, Exclusion]),
    ],
)
def test_the_schema_in_the_prompt_names_every_field_of_the_model(
    schema: str, models: list[type[BaseModel]]
) -> None:
    named = set(re.findall(r'"([a-z_0-9]+)"', schema))
    for model in models:
        missing = set(model.model_fields) - named
        assert not missing, f"{model.__name__}: {missing} missing from the prompt's schema"


@pytest.mark.parametrize("family", FAMILIES)
def test_no_prompt_sends_the_agent_to_a_command_the_sandbox_lacks(family: str) -> None:
    for spec in specs(family, 0):
        assert "operator-eval schema" not in spec.prompt


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("seed", [0, 7919])
def test_the_routes_a_done_must_cite_are_the_routes_the_prompt_names(
    family: str, seed: int
) -> None:
    contracts = set()
    for spec in specs(family, seed):
        contract = spec.prompt[spec.prompt.index("## How to finish") :]
        contracts.add(re.sub(r"`[^`]*proof[^`]*\.json`", "`PROOF`", contract))
        if spec.expected.status == "DONE" and spec.expected.output is None:
            named = re.search(
                r"A DONE proof must include, for each of (.*?), an `http` item", contract
            )
            assert named, spec.id
            assert re.findall(r"`([^`]+)`", named.group(1)) == spec.expected.verify_routes
    # One contract per family (up to the proof path): it tells nothing of the answer key.
    assert len(contracts) == 1, f"{family}: the contract differs between samples"
