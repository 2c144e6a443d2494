"""Proof-verifying scorers, and the pure functions behind them.

Importing this package never imports langchain or langgraph. The pure
functions (parse_proof, verify_evidence, read_claimed_status, score_operator,
expectation_checks, ...) need neither Inspect nor a sandbox; the scorers work for
any agent, from Inspect's own record of what its tools ran: see
examples/foreign_project/ and `operator-eval check-proof`. The schemas they read (Proof,
Reconciliation, ToolRecord) are defined in `operator_eval.contracts` and exported here too.
"""

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._proof import (
    Claim,
    CommandEvidence,
    FileEvidence,
    HttpEvidence,
    Proof,
    proof_json_schema,
)
from operator_eval.contracts._reconciliation import (
    EvidenceRef,
    Exclusion,
    InvoiceEntry,
    Reconciliation,
)
from operator_eval.contracts._tools import ToolRecord
from operator_eval.scorers._expect import (
    Expectation,
    ExpectCheck,
    ExpectCommand,
    ExpectFile,
    ExpectHttp,
    expectation_checks,
)
from operator_eval.scorers._operator import score_operator
from operator_eval.scorers._proof import ProofParse, parse_proof
from operator_eval.scorers._record import (
    records_from_events,
    records_from_messages,
    records_from_openai,
)
from operator_eval.scorers._score import Check, OperatorResult, combine, diff_trees
from operator_eval.scorers._scorers import (
    POINTS_TOTAL_KEY,
    done_claim,
    operator_score,
    points,
    possible,
    proof_verified,
    protected_inputs,
    total,
    world_state,
)
from operator_eval.scorers._status import ClaimedStatus, read_claimed_status
from operator_eval.scorers._trajectory import TrajectoryVerdict, gather_facts, verify_trajectory
from operator_eval.scorers._transcript import HttpObservation, http_observations
from operator_eval.scorers._verify import (
    CommandFact,
    CustomFact,
    EvidenceVerdict,
    FileFact,
    HttpFact,
    WorldFacts,
    verify_evidence,
    workspace_path,
)
from operator_eval.scorers._world import world_checks

__all__ = [
    "POINTS_TOTAL_KEY",
    "Check",
    "Claim",
    "ClaimedStatus",
    "CommandEvidence",
    "CommandFact",
    "CustomFact",
    "EvidenceRef",
    "EvidenceVerdict",
    "Exclusion",
    "ExpectCheck",
    "ExpectCommand",
    "ExpectFile",
    "ExpectHttp",
    "Expectation",
    "FailureLabel",
    "FileEvidence",
    "FileFact",
    "HttpEvidence",
    "HttpFact",
    "HttpObservation",
    "InvoiceEntry",
    "OperatorResult",
    "Proof",
    "ProofParse",
    "Reconciliation",
    "ToolRecord",
    "TrajectoryVerdict",
    "WorldFacts",
    "combine",
    "diff_trees",
    "done_claim",
    "expectation_checks",
    "gather_facts",
    "http_observations",
    "operator_score",
    "parse_proof",
    "points",
    "possible",
    "proof_json_schema",
    "proof_verified",
    "protected_inputs",
    "read_claimed_status",
    "records_from_events",
    "records_from_messages",
    "records_from_openai",
    "score_operator",
    "total",
    "verify_evidence",
    "verify_trajectory",
    "workspace_path",
    "world_checks",
    "world_state",
]
