"""Gather end-of-sample facts from the sandbox for the pure verifiers.

Every gatherer fails closed: when the sandbox cannot answer (a hostile world
can make a probe time out or crash), the facts say so and the checks fail,
instead of the scorer raising and the sample being lost.
"""

from __future__ import annotations

import asyncio
import base64
import posixpath
from collections.abc import Iterable
from typing import Any

from inspect_ai.solver import TaskState

from operator_eval import _keys
from operator_eval._labels import FailureLabel
from operator_eval.probe import ProbeError, run_probe, tree_digests
from operator_eval.scorers._doc_text import document_text
from operator_eval.scorers._document import MAX_OUTPUT_BYTES, OutputRead
from operator_eval.scorers._proof import MAX_PROOF_BYTES, ProofParse, parse_proof
from operator_eval.scorers._transcript import ToolRecord
from operator_eval.scorers._verify import (
    FileFact,
    HttpFact,
    WorldFacts,
    evidence_files,
    evidence_routes,
)
from operator_eval.world._spec import TaskSpec

HEALTH_RETRIES = 8
"""A flapping health check gets this many more tries before it counts as failed."""


def spec_of(state: TaskState) -> TaskSpec | None:
    """Return the TaskSpec in the sample's metadata, or None for foreign tasks."""
    return TaskSpec.from_metadata(state.metadata)


def tool_log(state: TaskState) -> list[ToolRecord]:
    """Return the harness's record of the agent's tool calls."""
    records: list[dict[str, object]] = state.store.get(_keys.TOOL_LOG, [])
    return [ToolRecord.model_validate(r) for r in records]


async def read_proof(proof_path: str) -> ProofParse:
    """Read and parse the proof; when it is missing, look for it at a wrong path."""
    try:
        answer = await run_probe("read", {"path": proof_path, "max_bytes": MAX_PROOF_BYTES})
    except ProbeError as ex:
        return ProofParse(
            label=FailureLabel.ARTIFACT_MISSING, reason=f"{proof_path}: could not be read: {ex}"
        )
    if answer["error"]:
        return ProofParse(
            label=FailureLabel.ARTIFACT_MISSING, reason=f"{proof_path}: {answer['error']}"
        )
    if not answer["exists"]:
        try:
            elsewhere = await run_probe("find", {"name": posixpath.basename(proof_path)})
        except ProbeError:
            elsewhere = []
        if elsewhere:
            return ProofParse(
                label=FailureLabel.ARTIFACT_WRONG_PATH,
                reason=f"{proof_path} missing; found {', '.join(elsewhere[:3])} instead",
            )
        return parse_proof(None, path=proof_path)
    # The probe reads at most MAX_PROOF_BYTES + 1 bytes, enough for parse_proof to refuse.
    raw = base64.b64decode(answer["data_b64"])
    return parse_proof(raw, path=proof_path)


MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


async def read_bytes(path: str, max_bytes: int) -> tuple[bytes | None, str | None]:
    """A workspace file's bytes (None when missing) and the error when it cannot be read."""
    try:
        answer = await run_probe("read", {"path": path, "max_bytes": max_bytes})
    except ProbeError as ex:
        return None, f"could not be read: {ex}"
    if answer["error"]:
        return None, str(answer["error"])
    if not answer["exists"]:
        return None, None
    return base64.b64decode(answer["data_b64"]), None


async def read_output(path: str) -> OutputRead:
    """Read a deliverable at its exact path; when missing, say where copies of it are."""
    raw, error = await read_bytes(path, MAX_OUTPUT_BYTES)
    if raw is not None or error:
        return OutputRead(raw, error=error)
    try:
        elsewhere = await run_probe("find", {"name": posixpath.basename(path)})
    except ProbeError:
        elsewhere = []
    return OutputRead(None, elsewhere=elsewhere)


async def read_text(path: str) -> str | None:
    """A small workspace text file (e.g. a checksum file), or None when missing."""
    raw, _ = await read_bytes(path, 64 * 1024)
    return raw.decode("utf-8", errors="replace") if raw is not None else None


async def document_texts(paths: Iterable[str]) -> dict[str, str | None]:
    """Render each workspace document as the agent's read_file shows it (None: missing)."""
    texts: dict[str, str | None] = {}
    for path in sorted(set(paths)):
        raw, _ = await read_bytes(path, MAX_DOCUMENT_BYTES)
        # Parsing a PDF is CPU work: keep it off the event loop other samples share.
        texts[path] = await asyncio.to_thread(document_text, path, raw) if raw is not None else None
    return texts


async def file_facts(paths: Iterable[str], text_paths: Iterable[str] = ()) -> dict[str, FileFact]:
    """Hash workspace files in the sandbox (symlinks out of the workspace refused).

    Args:
        paths: Files to hash.
        text_paths: Files whose text (first 64 KiB) the checks also need.
    """
    texts = sorted(set(text_paths))
    wanted = sorted(set(paths) | set(texts))
    if not wanted:
        return {}
    try:
        answer = await run_probe("files", {"paths": wanted, "text_paths": texts})
    except ProbeError as ex:
        return {p: FileFact(exists=False, error=f"could not be checked: {ex}") for p in wanted}
    return {p: FileFact.model_validate(answer[p]) for p in wanted}


async def http_facts(
    socket: str,
    routes: Iterable[str],
    health_route: str | None = None,
    program: str | None = None,
) -> dict[str, HttpFact]:
    """GET each route once from the world's service (the health route with retries).

    Args:
        socket: Workspace-relative unix socket of the service.
        routes: Routes to request.
        health_route: The route that gets retries (a flapping check may recover).
        program: When given, the socket must be served by `python3 <program>`;
            answers from any other process (an agent's fake service) count as none.
    """
    wanted = sorted(set(routes))
    requests: list[dict[str, Any]] = []
    for route in wanted:
        request: dict[str, Any] = {"route": route}
        if route == health_route:
            request.update(retries=HEALTH_RETRIES, until_status=200, pause=0.2)
        requests.append(request)
    if not requests:
        return {}

    def unanswered(reason: str) -> dict[str, HttpFact]:
        return {r: HttpFact(status=None, error=reason) for r in wanted}

    try:
        if program is not None:
            owner = await run_probe("owner", {"socket": socket, "program": program})
            if owner["genuine"] is False:
                return unanswered(owner["reason"])
        answers = await run_probe("http", {"socket": socket, "requests": requests})
    except ProbeError as ex:
        return unanswered(f"could not be checked: {ex}")
    return {
        a["route"]: HttpFact(status=a["status"], body=a["body"], error=a["error"]) for a in answers
    }


async def protected_digests(paths: list[str]) -> dict[str, str]:
    """Digest the protected paths now; a failed snapshot shows up as a change."""
    try:
        return await tree_digests(paths)
    except ProbeError as ex:
        return {f"(snapshot failed: {ex})": "error"}


async def world_facts(spec: TaskSpec | None, parsed: ProofParse, socket: str | None) -> WorldFacts:
    """Gather what the checks need: expected and cited routes, cited files."""
    proof = parsed.proof
    routes = [e.route for e in spec.expected.live] if spec else []
    if proof is not None:
        routes += evidence_routes(proof)
    service = spec.service if spec else None
    health = service.health_route if service else None
    program = service.process_marker if service and socket == service.socket else None
    http = await http_facts(socket, routes, health, program) if socket else {}
    cited = evidence_files(proof) if proof is not None else []
    expected_files = [f.path for f in spec.expected.files] if spec else []
    files = await file_facts(cited, expected_files)
    return WorldFacts(files=files, http=http)
