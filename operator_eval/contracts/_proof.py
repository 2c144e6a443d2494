"""The `Proof` artifact an agent writes before it may claim DONE (`operator-eval schema proof`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from operator_eval.contracts._models import StrictModel
from operator_eval.contracts._vocabulary import Status

MAX_PROOF_BYTES = 256 * 1024
"""A proof larger than this is refused unread (a hostile agent can write anything)."""


class FileEvidence(StrictModel):
    """A file in the workspace and the sha256 the agent observed."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, description="Workspace-relative path.")
    sha256: str = Field(description="Hex sha256 of the file's bytes as they are at the end.")


class HttpEvidence(StrictModel):
    """A response the agent really got from the world's service."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["http"] = "http"
    route: str = Field(
        pattern=r"^/[!-~]*$",
        description="Route requested with http_get, e.g. '/' (printable ASCII).",
    )
    status: int = Field(description="HTTP status observed.")
    body_contains: str = Field(min_length=1, description="A substring of the observed body.")


class CommandEvidence(StrictModel):
    """A shell command the agent ran and a piece of its real output."""

    id: str = Field(min_length=1, description="Evidence id, cited by claims.")
    kind: Literal["command"] = "command"
    command: str = Field(min_length=1, description="The exact command text that was run.")
    output_contains: str = Field(min_length=1, description="A substring of its output.")


Evidence = Annotated[FileEvidence | HttpEvidence | CommandEvidence, Field(discriminator="kind")]


class Claim(StrictModel):
    """A statement in the proof, marked as observed (with evidence) or inferred."""

    text: str = Field(min_length=1)
    basis: Literal["observed", "inferred"]
    evidence: list[str] = Field(default_factory=list, description="Ids of evidence items.")


class Proof(StrictModel):
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


def proof_json_schema() -> dict[str, object]:
    """Return the JSON schema of `Proof` (what `operator-eval schema proof` prints)."""
    return Proof.model_json_schema()
