"""What a hostile agent might try against the probe and the scorers' fact gathering."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment

from operator_eval import probe
from operator_eval.agent._solver import is_runtime_error
from operator_eval.probe import ProbeError
from operator_eval.probe import _ops as probe_ops
from operator_eval.scorers import FailureLabel, _gather, parse_proof
from operator_eval.scorers._score import check_protected

Serve = Callable[[Path, dict[str, Any]], Path]


def workspace(env: LocalSandboxEnvironment) -> Path:
    return Path(env.directory.name)


async def test_a_json_module_in_the_workspace_does_not_hijack_the_probe(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    ws = workspace(local_sandbox)
    (ws / "json.py").write_text("raise SystemExit('hijacked')\n")
    (ws / "hashlib.py").write_text("raise SystemExit('hijacked')\n")
    (ws / "a.txt").write_text("x")
    answer = await probe.file_digests(["a.txt"], [])
    assert answer["a.txt"].exists is True


async def test_a_fake_service_on_the_socket_is_not_believed(
    local_sandbox: LocalSandboxEnvironment, unix_http_server: Serve
) -> None:
    ws = workspace(local_sandbox)
    unix_http_server(ws / ".run" / "app.sock", {"/": (200, b"ledgerd version 9.9.9")})
    owner = await probe.socket_owner(".run/app.sock", "service/server.py")
    assert owner.genuine is False
    assert "foreign process" in owner.reason

    facts = await _gather.http_facts(".run/app.sock", ["/"], program="service/server.py")
    assert facts["/"].status is None
    assert "foreign process" in (facts["/"].error or "")
    # Without the program check (a foreign task), the same socket is simply asked.
    plain = await _gather.http_facts(".run/app.sock", ["/"])
    assert plain["/"].status == 200


async def test_nothing_listening_is_reported_not_raised(
    local_sandbox: LocalSandboxEnvironment,
) -> None:
    facts = await _gather.http_facts(".run/app.sock", ["/", "/health"], program="x.py")
    assert all(f.status is None for f in facts.values())


async def test_a_probe_that_fails_makes_checks_fail_not_the_scorer_crash(
    local_sandbox: LocalSandboxEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ProbeError("probe 'x' timed out after 60s")

    monkeypatch.setattr(probe_ops, "run_probe", broken)
    monkeypatch.setattr(_gather, "tree_digests", broken)
    parsed = await _gather.read_proof("proof.json")
    assert parsed.proof is None and parsed.label == FailureLabel.ARTIFACT_MISSING
    files = await _gather.file_facts(["a.txt"])
    assert files["a.txt"].error and "timed out" in files["a.txt"].error
    http = await _gather.http_facts(".run/app.sock", ["/"])
    assert http["/"].status is None
    after = await _gather.protected_digests(["app"])
    assert not check_protected({"app/x": "file:-:00"}, after, weight=2).passed


def test_a_route_that_is_not_printable_ascii_is_refused_by_the_schema() -> None:
    raw = (
        b'{"status": "DONE", "evidence": [{"id": "e1", "kind": "http", "route": "/caf\\u00e9",'
        b' "status": 200, "body_contains": "x"}]}'
    )
    parsed = parse_proof(raw)
    assert parsed.label == FailureLabel.ARTIFACT_INVALID
    assert "route" in parsed.reason


def test_runtime_errors_of_any_provider_are_recognised_by_class() -> None:
    class APIConnectionError(Exception):  # e.g. anthropic.APIConnectionError
        pass

    class ServiceUnavailable(Exception):  # e.g. google.api_core.exceptions
        pass

    assert is_runtime_error(APIConnectionError("reset"))
    assert is_runtime_error(ServiceUnavailable("503"))
    assert is_runtime_error(ConnectionResetError("reset"))
    assert not is_runtime_error(ValueError("a bug in the graph"))
    assert not is_runtime_error(KeyError("messages"))
