"""The 25-point budget as data: what the proof checks take, and what is left for the world.

Every operator sample is worth `MAX_POINTS`. The proof and conduct checks below take
the same points in every family (`scorers/_operator.py` reads their weights here); the
rest, `WORLD_BUDGET`, is carried by the sample's world checks, which each family
declares in its folder (`Family.world_checks`: one table of check -> weight per kind of
outcome). Samples are checked against both when they are built. Document work is the
exception: its deliverable's own checks, `DOCUMENT_CHECKS` (`scorers/_document.py` reads
them), replace the proof checks and the world checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from operator_eval.contracts._vocabulary import MAX_POINTS

PROOF_CHECKS: Mapping[str, int] = MappingProxyType(
    {
        "protected_inputs": 2,
        "proof_present": 3,
        "evidence_verified": 3,
        "live_verified": 2,
        "claims_supported": 1,
        "status": 2,
    }
)
"""The proof and conduct checks of every operator sample, and the points each takes."""

WORLD_BUDGET = MAX_POINTS - sum(PROOF_CHECKS.values())
"""The points a sample's world checks carry together (12)."""

DOCUMENT_CHECKS: Mapping[str, int] = MappingProxyType(
    {
        "output_valid": 4,
        "documents_chosen": 6,
        "payments_matched": 5,
        "evidence_verified": 3,
        "checksum": 2,
        "no_stray_outputs": 1,
        "protected_inputs": 2,
        "status": 2,
    }
)
"""The checks of document work's deliverable, and the points each takes (all 25)."""

SUMMARY_TAKES: Mapping[str, int] = MappingProxyType({"output_valid": 1, "checksum": 1})
"""With a summary asked for (`OutputContract.summary_path`), its agreement with the JSON,
`summary_agrees`, takes these points from these document checks (still 25 in all)."""


def document_checks(*, summary: bool) -> Mapping[str, int]:
    """The document checks and their weights, with or without a summary asked for.

    Args:
        summary: Whether the output contract asks for a summary next to the JSON.
    """
    if not summary:
        return DOCUMENT_CHECKS
    table = {name: weight - SUMMARY_TAKES.get(name, 0) for name, weight in DOCUMENT_CHECKS.items()}
    table["summary_agrees"] = sum(SUMMARY_TAKES.values())
    return MappingProxyType(table)


WorldChecks = Mapping[str, Mapping[str, int]]
"""A family's world checks: per kind of outcome (e.g. "shipped", "blocked"), check -> weight."""


def world_checks_problem(
    checks: Sequence[tuple[str, int]], declared: WorldChecks, *, document: bool = False
) -> str | None:
    """Why one sample's world checks break the budget, or None when they keep it.

    Args:
        checks: The sample's world checks, as (name, weight).
        declared: The family's declared world checks.
        document: Whether the sample is document work (no world checks at all).
    """
    if document:
        if checks:
            return f"document work has no world checks, but this sample has {dict(checks)}"
        return None
    total = sum(weight for _, weight in checks)
    if total != WORLD_BUDGET:
        return f"world checks {dict(checks)} add up to {total}, not {WORLD_BUDGET}"
    if dict(checks) not in [dict(table) for table in declared.values()]:
        return (
            f"world checks {dict(checks)} are none of the family's declared outcomes "
            f"({', '.join(declared) or 'none declared'})"
        )
    return None


def declared_problem(declared: WorldChecks) -> str | None:
    """Why a family's declared world checks break the budget, or None when they keep it."""
    for outcome, table in declared.items():
        total = sum(table.values())
        if total != WORLD_BUDGET:
            return (
                f"world checks of outcome {outcome!r} add up to {total}, not {WORLD_BUDGET} "
                f"({MAX_POINTS} points less the proof checks' {MAX_POINTS - WORLD_BUDGET})"
            )
    return None
