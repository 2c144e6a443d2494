"""Behaviour of `parse_proof`: a hostile agent's proof file is read defensively."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from operator_eval.contracts._proof import (
    MAX_PROOF_BYTES,
    CommandEvidence,
    FileEvidence,
    HttpEvidence,
)
from operator_eval.scorers import FailureLabel, parse_proof, proof_json_schema

SHA = "a" * 64


def _proof(**overrides: Any) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "status": "DONE",
        "summary": "deployed 1.2.4 and restarted the service",
        "evidence": [
            {"id": "f1", "kind": "file", "path": "app/VERSION", "sha256": SHA},
            {
                "id": "h1",
                "kind": "http",
                "route": "/",
                "status": 200,
                "body_contains": "ledgerd version 1.2.4",
            },
            {
                "id": "c1",
                "kind": "command",
                "command": "deploy/deployctl status",
                "output_contains": "running",
            },
        ],
        "claims": [
            {"text": "1.2.4 is live", "basis": "observed", "evidence": ["h1", "c1"]},
            {"text": "customers are happy", "basis": "inferred"},
        ],
    }
    proof.update(overrides)
    return proof


def _raw(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


# --- valid proofs ---------------------------------------------------------------------------


def test_valid_proof_parses_into_typed_evidence() -> None:
    parsed = parse_proof(_raw(_proof()), path="ops/proof.json")
    assert parsed.label is None
    assert parsed.reason == ""
    proof = parsed.proof
    assert proof is not None
    assert proof.status == "DONE"
    assert [type(e) for e in proof.evidence] == [FileEvidence, HttpEvidence, CommandEvidence]
    assert proof.evidence[1].id == "h1"
    assert isinstance(proof.evidence[1], HttpEvidence)
    assert proof.evidence[1].body_contains == "ledgerd version 1.2.4"
    assert [c.basis for c in proof.claims] == ["observed", "inferred"]
    assert proof.claims[1].evidence == []


def test_minimal_proof_needs_only_a_status() -> None:
    parsed = parse_proof(b'{"status": "BLOCKED"}')
    assert parsed.proof is not None
    assert parsed.proof.status == "BLOCKED"
    assert parsed.proof.evidence == []


def test_non_ascii_text_is_kept() -> None:
    summary = "Déployé ✅ — 版本 1.2.4"
    parsed = parse_proof(_raw(_proof(summary=summary)))
    assert parsed.proof is not None
    assert parsed.proof.summary == summary


# --- missing and unreadable ------------------------------------------------------------------


def test_missing_file_is_artifact_missing() -> None:
    parsed = parse_proof(None, path="ops/proof.json")
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_MISSING
    assert "ops/proof.json" in parsed.reason


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"status": "DONE",}',
        b"status: DONE",
        b"STATUS: DONE\n",
        b"{'status': 'DONE'}",
        b'{"status": "DONE"} trailing',
    ],
)
def test_malformed_json_is_artifact_not_json(raw: bytes) -> None:
    parsed = parse_proof(raw, path="proof.json")
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    assert parsed.reason.startswith("proof.json: not JSON")


@pytest.mark.parametrize("raw", [b"[]", b'[{"status": "DONE"}]', b"42", b"null", b'"DONE"'])
def test_json_that_is_not_an_object_is_artifact_invalid(raw: bytes) -> None:
    parsed = parse_proof(raw)
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_INVALID
    assert "(top level)" in parsed.reason


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b'{"status": "DONE", "summary": "caf\xe9"}'])
def test_non_utf8_bytes_are_artifact_not_json(raw: bytes) -> None:
    parsed = parse_proof(raw)
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    assert "not UTF-8" in parsed.reason


def test_lone_surrogate_escape_is_refused_and_result_serialises() -> None:
    # "\ud800" is legal JSON text but no UTF-8 log can hold it.
    parsed = parse_proof(b'{"status": "DONE", "summary": "\\ud800"}')
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    parsed.model_dump_json()


def test_huge_input_is_refused_without_parsing() -> None:
    # Valid JSON, but over the limit: refused on size alone.
    raw = _raw(_proof(summary="x" * MAX_PROOF_BYTES))
    assert len(raw) > MAX_PROOF_BYTES
    parsed = parse_proof(raw)
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    assert str(MAX_PROOF_BYTES) in parsed.reason


def test_huge_garbage_is_refused_before_decoding() -> None:
    # Not UTF-8 either: the size limit is what reports it, so nothing was decoded.
    parsed = parse_proof(b"\xff" * (MAX_PROOF_BYTES + 1))
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    assert "limit" in parsed.reason
    assert "UTF-8" not in parsed.reason


def test_input_at_the_limit_is_still_parsed() -> None:
    base = _raw(_proof(summary=""))
    raw = _raw(_proof(summary="x" * (MAX_PROOF_BYTES - len(base))))
    assert len(raw) == MAX_PROOF_BYTES
    assert parse_proof(raw).proof is not None


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
def test_deeply_nested_json_does_not_crash(raw: bytes) -> None:
    start = time.perf_counter()
    parsed = parse_proof(raw)
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON
    assert time.perf_counter() - start < 2


def test_integer_over_python_digit_limit_does_not_crash() -> None:
    raw = b'{"status": "DONE", "evidence": [{"id": "h", "kind": "http", "route": "/", '
    raw += b'"status": ' + b"9" * 5000 + b', "body_contains": "x"}]}'
    parsed = parse_proof(raw)
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_NOT_JSON


# --- wrong schema ----------------------------------------------------------------------------


def _invalid(data: object) -> str:
    parsed = parse_proof(_raw(data), path="proof.json")
    assert parsed.proof is None
    assert parsed.label == FailureLabel.ARTIFACT_INVALID, parsed.reason
    assert parsed.reason.startswith("proof.json: does not match the Proof schema")
    return parsed.reason


def test_unknown_evidence_kind_is_invalid() -> None:
    proof = _proof()
    proof["evidence"][2] = {"id": "s1", "kind": "screenshot", "path": "x.png"}
    reason = _invalid(proof)
    assert "evidence.2" in reason
    assert "screenshot" in reason


def test_evidence_without_kind_is_invalid() -> None:
    proof = _proof()
    del proof["evidence"][0]["kind"]
    reason = _invalid(proof)
    assert "evidence.0" in reason
    assert "kind" in reason


@pytest.mark.parametrize(
    ("index", "field"),
    [(0, "sha256"), (0, "path"), (1, "route"), (1, "body_contains"), (2, "command")],
)
def test_missing_evidence_field_is_named(index: int, field: str) -> None:
    proof = _proof()
    del proof["evidence"][index][field]
    reason = _invalid(proof)
    assert f"evidence.{index}." in reason
    assert field in reason
    assert "Field required" in reason


def test_missing_status_is_named() -> None:
    proof = _proof()
    del proof["status"]
    assert "status: Field required" in _invalid(proof)


@pytest.mark.parametrize("status", ["done", "SUCCESS", "", None, 1])
def test_unknown_status_is_invalid(status: object) -> None:
    assert "status" in _invalid(_proof(status=status))


def test_extra_top_level_field_is_invalid() -> None:
    reason = _invalid(_proof(confidence=0.99))
    assert "confidence" in reason
    assert "Extra inputs are not permitted" in reason


def test_extra_evidence_field_is_invalid() -> None:
    proof = _proof()
    proof["evidence"][1]["verified"] = True
    reason = _invalid(proof)
    assert "evidence.1" in reason
    assert "verified" in reason


def test_extra_claim_field_is_invalid() -> None:
    proof = _proof()
    proof["claims"][0]["confidence"] = "high"
    reason = _invalid(proof)
    assert "claims.0.confidence" in reason


def test_empty_evidence_id_is_invalid() -> None:
    proof = _proof()
    proof["evidence"][0]["id"] = ""
    assert "evidence.0.file.id" in _invalid(proof)


def test_http_status_must_be_a_number() -> None:
    proof = _proof()
    proof["evidence"][1]["status"] = "ok"
    assert "evidence.1.http.status" in _invalid(proof)


def test_observed_claim_without_evidence_is_invalid() -> None:
    proof = _proof(claims=[{"text": "it works", "basis": "observed"}])
    reason = _invalid(proof)
    assert "'it works'" in reason
    assert "cites no evidence" in reason


def test_inferred_claim_without_evidence_is_fine() -> None:
    proof = _proof(claims=[{"text": "probably fine", "basis": "inferred"}])
    assert parse_proof(_raw(proof)).proof is not None


def test_claim_citing_unknown_id_is_invalid() -> None:
    proof = _proof(claims=[{"text": "it works", "basis": "observed", "evidence": ["h1", "h9"]}])
    reason = _invalid(proof)
    assert "unknown evidence" in reason
    assert "h9" in reason


def test_unknown_basis_is_invalid() -> None:
    proof = _proof(claims=[{"text": "it works", "basis": "guessed", "evidence": ["h1"]}])
    assert "claims.0.basis" in _invalid(proof)


def test_duplicate_evidence_ids_are_invalid() -> None:
    proof = _proof()
    proof["evidence"][1]["id"] = "f1"
    reason = _invalid(proof)
    assert "evidence ids must be unique" in reason


def test_many_problems_are_summarised_not_dumped() -> None:
    proof = _proof(evidence=[{"id": str(i), "kind": "file"} for i in range(200)])
    reason = _invalid(proof)
    assert reason.count("Field required") <= 5


# --- schema ----------------------------------------------------------------------------------


def test_proof_json_schema_lists_the_evidence_kinds() -> None:
    schema: dict[str, Any] = proof_json_schema()
    json.dumps(schema)  # a plain JSON document
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"status"}
    assert set(schema["properties"]) == {"status", "summary", "evidence", "claims"}
    text = json.dumps(schema)
    for kind in ("file", "http", "command"):
        assert f'"const": "{kind}"' in text
    defs = schema["$defs"]
    assert {"FileEvidence", "HttpEvidence", "CommandEvidence", "Claim"} <= set(defs)
    assert "sha256" in defs["FileEvidence"]["properties"]
    assert defs["FileEvidence"]["additionalProperties"] is False


def test_example_built_from_the_schema_parses() -> None:
    schema: dict[str, Any] = proof_json_schema()
    status_enum = schema["properties"]["status"]["enum"]
    assert set(status_enum) == {"DONE", "BLOCKED", "FAILED"}
    for status in status_enum:
        assert parse_proof(_raw(_proof(status=status))).proof is not None
