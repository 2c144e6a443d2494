"""Proof-verifying scorers, and the pure functions behind them.

Importing this package never imports langchain or langgraph. The pure
functions (parse_proof, verify_evidence, read_claimed_status, score_operator,
...) need neither Inspect nor a sandbox: see examples/.
"""

from operator_eval._labels import FailureLabel
from operator_eval.scorers._operator import score_operator
from operator_eval.scorers._proof import (
    Claim,
    CommandEvidence,
    FileEvidence,
    HttpEvidence,
    Proof,
    ProofParse,
    parse_proof,
    proof_json_schema,
)
from operator_eval.scorers._reconciliation import (
    EvidenceRef,
    Exclusion,
    InvoiceEntry,
    Reconciliation,
)
from operator_eval.scorers._score import Check, OperatorResult, combine, diff_trees
from operator_eval.scorers._scorers import (
    done_claim,
    operator_score,
    possible,
    proof_verified,
    protected_inputs,
    total,
    world_state,
)
from operator_eval.scorers._status import ClaimedStatus, read_claimed_status
from operator_eval.scorers._transcript import ToolRecord
from operator_eval.scorers._verify import (
    EvidenceVerdict,
    FileFact,
    HttpFact,
    WorldFacts,
    verify_evidence,
    workspace_path,
)
from operator_eval.scorers._world import world_checks

__all__ = [
    "Check",
    "Claim",
    "ClaimedStatus",
    "CommandEvidence",
    "EvidenceRef",
    "EvidenceVerdict",
    "Exclusion",
    "FailureLabel",
    "FileEvidence",
    "FileFact",
    "HttpEvidence",
    "HttpFact",
    "InvoiceEntry",
    "OperatorResult",
    "Proof",
    "ProofParse",
    "Reconciliation",
    "ToolRecord",
    "WorldFacts",
    "combine",
    "diff_trees",
    "done_claim",
    "operator_score",
    "parse_proof",
    "possible",
    "proof_json_schema",
    "proof_verified",
    "protected_inputs",
    "read_claimed_status",
    "score_operator",
    "total",
    "verify_evidence",
    "workspace_path",
    "world_checks",
    "world_state",
]
