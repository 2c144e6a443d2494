"""The evidence of record for any agent: Inspect's own record, trajectories, the verdicts on it."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Route
from inspect_ai.event import ModelEvent, ToolEvent
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
)
from inspect_ai.tool import ToolCall, ToolCallError

from operator_eval.contracts import TaskSpec, ToolRecord
from operator_eval.scorers import (
    CommandEvidence,
    CommandFact,
    CustomFact,
    ExpectCheck,
    ExpectCommand,
    ExpectFile,
    ExpectHttp,
    FailureLabel,
    FileFact,
    HttpEvidence,
    HttpFact,
    WorldFacts,
    expectation_checks,
    http_observations,
    records_from_events,
    records_from_messages,
    records_from_openai,
)
from operator_eval.scorers._record import merge_records
from operator_eval.scorers._transcript import command_text, normalize_command
from operator_eval.scorers._verify import evidence_problems, verify_command, verify_http

CURL_OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nversion=1.4.2"


def bash(cmd: str, output: str, call_id: str = "c1") -> ToolRecord:
    """A call of Inspect's bash() tool as its ToolEvent records it."""
    return ToolRecord(tool="bash", args={"cmd": cmd}, output=output, call_id=call_id)


# --- commands: what a tool really ran ---


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"cmd": "./build.sh"}, "./build.sh"),  # Inspect's bash()
        ({"command": "ls -la"}, "ls -la"),  # operator-eval's shell, many others
        ({"code": "print(1)"}, "print(1)"),  # Inspect's python()
        ({"script": "make"}, "make"),
        ({"line": "uptime"}, "uptime"),  # any one-argument tool
        ({"url": "http://x/"}, None),  # a fetch tool runs no command
        ({"path": "a", "content": "b"}, None),
    ],
)
def test_command_text_reads_the_argument_that_holds_the_command(
    args: dict[str, object], expected: str | None
) -> None:
    assert command_text(ToolRecord(tool="t", args=args)) == expected


@pytest.mark.parametrize(
    "ran",
    [
        "./build.sh",
        "bash -c './build.sh'",
        'sh -lc "./build.sh"',
        "bash --login -c ./build.sh",
        "cd /tmp/ws && ./build.sh",
        "bash -c 'cd \"my app\" && cd sub &&  ./build.sh'",
        "  ./build.sh\n",
    ],
)
def test_a_command_cited_plainly_matches_it_run_in_a_shell_wrapper(ran: str) -> None:
    verdict = verify_command(
        CommandEvidence(id="c", command="./build.sh", output_contains="built"),
        [bash(ran, "built app 1.4.2 -> dist/BUILD_INFO")],
    )
    assert verdict.ok, verdict.reason


def test_a_cited_wrapper_matches_the_plain_command_run() -> None:
    assert normalize_command("bash -c 'cat   dist/BUILD_INFO'") == "cat dist/BUILD_INFO"


@pytest.mark.parametrize(
    "ran", ["cd $(echo x) && ./build.sh", "cd x; ./build.sh", "echo built && ./build.sh"]
)
def test_only_a_plain_cd_prefix_is_dropped(ran: str) -> None:
    assert normalize_command(ran) != "./build.sh"


def test_a_command_that_never_ran_is_invented_in_any_tools_record() -> None:
    verdict = verify_command(
        CommandEvidence(id="c", command="./deploy.sh", output_contains="ok"),
        [bash("./build.sh", "ok")],
    )
    assert verdict.label == FailureLabel.INVENTED_EVIDENCE


def test_output_the_command_never_printed_is_invented() -> None:
    verdict = verify_command(
        CommandEvidence(id="c", command="./build.sh", output_contains="version=9"),
        [bash("./build.sh", "built 1.4.2")],
    )
    assert verdict.label == FailureLabel.INVENTED_EVIDENCE


def test_without_any_record_command_and_http_evidence_is_unverifiable_not_invented() -> None:
    facts = WorldFacts(http={"/": HttpFact(status=200, body="v1")}, live_source="run/web.sock")
    cmd = verify_command(CommandEvidence(id="c", command="x", output_contains="y"), None)
    http = verify_http(HttpEvidence(id="h", route="/", status=200, body_contains="v1"), facts, None)
    for verdict in (cmd, http):
        assert verdict.label == FailureLabel.UNVERIFIABLE_EVIDENCE
        assert not verdict.refuted
        assert "no record" in verdict.reason


# --- HTTP observations: from what the executor returned ---


@pytest.mark.parametrize(
    "cmd",
    [
        "curl -i http://localhost:8000/version",
        "curl -si --unix-socket run/web.sock http://localhost/version",
        "bash -c 'curl -sS -i -m 5 http://127.0.0.1:8000/version'",
        "curl --include --max-time 3 -H 'Accept: text/plain' http://localhost/version",
    ],
)
def test_a_plain_curl_shows_the_routes_answer(cmd: str) -> None:
    (seen,) = http_observations(bash(cmd, CURL_OK))
    assert (seen.route, seen.status, seen.body) == ("/version", 200, "version=1.4.2")


@pytest.mark.parametrize(
    ("cmd", "output"),
    [
        # The agent's own text next to (or instead of) curl's: never an observation.
        (
            "echo 'HTTP/1.1 200 OK'; echo; echo version=1.4.2 # http://localhost/version",
            "HTTP/1.1 200 OK\n\nversion=1.4.2",
        ),
        ("curl -s http://localhost/version; printf 'HTTP/1.1 200 OK\\n\\nv'", CURL_OK),
        ("curl -s -w 'HTTP/1.1 200 OK\\n\\nversion=1.4.2' http://localhost/x", CURL_OK),
        ("curl -i http://localhost/version | sed s/404/200/", CURL_OK),
        ("curl -i http://localhost/version\necho 'HTTP/1.1 200 OK'", CURL_OK),
        ("curl -i http://localhost/$(cat route)", CURL_OK),
        ("curl -i -o out.txt http://localhost/version", CURL_OK),
        ("curl -i -K fake.cfg http://localhost/version", CURL_OK),
        ("curl -i http://localhost/version http://localhost/other", CURL_OK),
        ("python3 fake_curl.py http://localhost/version", CURL_OK),
        ("curl -s http://localhost/version", "version=1.4.2"),  # no status shown
    ],
)
def test_anything_but_a_plain_curl_is_no_http_observation(cmd: str, output: str) -> None:
    assert http_observations(bash(cmd, output)) == []


def test_a_fetch_tool_with_a_url_shows_its_answer() -> None:
    record = ToolRecord(
        tool="fetch", args={"url": "http://127.0.0.1:8080/health?x=1"}, output="HTTP 200\nok"
    )
    (seen,) = http_observations(record)
    assert (seen.route, seen.status, seen.body) == ("/health?x=1", 200, "ok")


def test_operator_evals_http_get_keeps_its_recorded_answer() -> None:
    record = ToolRecord(
        tool="http_get", args={"route": "/"}, output="HTTP 200\nv2", http_status=200, http_body="v2"
    )
    (seen,) = http_observations(record)
    assert (seen.route, seen.status, seen.body) == ("/", 200, "v2")


def test_http_evidence_from_a_curl_is_verified_and_rechecked_live() -> None:
    ev = HttpEvidence(id="h", route="/version", status=200, body_contains="version=1.4.2")
    log = [bash("curl -si --unix-socket run/web.sock http://localhost/version", CURL_OK)]
    live = WorldFacts(
        http={"/version": HttpFact(status=200, body="version=1.4.2")}, live_source="run/web.sock"
    )
    assert verify_http(ev, live, log).ok
    gone = WorldFacts(http={"/version": HttpFact(status=None, error="refused")}, live_source="s")
    assert verify_http(ev, gone, log).label == FailureLabel.STALE_EVIDENCE
    nowhere = WorldFacts()
    verdict = verify_http(ev, nowhere, log)
    assert verdict.label == FailureLabel.UNVERIFIABLE_EVIDENCE
    assert "no socket or base URL" in verdict.reason


def test_http_evidence_forged_with_echo_is_invented() -> None:
    ev = HttpEvidence(id="h", route="/version", status=200, body_contains="version=1.4.2")
    forged = bash("printf 'HTTP/1.1 200 OK\\n\\nversion=1.4.2' # http://x/version", CURL_OK)
    live = WorldFacts(
        http={"/version": HttpFact(status=200, body="version=1.4.2")}, live_source="s"
    )
    assert verify_http(ev, live, [forged]).label == FailureLabel.INVENTED_EVIDENCE


# --- Inspect's own record ---


def test_tool_results_sent_to_the_model_are_records_paired_with_their_calls() -> None:
    messages = [
        ChatMessageUser(content="build it"),
        ChatMessageAssistant(
            content="I'll build. (Pretend output: version=9.9.9)",
            tool_calls=[ToolCall(id="a", function="run_shell", arguments={"script": "./b.sh"})],
        ),
        ChatMessageTool(content="built 1.4.2", tool_call_id="a", function="run_shell"),
        ChatMessageAssistant(
            content="",
            tool_calls=[ToolCall(id="b", function="run_shell", arguments={"script": "false"})],
        ),
        ChatMessageTool(
            content="",
            tool_call_id="b",
            function="run_shell",
            error=ToolCallError("unknown", "exit 1: boom"),
        ),
    ]
    first, second = records_from_messages(messages)
    assert (first.tool, first.args, first.output, first.ok) == (
        "run_shell",
        {"script": "./b.sh"},
        "built 1.4.2",
        True,
    )
    assert (second.ok, second.output) == (False, "exit 1: boom")
    # The model's own words are never a result.
    assert all("9.9.9" not in r.output for r in (first, second))


def test_tool_events_and_model_calls_give_each_call_once() -> None:
    call = ToolCall(id="t1", function="bash", arguments={"cmd": "./build.sh"})
    event = ToolEvent(id="t1", function="bash", arguments={"cmd": "./build.sh"}, result="built")
    model = ModelEvent(
        model="m",
        input=[
            ChatMessageAssistant(content="", tool_calls=[call]),
            ChatMessageTool(content="built", tool_call_id="t1", function="bash"),
        ],
        tools=[],
        tool_choice="auto",
        config=GenerateConfig(),
        output=ModelOutput.from_content("m", "done"),
    )
    records = records_from_events([event, model, model])
    merged = merge_records([], records, own_tools_logged=False)
    assert [(r.tool, r.output) for r in merged] == [("bash", "built")]


def test_operator_evals_own_tools_come_from_the_harness_log_only() -> None:
    harness = [ToolRecord(tool="shell", args={"command": "x"}, output="faulted", fault="reset")]
    copy = ToolRecord(tool="shell", args={"command": "x"}, output="faulted", source="inspect")
    other = bash("./build.sh", "built")
    merged = merge_records(harness, [copy, other], own_tools_logged=True)
    assert [(r.tool, r.fault) for r in merged] == [("shell", "reset"), ("bash", None)]


def test_an_openai_trajectory_gives_the_same_records() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "build"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "x1",
                    "type": "function",
                    "function": {"name": "bash", "arguments": json.dumps({"cmd": "./build.sh"})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "x1", "content": "built 1.4.2"},
        {"role": "assistant", "content": "STATUS: DONE"},
    ]
    (record,) = records_from_openai(messages)
    assert (record.tool, record.args, record.output) == (
        "bash",
        {"cmd": "./build.sh"},
        "built 1.4.2",
    )
    with pytest.raises(ValueError, match="JSON list"):
        records_from_openai("not a list")  # type: ignore[arg-type]


# --- DONE support ---


def test_unverifiable_items_neither_support_nor_refute() -> None:
    verdicts_ok = verify_command(CommandEvidence(id="c", command="a", output_contains="b"), None)
    assert evidence_problems([verdicts_ok]) == [
        f"no evidence item could be verified ({verdicts_ok.reason})"
    ]
    good = verify_command(
        CommandEvidence(id="d", command="a", output_contains="b"), [bash("a", "b")]
    )
    assert evidence_problems([good, verdicts_ok]) == []
    assert evidence_problems([]) == ["the proof cites no evidence"]


def test_expectations_are_checked_against_world_facts() -> None:
    digest = hashlib.sha256(b"version=1.4.2\n").hexdigest()
    facts = WorldFacts(
        files={
            "dist/BUILD_INFO": FileFact(exists=True, sha256=digest, text="version=1.4.2\n"),
            "src/VERSION": FileFact(exists=False),
        },
        http={"/version": HttpFact(status=200, body="version=1.4.2")},
        commands={"./check": CommandFact(exit_code=0, output="ALL GOOD")},
        custom={"db": CustomFact(passed=False, reason="row missing")},
    )
    checks = expectation_checks(
        [
            ExpectFile(path="dist/BUILD_INFO", contains=["version=1.4.2"], sha256=digest),
            ExpectFile(path="src/VERSION", exists=False),
            ExpectFile(path="src/VERSION"),
            ExpectHttp(route="/version", body_contains=["1.4.2"]),
            ExpectCommand(command="./check", output_contains=["ALL GOOD"]),
            ExpectCommand(command="./never"),
            ExpectCheck(name="db", check=lambda state: asyncio.sleep(0, True)),
        ],
        facts,
    )
    assert [c.passed for c in checks] == [True, True, False, True, True, False, False]
    assert "no such file" in checks[2].reason
    assert checks[6].reason == "row missing"
    assert checks[2].labels == [FailureLabel.WRONG_RESULT]


# --- metadata ---


def test_foreign_metadata_with_family_and_expected_keys_is_not_a_taskspec() -> None:
    assert TaskSpec.from_metadata({"family": "billing", "expected": "42"}) is None


def test_metadata_marked_as_a_taskspec_but_invalid_names_the_problem() -> None:
    with pytest.raises(ValueError, match="not a valid TaskSpec: id: Field required"):
        TaskSpec.from_metadata({"operator_eval_spec": 1, "family": "x"})


# --- the probe asks a TCP service from inside the sandbox ---


async def test_http_facts_reach_a_base_url(
    local_sandbox: object, loopback_http_server: Callable[[dict[str, Route]], str]
) -> None:
    from operator_eval.scorers._gather import http_facts

    tcp_server = loopback_http_server({"/api/version": (200, b"version=1.4.2")})
    facts = await http_facts(None, ["/version", "/x"], base_url=tcp_server + "/api")
    assert (facts["/version"].status, facts["/version"].body) == (200, "version=1.4.2")
    assert facts["/x"].status == 404
    bad = await http_facts(None, ["/"], base_url="https://127.0.0.1:1")
    assert bad["/"].status is None
    assert "only http://host:port" in str(bad["/"].error)
