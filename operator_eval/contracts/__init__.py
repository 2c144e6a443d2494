"""The contracts every package shares, each written once.

The vocabulary (statuses, work categories, risks, stop reasons, the points a sample is
worth), the failure taxonomy, the TaskSpec with its answer keys, the sample-store records,
and the strict pydantic bases. Nothing here imports another operator_eval package, so
anything may import it.
"""

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._models import FrozenModel, StrictModel, validation_summary
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
    "MAX_POINTS",
    "OUT_OF_BUDGET",
    "SPEC_KEY",
    "STATUSES",
    "AgentRecord",
    "Category",
    "Expected",
    "FailureLabel",
    "FaultRecord",
    "FrozenModel",
    "HttpExpectation",
    "ProtectedRecord",
    "ReferenceStep",
    "Risk",
    "ServiceSpec",
    "Status",
    "StopReason",
    "StrictModel",
    "TapeRecord",
    "TaskSpec",
    "ToolLogName",
    "WorldRecord",
    "validation_summary",
]
