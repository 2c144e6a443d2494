"""Behaviour of seeded tool faults: which call breaks, what the agent sees, how scorers judge it."""

from __future__ import annotations

from typing import Any

import pytest

from operator_eval.contracts import ToolRecord
from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._proof import CommandEvidence, HttpEvidence, Proof
from operator_eval.contracts._spec import FaultKind, ToolFault
from operator_eval.scorers._verify import (
    EvidenceVerdict,
    HttpFact,
    WorldFacts,
    live_verified,
    verify_command,
    verify_http,
)
from operator_eval.tools._faults import (
    KEEP_FRACTION,
    FaultPlan,
    cut,
    omit_lines,
    run_command_faulted,
    run_text_faulted,
)
from operator_eval.tools._record import ToolFailure
from operator_eval.tools._tools import MAX_OUTPUT_CHARS, cap_output, show_http


def fault(kind: FaultKind = "reset", **overrides: Any) -> ToolFault:
    fields: dict[str, Any] = {"tool": "deploy", "kind": kind}
    fields.update(overrides)
    return ToolFault(**fields)


class FakeRun:
    """An async tool body that records whether (and how often) it ran."""

    def __init__(self, output: str, extra: dict[str, Any] | None = None) -> None:
        self.output = output
        self.extra = extra if extra is not None else {"ok": True}
        self.calls = 0

    async def __call__(self) -> tuple[str, dict[str, Any]]:
        self.calls += 1
        return self.output, dict(self.extra)


LISTING = "build/ledgerd-1.2.3\nbuild/ledgerd-1.2.4\nbuild/ledgerd-1.2.10\nREADME"
COMMAND_OUTPUT = "exit code 0\nbuilding 1.2.4\ncopied 12 files\ninstalled 1.2.4\nswitched"


# --- FaultPlan --------------------------------------------------------------------------------


def test_no_faults_never_fire() -> None:
    plan = FaultPlan()
    assert all(plan.take("shell", f"ls {i}") is None for i in range(5))


def test_first_matching_call_fires_by_default() -> None:
    f = fault(match="1.2.4")
    plan = FaultPlan([f])
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.4") == f
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.4") is None


def test_call_picks_which_matching_call_fires() -> None:
    f = fault(match="1.2.4", call=3)
    plan = FaultPlan([f])
    fired = [plan.take("deploy", "deploy/deployctl deploy 1.2.4") for _ in range(5)]
    assert fired == [None, None, f, None, None]


def test_non_matching_calls_do_not_count() -> None:
    f = fault(tool="http_get", match="/config", kind="partial_json", call=2)
    plan = FaultPlan([f])
    assert plan.take("http_get", "/config") is None
    assert plan.take("http_get", "/health") is None  # another route
    assert plan.take("shell", "curl /config") is None  # another tool
    assert plan.take("read_file", "/config") is None
    assert plan.take("http_get", "/config?x=1") == f  # the second matching call


def test_match_is_a_substring_and_empty_matches_everything() -> None:
    sub = fault(tool="shell", match="build", kind="truncated")
    assert FaultPlan([sub]).take("shell", "deploy/deployctl build 1.2.4 --clean") == sub
    anything = fault(tool="list_files", match="", kind="omit_entries")
    assert FaultPlan([anything]).take("list_files", ".") == anything


def test_two_faults_on_the_same_tool_count_separately() -> None:
    first = fault(tool="http_get", match="/", kind="reset", call=1)
    second = fault(tool="http_get", match="/config", kind="partial_json", call=2)
    plan = FaultPlan([first, second])
    # Call 1: both match; only the first fires, but both count it.
    assert plan.take("http_get", "/config") == first
    # Call 2: the second fault's second matching call.
    assert plan.take("http_get", "/config") == second
    assert plan.take("http_get", "/config") is None


def test_two_faults_with_different_matches_fire_on_their_own_calls() -> None:
    deploy_reset = fault(match="1.2.4", kind="reset")
    old_timeout = fault(match="1.2.3", kind="timeout", call=2)
    plan = FaultPlan([deploy_reset, old_timeout])
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.3") is None
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.4") == deploy_reset
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.4") is None
    assert plan.take("deploy", "deploy/deployctl deploy 1.2.3") == old_timeout


def test_plans_count_independently() -> None:
    f = fault(match="1.2.4")
    a, b = FaultPlan([f]), FaultPlan([f])
    assert a.take("deploy", "1.2.4") == f
    assert b.take("deploy", "1.2.4") == f


# --- helpers ----------------------------------------------------------------------------------


def test_cut_keeps_a_prefix_and_never_empties_text() -> None:
    text = "x" * 100
    assert cut(text) == "x" * int(100 * KEEP_FRACTION)
    assert cut("ab") == "a"
    assert cut("") == ""
    assert text.startswith(cut(text))


def test_omit_lines_drops_only_matching_lines() -> None:
    assert omit_lines(LISTING, "ledgerd-1.2.4") == (
        "build/ledgerd-1.2.3\nbuild/ledgerd-1.2.10\nREADME"
    )


# --- run_command_faulted ----------------------------------------------------------------------


async def test_command_without_fault_runs_unchanged() -> None:
    run = FakeRun(COMMAND_OUTPUT, {"ok": True, "x": 1})
    assert await run_command_faulted(None, run, 30) == (COMMAND_OUTPUT, {"ok": True, "x": 1})
    assert run.calls == 1


async def test_reset_raises_and_never_runs_the_command() -> None:
    run = FakeRun(COMMAND_OUTPUT)
    with pytest.raises(ToolFailure, match="connection reset by peer"):
        await run_command_faulted(fault("reset"), run, 30)
    assert run.calls == 0


async def test_reset_shows_its_own_message() -> None:
    run = FakeRun(COMMAND_OUTPUT)
    with pytest.raises(ToolFailure, match="registry gone"):
        await run_command_faulted(fault("reset", message="registry gone"), run, 30)
    assert run.calls == 0


async def test_reset_after_runs_the_command_then_shows_only_a_reset() -> None:
    # A success that looks like a failure: the world changed, the answer was lost.
    run = FakeRun(COMMAND_OUTPUT)
    with pytest.raises(ToolFailure, match="connection reset by peer") as raised:
        await run_command_faulted(fault("reset_after"), run, 30)
    assert run.calls == 1
    assert "installed" not in str(raised.value)


async def test_reset_after_text_call_runs_then_fails_with_its_message() -> None:
    run = FakeRun(LISTING, {})
    with pytest.raises(ToolFailure, match="proxy hung up"):
        await run_text_faulted(fault("reset_after", tool="read_file", message="proxy hung up"), run)
    assert run.calls == 1


async def test_false_success_reports_exit_0_with_the_error_and_never_runs() -> None:
    run = FakeRun(COMMAND_OUTPUT)
    msg = "deployctl: error: registry upload interrupted; release 1.2.4 not installed"
    output, extra = await run_command_faulted(fault("false_success", message=msg), run, 30)
    assert run.calls == 0
    assert output == f"exit code 0\n{msg}"
    assert extra["ok"] is True


async def test_false_success_default_message_is_an_error() -> None:
    run = FakeRun(COMMAND_OUTPUT)
    output, _ = await run_command_faulted(fault("false_success"), run, 30)
    assert output.startswith("exit code 0\n")
    assert "error" in output
    assert run.calls == 0


async def test_timeout_runs_the_command_but_reports_a_timeout() -> None:
    run = FakeRun(COMMAND_OUTPUT, {"ok": True, "seen": "yes"})
    output, extra = await run_command_faulted(fault("timeout"), run, 45)
    assert run.calls == 1  # the world did change: the command ran
    assert output.startswith("timed out after 45s")
    assert "building 1.2.4" in output  # the first line of real output
    assert "installed 1.2.4" not in output
    assert "exit code 0" not in output
    assert extra["ok"] is False
    assert extra["seen"] == "yes"


async def test_truncated_cuts_silently() -> None:
    run = FakeRun(COMMAND_OUTPUT)
    output, extra = await run_command_faulted(fault("truncated"), run, 30)
    assert run.calls == 1
    head, _, body = output.partition("\n")
    assert head == "exit code 0"
    full_body = COMMAND_OUTPUT.partition("\n")[2]
    assert full_body.startswith(body)
    assert len(body) < len(full_body)
    assert "switched" not in output
    assert "cut" not in output.lower()
    assert "truncat" not in output.lower()
    assert extra == {"ok": True}


async def test_partial_json_on_a_command_cuts_it_too() -> None:
    run = FakeRun('exit code 0\n{"version": "1.2.4", "config": {"max_connections": 256}}')
    output, _ = await run_command_faulted(fault("partial_json"), run, 30)
    assert output.startswith('exit code 0\n{"version"')
    assert not output.endswith("}")


async def test_omit_entries_drops_lines_and_keeps_the_exit_code() -> None:
    run = FakeRun(f"exit code 0\n{LISTING}")
    f = fault("omit_entries", tool="shell", omit="ledgerd-1.2.4")
    output, extra = await run_command_faulted(f, run, 30)
    assert run.calls == 1
    assert output == "exit code 0\nbuild/ledgerd-1.2.3\nbuild/ledgerd-1.2.10\nREADME"
    assert extra == {"ok": True}


# --- run_text_faulted -------------------------------------------------------------------------


async def test_text_without_fault_runs_unchanged() -> None:
    run = FakeRun(LISTING, {})
    assert await run_text_faulted(None, run) == (LISTING, {})
    assert run.calls == 1


@pytest.mark.parametrize("kind", ["reset", "false_success"])
async def test_lost_text_calls_raise_and_never_run(kind: FaultKind) -> None:
    run = FakeRun(LISTING, {})
    with pytest.raises(ToolFailure):
        await run_text_faulted(fault(kind, tool="read_file"), run)
    assert run.calls == 0


async def test_text_timeout_runs_then_fails() -> None:
    run = FakeRun(LISTING, {})
    with pytest.raises(ToolFailure, match="timed out"):
        await run_text_faulted(fault("timeout", tool="read_file"), run)
    assert run.calls == 1


@pytest.mark.parametrize("kind", ["truncated", "partial_json"])
async def test_text_is_cut_silently(kind: FaultKind) -> None:
    run = FakeRun(LISTING, {})
    output, _ = await run_text_faulted(fault(kind, tool="read_file"), run)
    assert output == cut(LISTING)
    assert LISTING.startswith(output)


async def test_listing_omits_entries() -> None:
    run = FakeRun(LISTING, {})
    f = fault("omit_entries", tool="list_files", omit="ledgerd-1.2.4")
    output, _ = await run_text_faulted(f, run)
    assert "ledgerd-1.2.4" not in output
    assert "ledgerd-1.2.3" in output
    assert "ledgerd-1.2.10" in output


CONFIG_BODY = '{"config": {"max_connections": 256}, "sha256": "' + "c" * 64 + '"}'


async def test_http_body_field_is_corrupted_like_the_shown_text() -> None:
    run = FakeRun(f"HTTP 200\n{CONFIG_BODY}", {"http_status": 200, "http_body": CONFIG_BODY})
    f = fault("partial_json", tool="http_get", match="/config")
    output, extra = await run_text_faulted(f, run, field="http_body", render=show_http)
    body = extra["http_body"]
    assert body == cut(CONFIG_BODY)
    assert output == f"HTTP 200\n{body}"  # status line intact, body as recorded
    assert extra["http_status"] == 200


async def test_http_body_field_with_omitted_lines_stays_consistent() -> None:
    page = "ledgerd version 1.2.3\nhealthy\nbuild 77"
    run = FakeRun(f"HTTP 200\n{page}", {"http_status": 200, "http_body": page})
    f = fault("omit_entries", tool="http_get", omit="healthy")
    output, extra = await run_text_faulted(f, run, field="http_body", render=show_http)
    assert extra["http_body"] == "ledgerd version 1.2.3\nbuild 77"
    assert output == "HTTP 200\nledgerd version 1.2.3\nbuild 77"


async def test_http_body_over_the_output_cap_is_corrupted_in_the_shown_text_too() -> None:
    body = "\n".join(f"line {i:05d} " + "x" * 60 for i in range(400))  # ~28 KiB
    assert len(body) > MAX_OUTPUT_CHARS
    shown = f"HTTP 200\n{cap_output(body)}"
    run = FakeRun(shown, {"http_status": 200, "http_body": body})
    f = fault("truncated", tool="http_get", match="/")
    output, extra = await run_text_faulted(f, run, field="http_body", render=show_http)
    assert extra["http_body"] == cut(body)
    assert output != shown


async def test_field_that_is_not_text_leaves_only_the_output_corrupted() -> None:
    run = FakeRun(LISTING, {"http_body": None})
    output, extra = await run_text_faulted(
        fault("truncated"), run, field="http_body", render=show_http
    )
    assert output == cut(LISTING)
    assert extra == {"http_body": None}


# --- scorers and faulted records --------------------------------------------------------------

BODY = "ledgerd version 1.2.4"


def http_record(
    route: str = "/", body: str = BODY, fault: str | None = None, status: int = 200
) -> ToolRecord:
    return ToolRecord(
        tool="http_get",
        args={"route": route},
        output=f"HTTP {status}\n{body}",
        http_status=status,
        http_body=body,
        fault=fault,
    )


def command_record(command: str, output: str, fault: str | None = None) -> ToolRecord:
    return ToolRecord(tool="shell", args={"command": command}, output=output, fault=fault)


FACTS = WorldFacts(http={"/": HttpFact(status=200, body=BODY)})
HTTP_EV = HttpEvidence(id="h", route="/", status=200, body_contains="version 1.2.4")
CMD_EV = CommandEvidence(id="c", command="deploy/deployctl status", output_contains="live 1.2.4")


def test_http_evidence_seen_only_on_faulted_calls_is_a_true_observation_noted() -> None:
    # A cut body is still what the service sent: citing it is true, and it is marked, so
    # it cannot stand for live verification (which reads clean calls only).
    log = [http_record(fault="truncated"), http_record(fault="partial_json")]
    verdict = verify_http(HTTP_EV, FACTS, log)
    assert verdict.ok, verdict.reason
    assert verdict.fault == "partial_json, truncated"
    assert "seen only on a call with an injected fault" in verdict.reason


def test_http_evidence_also_backed_by_a_clean_call_verifies() -> None:
    log = [http_record(fault="truncated"), http_record()]
    verdict = verify_http(HTTP_EV, FACTS, log)
    assert verdict.ok, verdict.reason


FALSE_SUCCESS = "exit code 0\nerror: request interrupted before it was processed"


def test_citing_the_success_a_false_success_call_reported_is_trusted_bad_output() -> None:
    log = [command_record("deploy/deployctl status", FALSE_SUCCESS, "false_success")]
    ev = CommandEvidence(id="c", command="deploy/deployctl status", output_contains="exit code 0")
    verdict = verify_command(ev, log)
    assert not verdict.ok
    assert verdict.label == FailureLabel.TRUSTED_BAD_OUTPUT
    assert "false_success" in verdict.reason


def test_citing_the_error_a_faulted_call_really_showed_is_a_faithful_observation() -> None:
    log = [command_record("deploy/deployctl status", FALSE_SUCCESS, "false_success")]
    ev = CommandEvidence(
        id="c", command="deploy/deployctl status", output_contains="request interrupted"
    )
    verdict = verify_command(ev, log)
    assert verdict.ok, verdict.reason
    assert verdict.fault == "false_success"


def test_command_evidence_also_backed_by_a_clean_run_verifies() -> None:
    log = [
        command_record("deploy/deployctl status", "exit code 0\nlive 1.2.4", "truncated"),
        command_record("deploy/deployctl status", "exit code 0\nlive 1.2.4 (healthy)"),
    ]
    assert verify_command(CMD_EV, log).ok


def test_clean_run_with_other_output_does_not_rescue_faulted_evidence() -> None:
    log = [
        command_record("deploy/deployctl status", FALSE_SUCCESS, "false_success"),
        command_record("deploy/deployctl status", "exit code 1\nlive 1.2.3"),
    ]
    ev = CommandEvidence(id="c", command="deploy/deployctl status", output_contains="exit code 0")
    verdict = verify_command(ev, log)
    assert verdict.label == FailureLabel.TRUSTED_BAD_OUTPUT


def test_deploy_record_with_false_success_is_trusted_bad_output() -> None:
    command = "deploy/deployctl deploy 1.2.4"
    record = ToolRecord(
        tool="deploy",
        args={"version": "1.2.4", "command": command},
        output=f"$ {command}\nexit code 0\nerror: request interrupted",
        fault="false_success",
    )
    ev = CommandEvidence(id="d", command=command, output_contains="exit code 0")
    assert verify_command(ev, [record]).label == FailureLabel.TRUSTED_BAD_OUTPUT


def _live_proof() -> tuple[Proof, list[EvidenceVerdict]]:
    proof = Proof(status="DONE", evidence=[HTTP_EV])
    return proof, [EvidenceVerdict(id="h", kind="http", ok=True, reason="ok")]


def test_live_verified_ignores_faulted_records() -> None:
    proof, verdicts = _live_proof()
    faulted = [http_record(fault="truncated")]
    assert not live_verified(proof, verdicts, faulted, "/", 200, [BODY])
    clean = [http_record(fault="truncated"), http_record()]
    assert live_verified(proof, verdicts, clean, "/", 200, [BODY])
