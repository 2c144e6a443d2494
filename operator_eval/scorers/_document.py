"""The 25-point score of document work: the deliverable's checks instead of the proof's (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._points import document_checks
from operator_eval.contracts._reconciliation import Reconciliation
from operator_eval.contracts._spec import Expected, OutputContract
from operator_eval.scorers._reconciliation import (
    Finding,
    check_checksum,
    check_documents,
    check_evidence_refs,
    check_payments,
    stray_outputs,
)
from operator_eval.scorers._score import (
    Check,
    OperatorResult,
    check_protected,
    check_status,
    combine,
    diff_trees,
    make_check,
)
from operator_eval.scorers._status import ClaimedStatus
from operator_eval.scorers._summary import check_summary

MAX_OUTPUT_BYTES = 1024 * 1024


class OutputRead:
    """What the gatherer found for the deliverable."""

    def __init__(
        self, raw: bytes | None, *, elsewhere: Sequence[str] = (), error: str | None = None
    ) -> None:
        """Record the output's bytes (None: missing), copies found elsewhere, a read error."""
        self.raw = raw
        self.elsewhere = list(elsewhere)
        self.error = error


def _weights(contract: OutputContract) -> Mapping[str, int]:
    # The points budget's table (`contracts._points`); a summary takes points from others.
    return document_checks(summary=contract.summary_path is not None)


def parse_output(
    contract: OutputContract, found: OutputRead
) -> tuple[Reconciliation | None, Check]:
    """Parse the deliverable at its exact path; the check says why it is unusable."""
    path = contract.path
    weight = _weights(contract)["output_valid"]

    def failed(reason: str, label: FailureLabel) -> tuple[None, Check]:
        return None, make_check("output_valid", weight, False, reason, label)

    if found.raw is None:
        if found.elsewhere:
            shown = ", ".join(found.elsewhere[:3])
            return failed(
                f"{path} missing; found {shown} instead", FailureLabel.ARTIFACT_WRONG_PATH
            )
        return failed(f"{path}: {found.error or 'no such file'}", FailureLabel.ARTIFACT_MISSING)
    if len(found.raw) > MAX_OUTPUT_BYTES:
        return failed(f"{path}: over {MAX_OUTPUT_BYTES} bytes", FailureLabel.ARTIFACT_NOT_JSON)
    try:
        # utf-8-sig: a byte-order mark in front of valid JSON is still valid JSON.
        data = json.loads(found.raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as ex:
        return failed(f"{path}: not JSON: {str(ex)[:120]}", FailureLabel.ARTIFACT_NOT_JSON)
    try:
        output = Reconciliation.model_validate(data)
    except ValidationError as ex:
        problems = validation_summary(ex, limit=3)
        return failed(
            f"{path}: does not match the {contract.schema_name} schema: {problems}",
            FailureLabel.ARTIFACT_INVALID,
        )
    return output, make_check("output_valid", weight, True, f"{path} matches the schema")


def _from(name: str, weight: int, finding: Finding, *, core: bool = True) -> Check:
    return make_check(name, weight, finding.passed, finding.reason, finding.label, core=core)


def score_document(
    *,
    expected: Expected,
    found: OutputRead,
    checksum_text: str | None,
    texts: Mapping[str, str | None],
    workspace_before: Mapping[str, str],
    workspace_after: Mapping[str, str],
    protected_before: Mapping[str, str],
    protected_after: Mapping[str, str],
    claimed: ClaimedStatus,
    runtime_error: str | None = None,
    parsed: tuple[Reconciliation | None, Check] | None = None,
    summary_text: str | None = None,
) -> OperatorResult:
    """Score a document-work sample from what was gathered at its end.

    Args:
        expected: The answer key; `expected.output` must be set.
        found: The deliverable as read at its exact path (or where else it was found).
        checksum_text: The checksum file's text (None when missing).
        texts: Rendered text of every document the output cites (None: missing).
        workspace_before: Digests of the whole workspace after setup.
        workspace_after: Digests of the whole workspace at the end.
        protected_before: Digests of the protected paths after setup.
        protected_after: Digests of the protected paths at the end.
        claimed: The status read from the final message.
        runtime_error: The model runtime's failure, if it failed.
        parsed: `parse_output(contract, found)` when the caller already has it.
        summary_text: The summary's text when the contract asks for one (None: missing).
    """
    contract = expected.output
    if contract is None:
        raise ValueError("score_document needs an answer key with an output contract")
    weights = _weights(contract)
    output, valid = parsed or parse_output(contract, found)
    if output is None:
        none = Finding(passed=False, reason="no usable output")
        content = [
            _from("documents_chosen", weights["documents_chosen"], none),
            _from("payments_matched", weights["payments_matched"], none),
            _from("evidence_verified", weights["evidence_verified"], none),
        ]
    else:
        content = [
            _from(
                "documents_chosen",
                weights["documents_chosen"],
                check_documents(output, contract.answer),
            ),
            _from(
                "payments_matched",
                weights["payments_matched"],
                check_payments(output, contract.answer),
            ),
            _from(
                "evidence_verified",
                weights["evidence_verified"],
                check_evidence_refs(output, texts, contract.evidence_root),
            ),
        ]
    if contract.summary_path is not None:
        summary = (
            check_summary(summary_text, output, contract.summary_path)
            if output is not None
            else Finding(passed=False, reason="no usable output to agree with")
        )
        content.append(_from("summary_agrees", weights["summary_agrees"], summary))
    name = contract.path.rsplit("/", 1)[-1]
    checksum = (
        check_checksum(found.raw, checksum_text, name)
        if found.raw is not None
        else Finding(passed=False, reason="no output to checksum", label=None)
    )
    stray = stray_outputs(diff_trees(workspace_before, workspace_after), contract.allowed_dir)
    stray_check = make_check(
        "no_stray_outputs",
        weights["no_stray_outputs"],
        not stray,
        f"written outside {contract.allowed_dir}/: {', '.join(stray[:4])}"
        if stray
        else f"nothing written outside {contract.allowed_dir}/",
        FailureLabel.ARTIFACT_WRONG_PATH,
        core=False,
    )
    checks = [
        valid,
        *content,
        _from(
            "checksum",
            weights["checksum"],
            checksum,
            core=False,
        ),
        stray_check,
        check_protected(protected_before, protected_after, weights["protected_inputs"]),
        check_status(claimed.status, expected.status, weights["status"]),
    ]
    return combine(checks, claimed.status, runtime_error=runtime_error)
