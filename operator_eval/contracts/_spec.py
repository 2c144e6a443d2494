"""TaskSpec: everything one operator sample needs, answer key included.

The spec travels in the Inspect sample's metadata. Only `files` and
`setup_commands` ever reach the sandbox; `expected` and `reference` (the answer
key and the reference solution) stay on the harness side.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, JsonValue, ValidationError

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import FrozenModel, validation_summary
from operator_eval.contracts._vocabulary import Category, Risk, Status

FaultKind = Literal[
    "timeout",
    "reset",
    "reset_after",
    "truncated",
    "partial_json",
    "false_success",
    "omit_entries",
]
"""How a faulted call misbehaves. reset and false_success never reach the world;
reset_after does (the call takes effect) but its answer is lost, so it looks like reset;
the others run the call and corrupt or cut what comes back."""


class HttpExpectation(FrozenModel):
    """What one route of the world's service must answer at the end (a world check)."""

    name: str = Field(description="Check name, e.g. 'live_release'.")
    weight: int = Field(ge=0, description="Points this world check is worth.")
    label: FailureLabel = Field(description="Failure label when it fails.")
    route: str = Field(description="Route on the world's service, e.g. '/'.")
    status: int = Field(default=200, description="Expected HTTP status.")
    body_contains: list[str] = Field(
        default_factory=list, description="Substrings the body must contain."
    )
    body_lacks: list[str] = Field(
        default_factory=list, description="Substrings the body must not contain."
    )
    json_values: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="Dotted key paths into the JSON body and the values they must hold.",
    )
    safety: bool = Field(default=False, description="Failing it is a safety violation.")


class FileExpectation(FrozenModel):
    """What one workspace file must hold at the end (a world check)."""

    name: str
    weight: int = Field(ge=0)
    label: FailureLabel
    path: str = Field(description="Workspace-relative file path.")
    json_values: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="Dotted key paths into the file's JSON and the values they must hold.",
    )
    contains: list[str] = Field(default_factory=list, description="Substrings it must contain.")


class CitePattern(FrozenModel):
    """One kind of evidence item that would satisfy a citation requirement."""

    kind: Literal["file", "http", "command"]
    path: str | None = Field(default=None, description="For file items: the path cited.")
    route: str | None = Field(default=None, description="For http items: the route cited.")
    contains: str | None = Field(
        default=None,
        description="For command and http items: text the cited substring must include.",
    )
    command_contains: str | None = Field(
        default=None, description="For command items: text the cited command must include."
    )


class CiteExpectation(FrozenModel):
    """The proof must cite verified evidence of a fact (a blocker, the declared source)."""

    name: str
    weight: int = Field(ge=0)
    label: FailureLabel = FailureLabel.REASON_NOT_CITED
    what: str = Field(description="What the evidence must show, for the check's reason.")
    any_of: list[CitePattern] = Field(min_length=1)


class ForbiddenAction(FrozenModel):
    """Tool calls the agent must not make here (e.g. any deploy while the gate is dirty)."""

    name: str
    weight: int = Field(ge=0)
    label: FailureLabel
    tools: list[str] = Field(default_factory=list, description="Tools whose every call counts.")
    control_commands: list[str] = Field(
        default_factory=list,
        description="deployctl commands (e.g. deploy, switch) whose every attempt the world's "
        "control plane recorded counts, however the agent ran it.",
    )
    unless_after: list[dict[str, JsonValue]] = Field(
        default_factory=list,
        description="World events, as fields the control plane's record must hold (e.g. "
        "{kind: ci_rerun, check: integration, status: passed}): control_commands attempts "
        "made after all of them were recorded no longer count (the gate was made clean). "
        "Empty: every attempt counts.",
    )
    safety: bool = True


class ToolFault(FrozenModel):
    """A scheduled misbehaviour of one tool call (tool_failure worlds)."""

    tool: str = Field(description="Tool name: shell, deploy, http_get, list_files, read_file.")
    match: str = Field(
        default="",
        description="Only calls whose main argument (command, route, path, version) "
        "contains this text are counted.",
    )
    call: int = Field(default=1, ge=1, description="Which matching call misbehaves (1 = first).")
    kind: FaultKind
    omit: str = Field(default="", description="For omit_entries: lines with this text vanish.")
    message: str = Field(
        default="",
        description="What a lost call shows (reset, reset_after, false_success); empty: a "
        "default.",
    )


InvoiceStatus = Literal["paid", "partial", "unpaid"]


class ExpectedInvoice(FrozenModel):
    """What the answer key says about one invoice that counts."""

    amount: str
    status: InvoiceStatus
    payments: list[str]
    currency: str | None = Field(
        default=None,
        description="The currency the amount must be reported in (None: not checked), "
        "e.g. the ledger currency when foreign invoices are converted.",
    )


class ReconciliationKey(FrozenModel):
    """The answer key of a reconciliation sample."""

    invoices: dict[str, ExpectedInvoice]
    stale: list[str] = Field(
        default_factory=list,
        description="Invoice numbers that must not be counted because a newer source "
        "overrides them (superseded, cancelled by a note, only in the old export).",
    )
    not_invoices: list[str] = Field(
        default_factory=list, description="Numbers of quotes and duplicates: never counted."
    )
    stale_amounts: dict[str, str] = Field(
        default_factory=dict, description="Invoice -> the superseded amount a stale source shows."
    )
    untrusted_statuses: dict[str, InvoiceStatus] = Field(
        default_factory=dict,
        description="Invoice -> the status a source that is not the record of money received "
        "(a customer's remittance email) implies; reporting it follows the wrong source.",
    )


class OutputContract(FrozenModel):
    """A document-work deliverable: one file at an exact path, its checksum, nothing else."""

    path: str = Field(description="Exact workspace-relative path of the output file.")
    schema_name: Literal["reconciliation"] = Field(
        description="The published schema it must match (`operator-eval schema NAME`)."
    )
    checksum_path: str = Field(description="Where the sha256 of the output must be written.")
    allowed_dir: str = Field(description="The only folder the agent may write into.")
    evidence_root: str = Field(
        default="source", description="Evidence must cite documents under this folder."
    )
    summary_path: str | None = Field(
        default=None,
        description="Where a human-readable summary that must agree with the output goes "
        "(None: no summary is asked for).",
    )
    answer: ReconciliationKey


class ServiceSpec(FrozenModel):
    """The live HTTP service a world runs inside the sandbox."""

    socket: str = Field(description="Unix socket path, relative to the workspace.")
    health_route: str = Field(default="/health", description="Health check route.")
    process_marker: str = Field(
        description="Workspace-relative path of the service program; every service "
        "process has it on its command line, which is how cleanup finds them."
    )
    control_socket: str | None = Field(
        default=None,
        description="Workspace-relative unix socket of the world's control plane, which "
        "carries out and records every deploy, switch and restart (None: no control plane).",
    )
    control_tool: str | None = Field(
        default=None,
        description="The family whose `control/extension.py` extends the service world's "
        "tooling that the control plane runs (None: the tooling as it is).",
    )


class Expected(FrozenModel):
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
    files: list[FileExpectation] = Field(
        default_factory=list, description="What workspace files must hold at the end."
    )
    cites: list[CiteExpectation] = Field(
        default_factory=list, description="Evidence the proof must cite (blockers, sources)."
    )
    forbid: list[ForbiddenAction] = Field(
        default_factory=list, description="Tool calls the agent must not make."
    )
    output: OutputContract | None = Field(
        default=None,
        description="For document work: the deliverable replaces the proof artifact, and "
        "its own checks replace the proof checks.",
    )

    def world_weight(self) -> int:
        """Points carried by this answer key's world checks."""
        return sum(
            c.weight for group in (self.live, self.files, self.cites, self.forbid) for c in group
        )


class ReferenceStep(FrozenModel):
    """One tool call of the reference solution."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    cite: bool = Field(default=False, description="The reference proof cites this step's output.")


SPEC_KEY = "operator_eval_spec"
"""The metadata key that marks a sample's metadata as an operator-eval TaskSpec."""


class TaskSpec(FrozenModel):
    """One operator sample: the world to build, the ticket, the answer key."""

    operator_eval_spec: Literal[1] = Field(
        default=1,
        description="Marks the sample metadata as an operator-eval TaskSpec (format 1); "
        "metadata without it belongs to a foreign task.",
    )
    id: str = Field(description="Stable sample id (same seed, same id).")
    family: str
    family_version: str = Field(
        default="1", description="Bumped whenever what the family's checks demand changes."
    )
    variant: str
    seed: int
    category: Category = Field(default="deploy", description="The kind of work, for routing.")
    risk: Risk = Field(default="critical", description="Risk tier of the work, for routing.")
    prompt: str = Field(description="The ticket and contract the agent reads.")
    files: dict[str, str] = Field(description="Workspace files: relative path to text.")
    binary_files: dict[str, str] = Field(
        default_factory=dict, description="Workspace files with binary content: path to base64."
    )
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
    flawed: dict[str, list[ReferenceStep]] = Field(
        default_factory=dict,
        description="Plausible wrong solutions keyed by flaw name (e.g. stale_source): "
        "what a careless operator would do here. Played by `opeval/flawed`.",
    )
    tool_faults: list[ToolFault] = Field(
        default_factory=list, description="Seeded tool misbehaviours of this sample."
    )
    facts: dict[str, str] = Field(
        default_factory=dict,
        description="Named facts of this instance (app, versions, paths) for policies and docs.",
    )
    traps: list[str] = Field(
        default_factory=list,
        description="The distinct traps this sample combines (a benchboard_hard sample: at "
        "least two); each names what a careless operator falls into here.",
    )

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any]) -> TaskSpec | None:
        """The spec carried by an operator-eval sample's metadata; None for other samples.

        Raises:
            ValueError: when the metadata carries the operator-eval key but is not a
                valid TaskSpec (naming the fields that are wrong).
        """
        if SPEC_KEY not in metadata:
            return None
        try:
            return cls.model_validate(metadata)
        except ValidationError as ex:
            problems = validation_summary(ex)
            raise ValueError(
                f"sample metadata marked {SPEC_KEY!r} is not a valid TaskSpec: {problems}"
            ) from ex
