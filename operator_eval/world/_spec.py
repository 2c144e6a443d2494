"""TaskSpec: everything one operator sample needs, answer key included.

The spec travels in the Inspect sample's metadata. Only `files` and
`setup_commands` ever reach the sandbox; `expected` and `reference` (the answer
key and the reference solution) stay on the harness side.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from operator_eval._labels import FailureLabel

Status = Literal["DONE", "BLOCKED", "FAILED"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpExpectation(_Strict):
    """What one route of the world's service must answer at the end (a world check)."""

    name: str = Field(description="Check name, e.g. 'live_release'.")
    weight: int = Field(ge=0, description="Points this world check is worth.")
    label: FailureLabel = Field(description="Failure label when it fails.")
    route: str = Field(description="Route on the world's service, e.g. '/'.")
    status: int = Field(default=200, description="Expected HTTP status.")
    body_contains: list[str] = Field(
        default_factory=list, description="Substrings the body must contain."
    )


class ServiceSpec(_Strict):
    """The live HTTP service a world runs inside the sandbox."""

    socket: str = Field(description="Unix socket path, relative to the workspace.")
    health_route: str = Field(default="/health", description="Health check route.")
    process_marker: str = Field(
        description="Workspace-relative path of the service program; every service "
        "process has it on its command line, which is how cleanup finds them."
    )


class Expected(_Strict):
    """The answer key: the end state a correct agent leaves behind."""

    status: Status = Field(description="The status a correct agent reports.")
    live: list[HttpExpectation] = Field(
        default_factory=list, description="What the live service must serve at the end."
    )
    verify_routes: list[str] = Field(
        default_factory=list,
        description="Routes the proof must cite as observed (an http item each), where the "
        "agent's own http_get saw the expected answer (live verification).",
    )


class ReferenceStep(_Strict):
    """One tool call of the reference solution."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class TaskSpec(_Strict):
    """One operator sample: the world to build, the ticket, the answer key."""

    id: str = Field(description="Stable sample id (same seed, same id).")
    family: str
    variant: str
    seed: int
    prompt: str = Field(description="The ticket and contract the agent reads.")
    files: dict[str, str] = Field(description="Workspace files: relative path to text.")
    executables: list[str] = Field(default_factory=list)
    setup_commands: list[str] = Field(
        default_factory=list, description="Shell commands run in the workspace after files."
    )
    protected: list[str] = Field(
        default_factory=list,
        description="Workspace-relative files or folders the agent must leave untouched.",
    )
    proof_path: str = Field(description="Where the agent must write its proof JSON.")
    service: ServiceSpec | None = None
    expected: Expected
    reference: list[ReferenceStep] = Field(
        description="Fix steps of the reference solution (the oracle adds verification)."
    )
    facts: dict[str, str] = Field(
        default_factory=dict,
        description="Named facts of this instance (app, versions, paths) for policies and docs.",
    )

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any]) -> TaskSpec | None:
        """The spec carried by an operator-eval sample's metadata; None for other samples."""
        if "family" in metadata and "expected" in metadata:
            return cls.model_validate(metadata)
        return None
