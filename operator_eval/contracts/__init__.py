"""The contracts every package shares, each written once.

The vocabulary (statuses, work categories, risks, stop reasons, the points a sample is
worth), the failure taxonomy, the TaskSpec with its answer keys, the proof and reconciliation
schemas an agent writes, the score value, the sample-store records,
and the strict pydantic bases. Nothing here imports another operator_eval package, so
anything may import it.
"""

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import FrozenModel, StrictModel, validation_summary
from operator_eval.contracts._proof import (
    CommandEvidence,
    FileEvidence,
    HttpEvidence,
    Proof,
    proof_json_schema,
)
from operator_eval.contracts._reconciliation import Reconciliation
from operator_eval.contracts._score_value import RATES, ScoreValue
from operator_eval.contracts._spec import (
    SPEC_KEY,
    Expected,
    HttpExpectation,
    ReferenceStep,
    ServiceSpec,
    TaskSpec,
)
from operator_eval.contracts._store import (
    AgentRecord,
    FaultRecord,
    ProtectedRecord,
    TapeRecord,
    ToolLogName,
    WorldRecord,
)
from operator_eval.contracts._tools import (
    DEPLOY,
    FINAL_REPORT,
    HARNESS_TOOLS,
    HTTP_GET,
    HTTP_GET_SPEC,
    LIST_FILES,
    OPERATOR_TOOLS,
    READ_FILE,
    REVIEW_TOOLS,
    SHELL,
    VERDICT_TOOL,
    WRITE_FILE,
    ToolRecord,
)
from operator_eval.contracts._vocabulary import (
    CATEGORIES,
    MAX_POINTS,
    OUT_OF_BUDGET,
    STATUSES,
    Category,
    Risk,
    Status,
    StopReason,
)

__all__ = [
    "CATEGORIES",
    "DEPLOY",
    "FINAL_REPORT",
    "HARNESS_TOOLS",
    "HTTP_GET",
    "HTTP_GET_SPEC",
    "LIST_FILES",
    "MAX_POINTS",
    "OPERATOR_TOOLS",
    "OUT_OF_BUDGET",
    "RATES",
    "READ_FILE",
    "REVIEW_TOOLS",
    "SHELL",
    "SPEC_KEY",
    "STATUSES",
    "VERDICT_TOOL",
    "WRITE_FILE",
    "AgentRecord",
    "Category",
    "CommandEvidence",
    "Expected",
    "FailureLabel",
    "FaultRecord",
    "FileEvidence",
    "FrozenModel",
    "HttpEvidence",
    "HttpExpectation",
    "Proof",
    "ProtectedRecord",
    "Reconciliation",
    "ReferenceStep",
    "Risk",
    "ScoreValue",
    "ServiceSpec",
    "Status",
    "StopReason",
    "StrictModel",
    "TapeRecord",
    "TaskSpec",
    "ToolLogName",
    "ToolRecord",
    "WorldRecord",
    "proof_json_schema",
    "validation_summary",
]
