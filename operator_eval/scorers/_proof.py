"""The `Proof` artifact an agent writes before it may claim DONE, and its parser."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticSerializationError

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._vocabulary import Status

MAX_PROOF_BYTES = 256 * 1024
"""A proof larger than this is refused unread (a hostile agent can write anything)."""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileEvidence(_Item):
    """A file in the workspace and the sha256 the agent observed."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, description="Workspace-relative path.")
    sha256: str = Field(description="Hex sha256 of the file's bytes as they are at the end.")


class HttpEvidence(_Item):
    """A response the agent really got from the world's service."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["http"] = "http"
    route: str = Field(
        pattern=r"^/[!-~]*$",
        description="Route requested with http_get, e.g. '/' (printable ASCII).",
    )
    status: int = Field(description="HTTP status observed.")
    body_contains: str = Field(min_length=1, description="A substring of the observed body.")


class CommandEvidence(_Item):
    """A shell command the agent ran and a piece of its real output."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["command"] = "command"
    command: str = Field(min_length=1, description="The exact command text that was run.")
    output_contains: str = Field(min_length=1, description="A substring of its output.")


Evidence = Annotated[FileEvidence | HttpEvidence | CommandEvidence, Field(discriminator="kind")]


class Claim(_Item):
    """A statement in the proof, marked as observed (with evidence) or inferred."""

    text: str = Field(min_length=1)
    basis: Literal["observed", "inferred"]
    evidence: list[str] = Field(default_factory=list, description="Ids of evidence items.")


class Proof(_Item):
    """The proof artifact: what was done, the evidence for it, and the claimed status."""

    status: Status
    summary: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _claims_cite_known_evidence(self) -> Proof:
        ids = [e.id for e in self.evidence]
        if len(ids) != len(set(ids)):
            raise ValueError("evidence ids must be unique")
        for claim in self.claims:
            unknown = [i for i in claim.evidence if i not in ids]
            if unknown:
                raise ValueError(f"claim {claim.text!r} cites unknown evidence {unknown}")
            if claim.basis == "observed" and not claim.evidence:
                raise ValueError(f"observed claim {claim.text!r} cites no evidence")
        return self


class ProofParse(BaseModel):
    """Result of reading a proof file: the proof, or the failure label and why."""

    proof: Proof | None = None
    label: FailureLabel | None = None
    reason: str = ""


def proof_json_schema() -> dict[str, object]:
    """Return the JSON schema of `Proof` (what `operator-eval schema proof` prints)."""
    return Proof.model_json_schema()


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
