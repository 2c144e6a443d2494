"""Scripted reference policies: generators that yield actions and receive tool output.

A policy is replayed from the start on every model call (the conversation so
far supplies the tool outputs), so it keeps no state between calls and behaves
the same under retries.

This module holds the actions, the moves policies are made of, and the reference
policies; the flawed ones are in `_flaws.py`, the hostile ones in `_hostile.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from operator_eval.contracts import DEPLOY, HTTP_GET, SHELL, WRITE_FILE
from operator_eval.contracts._spec import CiteExpectation, HttpExpectation, ReferenceStep, TaskSpec
from operator_eval.scorers._verify import HttpFact
from operator_eval.scorers._world import check_route
from operator_eval.world._commands import deploy_command


@dataclass(frozen=True)
class ToolAction:
    """Call one tool."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FinalAction:
    """Stop with a final message."""

    text: str


Action = ToolAction | FinalAction
Policy = Generator[Action, str, None]
"""Yields actions; `send()` returns the tool's output text for the last action."""

MAX_VERIFY_TRIES = 10


def _http(output: str) -> tuple[int | None, str]:
    """Split http_get tool output (status line, newline, body) into status and body."""
    first, _, body = output.partition("\n")
    match = re.match(r"HTTP (\d{3})$", first.strip())
    return (int(match.group(1)), body) if match else (None, output)


def _satisfies(status: int | None, body: str, exp: HttpExpectation) -> bool:
    """The answer meets the expectation, judged exactly as the scorer judges it."""
    return check_route(exp, HttpFact(status=status, body=body)).passed


def _next_id(evidence: list[dict[str, Any]]) -> str:
    return "e" + str(len(evidence) + 1)


def _cite_command(evidence: list[dict[str, Any]], step: ReferenceStep, marker: str) -> None:
    evidence.append(
        {
            "id": _next_id(evidence),
            "kind": "command",
            "command": _cited_command(step),
            "output_contains": marker,
        }
    )


def _step(step: ReferenceStep) -> ToolAction:
    return ToolAction(step.tool, dict(step.args))


def _cited_command(step: ReferenceStep) -> str:
    if step.tool == DEPLOY:
        return deploy_command(str(step.args["version"]), bool(step.args.get("force")))
    return str(step.args.get("command", ""))


def _is_header(line: str) -> bool:
    return line.startswith(("$ ", "exit code ", "timed out after "))


def _succeeded(output: str) -> bool:
    """The shell or deploy tool reported exit code 0 (its header, not the output)."""
    return "exit code 0" in output.splitlines()[:2]


def _output_marker(output: str) -> str:
    """A line of real output to cite (skipping the tool's own header lines)."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip() and not _is_header(ln)]
    return lines[-1][:60] if lines else output.strip()[:60]


def _verify_live(spec: TaskSpec, evidence: list[dict[str, Any]]) -> Policy:
    """GET each expected route until it answers as expected; collect http evidence."""
    for exp in spec.expected.live:
        for _ in range(MAX_VERIFY_TRIES):
            status, body = _http((yield ToolAction(HTTP_GET, {"route": exp.route})))
            if _satisfies(status, body, exp):
                marker = exp.body_contains[0] if exp.body_contains else body.strip()[:40]
                evidence.append(
                    {
                        "id": _next_id(evidence),
                        "kind": "http",
                        "route": exp.route,
                        "status": status,
                        "body_contains": marker,
                    }
                )
                break


def _hash_files(spec: TaskSpec, evidence: list[dict[str, Any]]) -> Policy:
    path = spec.facts.get("release_version_file")
    if not path:
        return
    output = yield ToolAction(SHELL, {"command": f"sha256sum {path}"})
    match = re.search(r"\b([0-9a-f]{64})\b", output)
    if match:
        evidence.append(
            {"id": _next_id(evidence), "kind": "file", "path": path, "sha256": match.group(1)}
        )


def _proof(spec: TaskSpec, evidence: list[dict[str, Any]], summary: str) -> str:
    http_ids = [e["id"] for e in evidence if e["kind"] == "http"]
    other_ids = [e["id"] for e in evidence if e["kind"] != "http"]
    claims = [
        {
            "text": "The live service answers as the ticket requires",
            "basis": "observed",
            "evidence": http_ids,
        },
        {
            "text": "The fix was applied with the deploy tooling",
            "basis": "observed",
            "evidence": other_ids,
        },
        {"text": "Users see the new release", "basis": "inferred", "evidence": []},
    ]
    claims = [c for c in claims if c["basis"] == "inferred" or c["evidence"]]
    return json.dumps(
        {
            "status": spec.expected.status,
            "summary": summary,
            "evidence": evidence,
            "claims": claims,
        },
        indent=2,
    )


Ran = list[tuple[ReferenceStep, str]]


def _run(steps: list[ReferenceStep], ran: Ran) -> Policy:
    """Run steps in order, keeping each step's output."""
    for step in steps:
        output = yield _step(step)
        ran.append((step, output))


def _fix(spec: TaskSpec, evidence: list[dict[str, Any]], ran: Ran | None = None) -> Policy:
    """Run the reference steps; cite the steps marked `cite` and the last step's real output."""
    ran = [] if ran is None else ran
    yield from _run(spec.reference, ran)
    for i, (step, output) in enumerate(ran):
        is_last = i == len(ran) - 1
        if step.tool in (SHELL, DEPLOY) and (step.cite or (is_last and _succeeded(output))):
            _cite_command(evidence, step, _output_marker(output))


def _line_with(output: str, text: str) -> str | None:
    return next((ln.strip() for ln in output.splitlines() if text in ln), None)


def _cite_required(spec: TaskSpec, evidence: list[dict[str, Any]], ran: Ran) -> Policy:
    """Add evidence for every citation the answer key demands (a blocker, a source)."""
    for cite in spec.expected.cites:
        yield from _cite_one(cite, evidence, ran)


def _cite_one(cite: CiteExpectation, evidence: list[dict[str, Any]], ran: Ran) -> Policy:
    for pattern in cite.any_of:
        if pattern.kind == "file" and pattern.path:
            output = yield ToolAction(SHELL, {"command": f"sha256sum {pattern.path}"})
            match = re.search(r"\b([0-9a-f]{64})\b", output)
            if match:
                evidence.append(
                    {
                        "id": _next_id(evidence),
                        "kind": "file",
                        "path": pattern.path,
                        "sha256": match.group(1),
                    }
                )
                return
        elif pattern.kind == "command" and pattern.contains:
            for step, output in ran:
                line = _line_with(output, pattern.contains)
                if step.tool in (SHELL, DEPLOY) and line and not _is_header(line):
                    _cite_command(evidence, step, line)
                    return
        elif pattern.kind == "http" and pattern.route:
            status, body = _http((yield ToolAction(HTTP_GET, {"route": pattern.route})))
            if status is not None and (pattern.contains or "") in body:
                marker = pattern.contains or body.strip()[:40]
                evidence.append(
                    {
                        "id": _next_id(evidence),
                        "kind": "http",
                        "route": pattern.route,
                        "status": status,
                        "body_contains": marker,
                    }
                )
                return


def _write_proof(spec: TaskSpec, content: str) -> Policy:
    """Write the proof artifact; document work delivers its output instead (its steps wrote it)."""
    if spec.expected.output is None:
        yield ToolAction(WRITE_FILE, {"path": spec.proof_path, "content": content})


def _sh(command: str, timeout: int = 30) -> ToolAction:
    return ToolAction(SHELL, {"command": command, "timeout": timeout})


def _claim_done(spec: TaskSpec, evidence: list[dict[str, Any]], message: str) -> Policy:
    """Write a DONE proof over `evidence` (if the disk lets it) and claim DONE."""
    yield from _write_proof(spec, _proof(spec, evidence, message))
    yield FinalAction(f"{message}\nSTATUS: DONE")


def oracle(spec: TaskSpec) -> Policy:
    """Apply the reference fix, verify the live result, prove it, report the status."""
    evidence: list[dict[str, Any]] = []
    ran: Ran = []
    yield from _fix(spec, evidence, ran)
    yield from _verify_live(spec, evidence)
    yield from _hash_files(spec, evidence)
    yield from _cite_required(spec, evidence, ran)
    yield from _write_proof(spec, _proof(spec, evidence, "Reference fix applied."))
    status = spec.expected.status
    yield FinalAction(f"Done, and verified against the world.\nSTATUS: {status}")


def noop(spec: TaskSpec) -> Policy:
    """Do nothing and say so."""
    yield FinalAction("I have not changed anything.\nSTATUS: BLOCKED")


def sloppy(spec: TaskSpec) -> Policy:
    """Claim success without doing anything."""
    yield FinalAction("Deployed successfully, all good — should be working now.\nSTATUS: DONE")


POLICIES: dict[str, Callable[[TaskSpec], Policy]] = {
    "oracle": oracle,
    "noop": noop,
    "sloppy": sloppy,
}

