"""Gather end-of-sample facts from the sandbox for the pure verifiers.

Every gatherer fails closed: when the sandbox cannot answer (a hostile world
can make a probe time out or crash), the facts say so and the checks fail,
instead of the scorer raising and the sample being lost.
"""

from __future__ import annotations

import asyncio
import posixpath
from collections.abc import Iterable, Sequence
from typing import Any

from inspect_ai.log import transcript
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from operator_eval import probe
from operator_eval.contracts import ToolRecord
from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._proof import MAX_PROOF_BYTES
from operator_eval.contracts._spec import TaskSpec
from operator_eval.contracts._store import AgentRecord, WorldRecord
from operator_eval.documents import document_text
from operator_eval.probe import ProbeError, tree_digests
from operator_eval.probe._tape import taped
from operator_eval.scorers._control import LOADED_ROUTE, forged_reasons
from operator_eval.scorers._document import MAX_OUTPUT_BYTES, OutputRead
from operator_eval.scorers._expect import (
    Expectation,
    ExpectCheck,
    ExpectCommand,
    ExpectFile,
    ExpectHttp,
)
from operator_eval.scorers._proof import ProofParse, parse_proof
from operator_eval.scorers._record import merge_records, records_from_events, records_from_messages
from operator_eval.scorers._verify import (
    CommandFact,
    ControlFacts,
    CustomFact,
    FileFact,
    HttpFact,
    WorldFacts,
    evidence_files,
    evidence_routes,
)
from operator_eval.world._control import control_request

HEALTH_RETRIES = 8
"""A flapping health check gets this many more tries before it counts as failed."""


def spec_of(state: TaskState) -> TaskSpec | None:
    """Return the TaskSpec in the sample's metadata, or None for foreign tasks."""
    return TaskSpec.from_metadata(state.metadata)


def tool_log(state: TaskState) -> list[ToolRecord]:
    """The evidence of record: every tool call the agent made and what the executor returned.

    The harness's tool log (operator-eval's own tools, with their fault marks), merged
    with Inspect's own record of the sample: its ToolEvents (tools Inspect executes) and
    the tool results that reached the model (bridged LangGraph/LangChain agents).
    """
    # Read, not bound: binding would save the defaults, and a foreign sample keeps no empty log.
    agent = AgentRecord.read(state.store)
    harness = [ToolRecord.model_validate(r) for r in agent.tool_log]
    own_tools_logged = bool(harness) or bool(agent.review_tool_log)
    others = records_from_events(transcript().events) + records_from_messages(state.messages)
    return merge_records(harness, others, own_tools_logged=own_tools_logged)


async def read_proof(proof_path: str) -> ProofParse:
    """Read and parse the proof; when it is missing, look for it at a wrong path."""
    try:
        answer = await probe.read_file(proof_path, MAX_PROOF_BYTES)
    except ProbeError as ex:
        return ProofParse(
            label=FailureLabel.ARTIFACT_MISSING, reason=f"{proof_path}: could not be read: {ex}"
        )
    if answer.error:
        reason = f"{proof_path}: {answer.error}"
        return ProofParse(label=FailureLabel.ARTIFACT_MISSING, reason=reason)
    if not answer.exists:
        try:
            elsewhere = await probe.find_file(posixpath.basename(proof_path))
        except ProbeError:
            elsewhere = []
        if elsewhere:
            return ProofParse(
                label=FailureLabel.ARTIFACT_WRONG_PATH,
                reason=f"{proof_path} missing; found {', '.join(elsewhere[:3])} instead",
            )
        return parse_proof(None, path=proof_path)
    # The probe reads at most MAX_PROOF_BYTES + 1 bytes, enough for parse_proof to refuse.
    return parse_proof(answer.data, path=proof_path)


MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


async def read_bytes(path: str, max_bytes: int) -> tuple[bytes | None, str | None]:
    """A workspace file's bytes (None when missing) and the error when it cannot be read."""
    try:
        answer = await probe.read_file(path, max_bytes)
    except ProbeError as ex:
        return None, f"could not be read: {ex}"
    if answer.error:
        return None, answer.error
    if not answer.exists:
        return None, None
    return answer.data, None


async def read_output(path: str) -> OutputRead:
    """Read a deliverable at its exact path; when missing, say where copies of it are."""
    raw, error = await read_bytes(path, MAX_OUTPUT_BYTES)
    if raw is not None or error:
        return OutputRead(raw, error=error)
    try:
        elsewhere = await probe.find_file(posixpath.basename(path))
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
        answer = await probe.file_digests(wanted, texts)
    except ProbeError as ex:
        return {p: FileFact(exists=False, error=f"could not be checked: {ex}") for p in wanted}
    return {p: FileFact.model_validate(answer[p].model_dump()) for p in wanted}


async def http_facts(
    socket: str | None,
    routes: Iterable[str],
    health_route: str | None = None,
    program: str | None = None,
    *,
    base_url: str | None = None,
    control: ControlFacts | None = None,
) -> dict[str, HttpFact]:
    """GET each route once from the world's service (the health route with retries).

    Args:
        socket: Workspace-relative unix socket of the service.
        routes: Routes to request.
        health_route: The route that gets retries (a flapping check may recover).
        program: When given, the socket must be served by `python3 <program>`;
            answers from any other process (an agent's fake service) count as none.
        base_url: Without a socket: an http://host:port URL the routes are asked at,
            from inside the sandbox.
        control: The world's control plane's record: when given, the answers count only
            if the service is the one the world's tooling started, serving a release it
            installed; otherwise every route is unanswered and marked forged.
    """
    wanted = sorted(set(routes))
    asked = sorted({*wanted, LOADED_ROUTE}) if control is not None else wanted
    requests: list[dict[str, Any]] = []
    for route in asked:
        request: dict[str, Any] = {"route": route}
        if route == health_route:
            request.update(retries=HEALTH_RETRIES, until_status=200, pause=0.2)
        requests.append(request)
    if not requests:
        return {}

    def unanswered(reason: str) -> dict[str, HttpFact]:
        return {r: HttpFact(status=None, error=reason) for r in wanted}

    target: dict[str, Any] = {"socket": socket} if socket else {"base_url": base_url}
    try:
        if program is not None and control is None:
            owner = await probe.socket_owner(socket, program)
            if owner.genuine is False:
                return unanswered(owner.reason)
        answers = await probe.http_get(target, requests)
    except ProbeError as ex:
        return unanswered(f"could not be checked: {ex}")
    facts = {
        a.route: HttpFact(status=a.status, body=a.body, error=a.error) for a in answers
    }
    if control is not None:
        forged = forged_reasons(control, facts.get(LOADED_ROUTE))
        if forged:
            return {r: HttpFact(status=None, error=forged[0], forged=True) for r in wanted}
    return {r: facts[r] for r in wanted if r in facts}


async def control_facts(spec: TaskSpec | None, state: TaskState | None) -> ControlFacts | None:
    """The world's control plane's audit (None for a world without one)."""
    service = spec.service if spec else None
    if service is None or service.control_socket is None or state is None:
        return None
    pid = WorldRecord.read(state.store).control_pid
    if not pid:
        return ControlFacts(reachable=False, reason="the world's control plane was never started")
    answer = await control_request(service, int(pid), {"op": "audit"})
    reply = answer.answer
    owner_pids = answer.service_owners
    if not answer.ok or not isinstance(reply, dict) or "events" not in reply:
        return ControlFacts(reachable=False, reason=str(answer.reason), service_owners=owner_pids)
    return ControlFacts(reachable=True, events=reply["events"], service_owners=owner_pids)


async def protected_digests(paths: list[str]) -> dict[str, str]:
    """Digest the protected paths now; a failed snapshot shows up as a change."""
    try:
        return await tree_digests(paths)
    except ProbeError as ex:
        return {f"(snapshot failed: {ex})": "error"}


COMMAND_OUTPUT_CHARS = 64 * 1024


async def command_fact(exp: ExpectCommand) -> CommandFact:
    """Run an expectation's command in the sandbox now (fails closed; taped for re-scoring)."""

    async def ask() -> dict[str, object]:
        return (await _run_command(exp)).model_dump(mode="json")

    answer = await taped("command", {"command": exp.command, "timeout": exp.timeout}, ask)
    return CommandFact.model_validate(answer)


async def _run_command(exp: ExpectCommand) -> CommandFact:
    try:
        result = await sandbox().exec(["bash", "-c", exp.command], timeout=exp.timeout)
    except TimeoutError:
        return CommandFact(error=f"timed out after {exp.timeout}s")
    except (OSError, RuntimeError, UnicodeDecodeError) as ex:
        return CommandFact(error=f"could not be run: {ex.__class__.__name__}: {ex}")
    output = (result.stdout + result.stderr)[:COMMAND_OUTPUT_CHARS]
    return CommandFact(exit_code=result.returncode, output=output)


async def custom_fact(exp: ExpectCheck, state: TaskState) -> CustomFact:
    """Call a user's check function (taped: a re-score replays its verdict).

    An exception fails the check with its message.
    """

    async def ask() -> dict[str, object]:
        return (await _call_check(exp, state)).model_dump(mode="json")

    return CustomFact.model_validate(await taped("check", {"name": exp.name}, ask))


async def _call_check(exp: ExpectCheck, state: TaskState) -> CustomFact:
    try:
        answer = await exp.check(state)
    except Exception as ex:  # a user's function must fail its check, never the scorer
        return CustomFact(passed=False, reason=f"raised {ex.__class__.__name__}: {ex}")
    if isinstance(answer, tuple):
        return CustomFact(passed=bool(answer[0]), reason=str(answer[1]))
    return CustomFact(passed=bool(answer), reason="passed" if answer else "did not pass")


async def world_facts(
    spec: TaskSpec | None,
    parsed: ProofParse,
    socket: str | None,
    *,
    base_url: str | None = None,
    expect: Sequence[Expectation] = (),
    state: TaskState | None = None,
) -> WorldFacts:
    """Gather what the checks need: expected and cited routes and files, expectations.

    Args:
        spec: The operator-eval sample's spec (None for a foreign task).
        parsed: The agent's proof.
        socket: The service's unix socket (workspace-relative), if any.
        base_url: Otherwise an http://host:port URL reachable from the sandbox.
        expect: A foreign task's expectations (their files, routes, commands, checks).
        state: The sample's state: expectation check functions, the control plane's pid.
    """
    proof = parsed.proof
    routes = [e.route for e in spec.expected.live] if spec else []
    routes += [e.route for e in expect if isinstance(e, ExpectHttp)]
    if proof is not None:
        routes += evidence_routes(proof)
    service = spec.service if spec else None
    health = service.health_route if service else None
    program = service.process_marker if service and socket == service.socket else None
    live_source = socket or base_url
    control = await control_facts(spec, state)
    own_service = service is not None and socket == service.socket
    http = (
        await http_facts(
            socket,
            routes,
            health,
            program,
            base_url=base_url,
            control=control if own_service else None,
        )
        if live_source
        else {}
    )
    cited = evidence_files(proof) if proof is not None else []
    text_files = [f.path for f in spec.expected.files] if spec else []
    text_files += [e.path for e in expect if isinstance(e, ExpectFile)]
    files = await file_facts(cited, text_files)
    commands = {e.command: await command_fact(e) for e in expect if isinstance(e, ExpectCommand)}
    custom = {
        e.name: await custom_fact(e, state)
        for e in expect
        if isinstance(e, ExpectCheck) and state is not None
    }
    return WorldFacts(
        files=files,
        http=http,
        commands=commands,
        custom=custom,
        control=control,
        live_source=live_source,
    )
