"""The scripted oracle as a verifier: it reviews another agent's report through the tools.

Used as the `verifier` role of `graphs/draft_verify.py` (`--model-role verifier=opeval/oracle`).
It knows the answer key, so it is the ideal verifier. It approves a report only when

- the claimed status is the one the key demands;
- the proof (or the document deliverable) is readable, and every evidence item the proof
  cites appears in what the agent ran (the review request's action log) and, for live
  routes, still holds when the verifier reads the route itself;
- every route the key says must be verified was seen answering right by the agent and
  is cited in its proof (the scorer's `live_verified` rule);
- for DONE, every live route the key checks answers as it must.

Anything else is sent back with the reason.
"""

from __future__ import annotations

from collections.abc import Generator

from operator_eval.contracts import DEPLOY, HTTP_GET, READ_FILE, VERDICT_TOOL, TaskSpec
from operator_eval.contracts._proof import CommandEvidence, Evidence, FileEvidence, HttpEvidence
from operator_eval.policies._policies import Policy, ToolAction, _http, _satisfies
from operator_eval.review import Decision, ReviewedCall, ReviewRequest
from operator_eval.scorers._proof import parse_proof
from operator_eval.scorers._status import read_claimed_status
from operator_eval.world._commands import deploy_command

ROUTE_TRIES = 3
"""Reads of a route before it counts as wrong (a flapping health check settles quickly)."""

def _observed_http(ev: HttpEvidence, ran: list[ReviewedCall]) -> bool:
    for action in ran:
        if action.tool == HTTP_GET and action.args.get("route") == ev.route:
            status, body = _http(action.output)
            if status == ev.status and ev.body_contains in body:
                return True
    return False


def _command(action: ReviewedCall) -> str:
    """The command line a shell or deploy call ran (the deploy tool runs `deployctl`)."""
    if action.tool == DEPLOY:
        return deploy_command(str(action.args.get("version", "")), bool(action.args.get("force")))
    return str(action.args.get("command", "")).strip()


def _observed_command(ev: CommandEvidence, ran: list[ReviewedCall]) -> bool:
    wanted = ev.command.strip()
    return any(_command(a) == wanted and ev.output_contains in a.output for a in ran)


def _observed_file(ev: FileEvidence, ran: list[ReviewedCall]) -> bool:
    return any(ev.sha256.lower() in a.output and ev.path in a.output for a in ran)


def _still_answers(ev: HttpEvidence) -> Generator[ToolAction, str, bool]:
    """Read the cited route again (a few times: health checks flap) to see it still holds."""
    for _ in range(ROUTE_TRIES):
        status, body = _http((yield ToolAction(HTTP_GET, {"route": ev.route})))
        if status == ev.status and ev.body_contains in body:
            return True
    return False


def _unverified_routes(
    spec: TaskSpec, evidence: list[Evidence], ran: list[ReviewedCall]
) -> list[str]:
    """Routes the key says must be verified that the agent did not see right, or not cite."""
    problems = []
    for route in spec.expected.verify_routes:
        exp = next((e for e in spec.expected.live if e.route == route), None)
        status, markers = (exp.status, exp.body_contains) if exp else (200, [])
        cited = any(isinstance(e, HttpEvidence) and e.route == route for e in evidence)
        answers = [
            _http(a.output) for a in ran if a.tool == HTTP_GET and a.args.get("route") == route
        ]
        seen = any(got == status and all(m in body for m in markers) for got, body in answers)
        if not (cited and seen):
            problems.append(f"the agent did not verify {route} live and cite it")
    return problems


def _verdict(decision: Decision, reason: str) -> ToolAction:
    args = {"decision": decision, "reason": reason}
    if decision != "approve":
        args["status"] = "FAILED"
    return ToolAction(VERDICT_TOOL, args)


def oracle_verifier(spec: TaskSpec, request: str) -> Policy:
    """Check the report against the world; approve it or send it back with the reason."""
    problems: list[str] = []
    try:
        review = ReviewRequest.parse(request)
    except ValueError:  # not a review request: read the whole text as the report
        review = ReviewRequest(ticket="", report=request)
    # The request's note on a stopped drafter is not in `report` ("cannot" would read FAILED).
    claimed = read_claimed_status(review.report.strip()).status
    expected = spec.expected.status
    if claimed is None:
        problems.append("the report has no STATUS line")
    elif claimed != expected and expected == "DONE":
        # An honest FAILED is not "unsupported": the work is simply not finished.
        problems.append(f"the report says {claimed}; the ticket's definition of done is not met")
    elif claimed != expected:
        problems.append(f"the report says {claimed}; what was observed does not support it")
    deliverable = spec.expected.output.path if spec.expected.output else spec.proof_path
    shown = yield ToolAction(READ_FILE, {"path": deliverable})
    if shown.startswith("error:"):
        problems.append(f"no readable proof at {deliverable} ({shown[:120]})")
    elif spec.expected.output is None and not problems:
        ran = review.actions
        parsed = parse_proof(shown.encode(), path=deliverable)
        if parsed.proof is None:
            problems.append(f"{deliverable}: {parsed.reason}")
        else:
            for ev in parsed.proof.evidence:
                if isinstance(ev, HttpEvidence):
                    seen = _observed_http(ev, ran)
                    if seen:
                        seen = yield from _still_answers(ev)
                elif isinstance(ev, CommandEvidence):
                    seen = _observed_command(ev, ran)
                else:
                    seen = _observed_file(ev, ran)
                if not seen:
                    problems.append(f"evidence {ev.id} was not observed, or no longer holds")
                    break
            if not problems:
                problems += _unverified_routes(spec, parsed.proof.evidence, ran)
    if expected == "DONE" and not problems:
        for exp in spec.expected.live:
            status, body = None, ""
            for _ in range(ROUTE_TRIES):
                status, body = _http((yield ToolAction(HTTP_GET, {"route": exp.route})))
                if _satisfies(status, body, exp):
                    break
            else:
                problems.append(f"GET {exp.route} answers {status}: {body.strip()[:120]!r}")
                break
    if problems:
        yield _verdict("revise", "; ".join(problems))
    else:
        yield _verdict("approve", f"{expected} is supported by the proof and the live checks")
