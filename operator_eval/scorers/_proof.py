"""Read a `Proof` artifact: the proof, or the failure label and why it cannot count."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._proof import MAX_PROOF_BYTES, Proof


class ProofParse(BaseModel):
    """Result of reading a proof file: the proof, or the failure label and why."""

    proof: Proof | None = None
    label: FailureLabel | None = None
    reason: str = ""


def parse_proof(raw: bytes | None, *, path: str = "proof") -> ProofParse:
    """Parse proof bytes defensively.

    Args:
        raw: The file's bytes, or None when the file does not exist.
        path: The path, used in reasons.

    Returns:
        A ProofParse with `proof` set, or with `label` (artifact_missing,
        artifact_not_json, artifact_invalid) and a reason naming the problem.
    """
    if raw is None:
        return ProofParse(label=FailureLabel.ARTIFACT_MISSING, reason=f"{path}: no such file")
    if len(raw) > MAX_PROOF_BYTES:
        return ProofParse(
            label=FailureLabel.ARTIFACT_NOT_JSON,
            reason=f"{path}: {len(raw)} bytes, over the {MAX_PROOF_BYTES}-byte limit",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as ex:
        return ProofParse(
            label=FailureLabel.ARTIFACT_NOT_JSON,
            reason=f"{path}: not UTF-8 (byte {ex.start})",
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as ex:
        # ValueError covers JSONDecodeError and integers over Python's digit limit.
        return ProofParse(label=FailureLabel.ARTIFACT_NOT_JSON, reason=f"{path}: not JSON: {ex}")
    try:
        proof = Proof.model_validate(data)
    except ValidationError as ex:
        problems = validation_summary(ex)
        return ProofParse(
            label=FailureLabel.ARTIFACT_INVALID,
            reason=f"{path}: does not match the Proof schema: {problems}",
        )
    try:
        # Lone surrogate escapes ("\\ud800") parse, but no log can serialise them.
        proof.model_dump_json()
    except PydanticSerializationError:
        return ProofParse(
            label=FailureLabel.ARTIFACT_NOT_JSON,
            reason=f"{path}: contains lone surrogate escapes (not Unicode text)",
        )
    return ProofParse(proof=proof)
