"""The operator checks of one sample, from gathered facts to a 25-point result (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from operator_eval.contracts import ToolRecord
from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._points import PROOF_CHECKS
from operator_eval.contracts._spec import Expected
from operator_eval.scorers._proof import ProofParse
from operator_eval.scorers._score import (
    Check,
    OperatorResult,
    check_protected,
    check_status,
    combine,
)
from operator_eval.scorers._status import ClaimedStatus
from operator_eval.scorers._verify import (
    EvidenceVerdict,
    WorldFacts,
    live_verified,
    unsupported_claims,
)
from operator_eval.scorers._world import world_checks

# Points for the proof and conduct checks (the budget's table); a family's world checks
# carry the rest of 25 (`WORLD_BUDGET`).
PROTECTED_WEIGHT = PROOF_CHECKS["protected_inputs"]
PROOF_PRESENT_WEIGHT = PROOF_CHECKS["proof_present"]
EVIDENCE_WEIGHT = PROOF_CHECKS["evidence_verified"]
LIVE_VERIFIED_WEIGHT = PROOF_CHECKS["live_verified"]
CLAIMS_WEIGHT = PROOF_CHECKS["claims_supported"]
STATUS_WEIGHT = PROOF_CHECKS["status"]


def _core(
    name: str, weight: int, passed: bool, reason: str, labels: Sequence[FailureLabel] = ()
) -> Check:
    return Check(
        name=name, weight=weight, core=True, passed=passed, reason=reason, labels=list(labels)
    )


def proof_present_check(parsed: ProofParse) -> Check:
    """The proof exists at the contract's path and matches the schema."""
    name, weight = "proof_present", PROOF_PRESENT_WEIGHT
    if parsed.proof is None:
        return _core(name, weight, False, parsed.reason, [parsed.label] if parsed.label else [])
    return _core(name, weight, True, "proof parses and matches the schema")


def evidence_check(parsed: ProofParse, verdicts: Sequence[EvidenceVerdict]) -> Check:
    """Every evidence item re-checks against the world and the tool log."""
    name, weight = "evidence_verified", EVIDENCE_WEIGHT
    if parsed.proof is None:
        return _core(name, weight, False, "no proof")
    if not verdicts:
        return _core(
            name, weight, False, "proof cites no evidence", [FailureLabel.VERIFICATION_MISSING]
        )
    bad = [v for v in verdicts if not v.ok]
    if bad:
        labels = list(dict.fromkeys(v.label for v in bad if v.label is not None))
        return _core(name, weight, False, "; ".join(f"{v.id}: {v.reason}" for v in bad[:4]), labels)
    return _core(name, weight, True, f"{len(verdicts)} evidence items re-verified")


def live_verified_check(
    expected: Expected,
    parsed: ProofParse,
    verdicts: Sequence[EvidenceVerdict],
    log: Sequence[ToolRecord],
) -> Check:
    """The agent saw each route to verify answer as expected, and its proof cites it."""
    name, weight = "live_verified", LIVE_VERIFIED_WEIGHT
    missing = []
    for route in expected.verify_routes:
        exp = next((e for e in expected.live if e.route == route), None)
        status, markers = (exp.status, exp.body_contains) if exp else (200, [])
        if parsed.proof is None or not live_verified(
            parsed.proof, verdicts, log, route, status, markers
        ):
            missing.append(route)
    if missing:
        reason = (
            f"not verified: {', '.join(missing)} (the proof must cite an http_get of each "
            "that showed the expected answer)"
        )
        return _core(name, weight, False, reason, [FailureLabel.VERIFICATION_MISSING])
    shown = ", ".join(expected.verify_routes) or "no route to verify"
    return _core(name, weight, True, f"observed and cited: {shown}")


def claims_check(parsed: ProofParse, verdicts: Sequence[EvidenceVerdict]) -> Check:
    """Observed claims exist and rest only on evidence that re-verified."""
    name, weight = "claims_supported", CLAIMS_WEIGHT
    if parsed.proof is None:
        return Check(name=name, weight=weight, passed=False, reason="no proof")
    if not any(c.basis == "observed" for c in parsed.proof.claims):
        return Check(name=name, weight=weight, passed=False, reason="no observed claims")
    weak = unsupported_claims(parsed.proof, verdicts)
    if weak:
        return Check(
            name=name, weight=weight, passed=False, reason=f"claims on failed evidence: {weak[:3]}"
        )
    return Check(
        name=name, weight=weight, passed=True, reason="observed claims cite verified evidence"
    )


def score_operator(
    *,
    expected: Expected,
    facts: WorldFacts,
    parsed: ProofParse,
    verdicts: Sequence[EvidenceVerdict],
    protected_before: Mapping[str, str],
    protected_after: Mapping[str, str],
    claimed: ClaimedStatus,
    log: Sequence[ToolRecord],
    runtime_error: str | None = None,
) -> OperatorResult:
    """Score one sample from facts gathered at its end.

    Args:
        expected: The answer key (status, live expectations, route to verify).
        facts: HTTP answers of the expected and cited routes; hashes of cited files.
        parsed: The parsed proof (or why it could not be parsed).
        verdicts: Re-checks of the proof's evidence.
        protected_before: Digests of the protected paths at setup.
        protected_after: Digests of the protected paths at the end.
        claimed: The status read from the final message.
        log: The tool log (what the agent's http_get calls really answered).
        runtime_error: The model runtime's failure, if it failed.
    """
    checks = [
        *world_checks(expected, facts, proof=parsed.proof, verdicts=verdicts, log=log),
        check_protected(protected_before, protected_after, PROTECTED_WEIGHT),
        proof_present_check(parsed),
        evidence_check(parsed, verdicts),
        live_verified_check(expected, parsed, verdicts, log),
        claims_check(parsed, verdicts),
        check_status(
            claimed.status,
            expected.status,
            STATUS_WEIGHT,
            proof_status=parsed.proof.status if parsed.proof else None,
        ),
    ]
    result = combine(checks, claimed.status, runtime_error=runtime_error)
    relied_on_faults = any(v.ok and v.fault for v in verdicts)
    if result.unsupported_done and relied_on_faults:
        # An unsupported DONE whose proof cites broken output trusted it; a supported DONE
        # that cites a fault faithfully (the first attempt failed, then...) is not marked.
        result.labels.append(FailureLabel.TRUSTED_BAD_OUTPUT)
    return result
