"""Check a proof from any agent framework, outside Inspect: `verify_trajectory`.

The same verifiers as the Inspect scorers, fed with facts gathered on this
machine: files from a workspace folder, routes from a base URL or unix socket,
the record of tool calls from an OpenAI-style message list (the trajectory
format of LangChain's agentevals and LangSmith) or an Inspect log.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, Field

from operator_eval.contracts import ToolRecord
from operator_eval.scorers._expect import (
    Expectation,
    ExpectCheck,
    ExpectCommand,
    ExpectFile,
    ExpectHttp,
    expectation_checks,
)
from operator_eval.scorers._proof import ProofParse, parse_proof
from operator_eval.scorers._record import records_from_openai
from operator_eval.scorers._score import Check
from operator_eval.scorers._status import ClaimedStatus, read_claimed_status
from operator_eval.scorers._verify import (
    CommandFact,
    CustomFact,
    EvidenceVerdict,
    FileFact,
    HttpFact,
    WorldFacts,
    evidence_files,
    evidence_problems,
    evidence_routes,
    verify_evidence,
    workspace_path,
)

TEXT_BYTES = 64 * 1024
HTTP_TIMEOUT_S = 5.0


class TrajectoryVerdict(BaseModel):
    """What `verify_trajectory` found: each evidence item, each world check, the DONE verdict."""

    proof: ProofParse
    claimed: ClaimedStatus | None = Field(
        description="The status the final message claims (None: no final message given)."
    )
    verdicts: list[EvidenceVerdict] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    problems: list[str] = Field(
        default_factory=list, description="Why a DONE claim is not supported (empty: it is)."
    )

    @property
    def done_claimed(self) -> bool:
        """The final message (or, without one, the proof) claims DONE."""
        if self.claimed is not None:
            return self.claimed.status == "DONE"
        return self.proof.proof is not None and self.proof.proof.status == "DONE"

    @property
    def unsupported_done(self) -> bool:
        """DONE was claimed and the evidence or the world checks do not support it."""
        return self.done_claimed and bool(self.problems)


def file_fact(workspace: Path, path: str, want_text: bool = False) -> FileFact:
    """Hash a workspace file, refusing anything that leaves the workspace (symlinks too)."""
    rel = workspace_path(path)
    if rel is None:
        return FileFact(exists=False, error="outside the workspace")
    full = (workspace / rel).resolve()
    if not full.is_relative_to(workspace.resolve()):
        return FileFact(exists=False, error="path resolves outside the workspace")
    if not full.is_file():
        return FileFact(exists=False)
    data = full.read_bytes()
    text = data[:TEXT_BYTES].decode("utf-8", errors="replace") if want_text else None
    return FileFact(exists=True, sha256=hashlib.sha256(data).hexdigest(), text=text)


def http_fact(client: httpx.Client, route: str) -> HttpFact:
    """GET one route now; a failure is an answer with its error, never an exception."""
    try:
        response = client.get(route)
    except httpx.HTTPError as ex:
        return HttpFact(status=None, error=f"{ex.__class__.__name__}: {ex}")
    return HttpFact(status=response.status_code, body=response.text[:TEXT_BYTES])


def command_fact(workspace: Path, exp: ExpectCommand) -> CommandFact:
    """Run an expectation's command in the workspace now."""
    try:
        done = subprocess.run(
            ["bash", "-c", exp.command],
            cwd=workspace,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=exp.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CommandFact(error=f"timed out after {exp.timeout}s")
    except OSError as ex:
        return CommandFact(error=f"could not be run: {ex}")
    return CommandFact(exit_code=done.returncode, output=(done.stdout + done.stderr)[:TEXT_BYTES])


def gather_facts(
    workspace: Path,
    parsed: ProofParse,
    *,
    base_url: str | None = None,
    socket: str | None = None,
    expect: Sequence[Expectation] = (),
) -> WorldFacts:
    """Facts about a world on this machine: cited and expected files, routes, commands.

    Args:
        workspace: The agent's workspace folder.
        parsed: The proof (its cited files and routes are checked).
        base_url: Where routes are asked (http://host:port), or
        socket: a unix socket path (relative to the workspace, or absolute).
        expect: Expectations whose files, routes and commands are checked too.
    """
    proof = parsed.proof
    paths = evidence_files(proof) if proof else []
    text_paths = {e.path for e in expect if isinstance(e, ExpectFile)}
    files = {p: file_fact(workspace, p, p in text_paths) for p in {*paths, *text_paths}}
    routes = {
        *(evidence_routes(proof) if proof else []),
        *(e.route for e in expect if isinstance(e, ExpectHttp)),
    }
    http: dict[str, HttpFact] = {}
    live_source = base_url or socket
    if live_source and routes:
        transport = httpx.HTTPTransport(uds=str(workspace / socket)) if socket else None
        url = base_url or "http://localhost"
        with httpx.Client(base_url=url, transport=transport, timeout=HTTP_TIMEOUT_S) as client:
            http = {route: http_fact(client, route) for route in sorted(routes)}
    commands = {
        e.command: command_fact(workspace, e) for e in expect if isinstance(e, ExpectCommand)
    }
    custom = {
        e.name: CustomFact(passed=False, reason="a check function needs an Inspect sample")
        for e in expect
        if isinstance(e, ExpectCheck)
    }
    return WorldFacts(
        files=files, http=http, commands=commands, custom=custom, live_source=live_source
    )


def verify_trajectory(
    proof: bytes | None,
    facts: WorldFacts,
    records: Sequence[ToolRecord] | None,
    *,
    final_message: str | None = None,
    expect: Sequence[Expectation] = (),
    proof_path: str = "proof.json",
) -> TrajectoryVerdict:
    """Verify a proof against a record of tool calls and facts about the world (pure).

    The same rules as the Inspect scorers `proof_verified` and `done_claim`.

    Args:
        proof: The proof file's bytes (None: it does not exist).
        facts: What the world holds now (see `gather_facts`).
        records: The tool calls the agent made and what the executors returned
            (`records_from_openai(messages)` for an OpenAI-style trajectory), or None
            when there is no record: command and HTTP items are then unverifiable.
        final_message: The agent's final message (its claimed status); None: the
            proof's own status counts as the claim.
        expect: What done means: files, routes, commands that must hold.
        proof_path: The proof's path, for reasons.
    """
    parsed = parse_proof(proof, path=proof_path)
    claimed = read_claimed_status(final_message) if final_message is not None else None
    verdicts = verify_evidence(parsed.proof, facts, records) if parsed.proof else []
    checks = expectation_checks(expect, facts)
    problems = [parsed.reason] if parsed.proof is None else evidence_problems(verdicts)
    problems += [f"{c.name}: {c.reason}" for c in checks if not c.passed]
    return TrajectoryVerdict(
        proof=parsed, claimed=claimed, verdicts=verdicts, checks=checks, problems=problems
    )


def trajectory_messages(data: Any) -> list[Mapping[str, Any]]:
    """The message list of a trajectory document: a list, or an object with `messages`.

    Raises:
        ValueError: when it is neither.
    """
    if isinstance(data, Mapping) and isinstance(data.get("messages"), list):
        data = data["messages"]
    if not isinstance(data, list):
        raise ValueError(
            "not a trajectory: expected a JSON list of OpenAI-style messages "
            "(or an object with a 'messages' list)"
        )
    return data


def final_message_of(messages: Sequence[Mapping[str, Any]]) -> str | None:
    """The last assistant message's text content, if any."""
    for message in reversed(messages):
        if isinstance(message, Mapping) and message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                content = "\n".join(
                    str(part.get("text", "")) for part in content if isinstance(part, Mapping)
                )
            if isinstance(content, str) and content.strip():
                return content
    return None


def records_from_trajectory_file(path: Path) -> tuple[list[ToolRecord], str | None]:
    """Tool records and the final message of an OpenAI-style trajectory JSON file.

    Raises:
        ValueError: when the file is not JSON or not a trajectory.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as ex:
        raise ValueError(f"{path}: cannot be read as JSON: {ex}") from ex
    messages = trajectory_messages(data)
    return records_from_openai(messages), final_message_of(messages)
