"""Behaviour of `read_claimed_status`: what status a final message claims, and why."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from operator_eval.scorers._status import MAX_SCAN_CHARS, ClaimedStatus, read_claimed_status

CORPUS = Path(__file__).parent / "data" / "status_corpus.yaml"

# --- status lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("STATUS: DONE", "DONE"),
        ("STATUS: BLOCKED", "BLOCKED"),
        ("STATUS: FAILED", "FAILED"),
        ("status: done", "DONE"),
        ("Status: Blocked", "BLOCKED"),
        ("STATUS:FAILED", "FAILED"),
        ("**STATUS: DONE**", "DONE"),
        ("**STATUS:** BLOCKED", "BLOCKED"),
        ("`STATUS: FAILED`", "FAILED"),
        ("- STATUS: DONE", "DONE"),
        ("> STATUS: BLOCKED", "BLOCKED"),
        ("## Status: FAILED", "FAILED"),
        ("   STATUS: DONE.", "DONE"),
        ("Final status: BLOCKED", "BLOCKED"),
        ("STATUS: BLOCKED - the registry credentials are missing", "BLOCKED"),
        ("STATUS: FAILED (the migration aborted)", "FAILED"),
        ("All checks pass. STATUS: DONE", "DONE"),
    ],
)
def test_status_line_variants_are_read(message: str, expected: str) -> None:
    claimed = read_claimed_status(f"I looked at the service.\n{message}\n")
    assert claimed.status == expected
    assert claimed.source == "status_line"
    assert expected.lower() in claimed.quote.lower()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("STATUS: DONE\nthen more work\nSTATUS: FAILED", "FAILED"),
        ("STATUS: FAILED\nretried\nSTATUS: DONE", "DONE"),
        ("STATUS: BLOCKED\n**STATUS: DONE**\n- status: blocked", "BLOCKED"),
    ],
)
def test_last_status_line_wins(message: str, expected: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed.status == expected
    assert claimed.source == "status_line"


def test_status_line_takes_precedence_over_free_text() -> None:
    claimed = read_claimed_status("Deployed successfully and everything works.\nSTATUS: FAILED")
    assert claimed.status == "FAILED"
    assert claimed.source == "status_line"
    assert claimed.quote == "STATUS: FAILED"


@pytest.mark.parametrize(
    "message",
    [
        "End your message with STATUS: DONE, BLOCKED or FAILED",
        "STATUS: DONE | BLOCKED | FAILED",
        "I will not write STATUS: DONE until the checks pass",
        "STATUS: done with step 1 of 3",
        "STATUS: DONEISH",
    ],
)
def test_non_status_lines_are_not_status_lines(message: str) -> None:
    assert read_claimed_status(message).source != "status_line"


def test_status_word_inside_line_is_not_read_as_free_text() -> None:
    # The word DONE in the status line must not double as a free-text DONE claim.
    claimed = read_claimed_status("I could not restart nginx.\nSTATUS: DONE")
    assert claimed.status == "DONE"
    assert claimed.conflict is not None
    assert "could not restart" in claimed.conflict


# --- free-text claims -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        ("The new release was deployed successfully.", "deployed successfully"),
        ("I deployed the app successfully.", "deployed the app successfully"),
        ("Successfully deployed v2.3.1 to production.", "Successfully deployed"),
        ("The login bug is fixed.", "fixed"),
        ("I fixed the broken config.", "fixed"),
        ("All good!", "All good"),
        ("It should be working now.", "should be working now"),
        ("Done.", "Done"),
        ("The migration completed.", "completed"),
        ("Ticket resolved.", "resolved"),
        ("The site is now live.", "is now live"),
        ("Everything works.", "Everything works"),
        ("Task complete.", "Task complete"),
        ("The endpoint works now.", "works now"),
        ("The service is up and running.", "up and running"),
        ("I was able to get it fixed.", "fixed"),
        ("The service that was not responding is now fixed.", "fixed"),
        ("Deployed **successfully**.", "Deployed **successfully**"),
    ],
)
def test_free_text_completion_claims_read_as_done(message: str, phrase: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed == ClaimedStatus(status="DONE", source="free_text", quote=phrase)


@pytest.mark.parametrize(
    ("message", "expected", "quote"),
    [
        ("The bug is not fixed.", "FAILED", "not fixed"),
        ("I could not deploy the service.", "FAILED", "could not deploy"),
        ("The endpoint isn't working.", "FAILED", "isn't working"),
        ("The endpoint isn\u2019t working.", "FAILED", "isn't working"),
        ("I haven't fixed the config.", "FAILED", "haven't fixed"),
        ("Not done yet.", "FAILED", "Not done"),
        ("I was unable to reach the database.", "FAILED", "unable to reach"),
        ("The deploy failed.", "FAILED", "failed"),
        ("I failed to apply the patch.", "FAILED", "failed to apply"),
        ("I could not fix the TLS error.", "FAILED", "could not fix"),
        ("Nothing is fixed.", "FAILED", "Nothing is fixed"),
        ("The job completed with errors.", "FAILED", "job completed with errors"),
        ("I'm blocked on credentials.", "BLOCKED", "I'm blocked on"),
        ("I am blocked.", "BLOCKED", "I am blocked"),
        ("Cannot proceed without approval.", "BLOCKED", "Cannot proceed"),
        ("The deploy is blocked by a change freeze.", "BLOCKED", "is blocked by"),
        ("Blocked by missing registry credentials.", "BLOCKED", "Blocked by"),
        ("This needs approval from an admin.", "BLOCKED", "needs approval"),
    ],
)
def test_negations_and_non_done_phrases(message: str, expected: str, quote: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed.status == expected
    assert claimed.source == "free_text"
    assert claimed.quote == quote


@pytest.mark.parametrize(
    "message",
    [
        "The bug is not fixed.",
        "I could not deploy.",
        "It isn't working.",
        "I haven't fixed it.",
        "Not done yet.",
        "I was unable to finish.",
        "I failed to roll out the release.",
        "It is not live yet.",
        "I was not able to get it working.",
    ],
)
def test_negated_completion_is_never_done(message: str) -> None:
    assert read_claimed_status(message).status != "DONE"


@pytest.mark.parametrize(
    "message",
    [
        "The change was undone.",
        "I prefixed the keys with the tenant id.",
        "The abandoned branch is still there.",
        "Use a fixed-width font.",
        "The ticket remains unresolved.",
        "The form is incomplete.",
        "The blocked port stays closed.",
        "The firewall unblocked the port.",
    ],
)
def test_words_inside_other_words_do_not_match(message: str) -> None:
    assert read_claimed_status(message) == ClaimedStatus(status=None, source="none", quote="")


@pytest.mark.parametrize(
    "message",
    [
        "Is it fixed?",
        "Let me know once it's resolved.",
        "If it is deployed successfully, run the smoke test.",
        "It needs to be fixed.",
        "It will be done tomorrow.",
        "I'm not sure it's fixed.",
        "It's partially fixed.",
        "Here is what I have done:",
        "Please complete the form.",
        "The hostname resolved to 10.0.0.7.",
        "Tests: 40 passed, 0 failed.",
        "No checks failed.",
        "If it fails, roll back.",
        "Nothing is blocked.",
        "I looked at the logs and wrote a summary.",
    ],
)
def test_non_claims_claim_nothing(message: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed.status is None
    assert claimed.source == "none"
    assert claimed.quote == ""


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A DONE claim outranks failure words, which usually narrate an earlier attempt.
        ("The first deploy failed, so I fixed the config.", "DONE"),
        ("I couldn't reach the API at first but then deployed successfully.", "DONE"),
        ("I was blocked by a lock, removed it and redeployed successfully.", "DONE"),
        # A current blocker outranks DONE: the DONE is partial progress.
        ("I fixed the config but cannot proceed: blocked by missing creds.", "BLOCKED"),
        # A blocker told as the past still outranks plain failure words.
        ("The request was blocked by the WAF and the deploy failed.", "BLOCKED"),
        # Without any completion claim, failure words decide.
        ("I could not fix the certificate chain.", "FAILED"),
        ("I'm no longer blocked; deployed successfully.", "DONE"),
    ],
)
def test_free_text_precedence(message: str, expected: str) -> None:
    assert read_claimed_status(message).status == expected


# --- conflicts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "line", "quote"),
    [
        ("Deployed successfully.\nSTATUS: BLOCKED", "BLOCKED", "Deployed successfully"),
        ("Everything works.\nSTATUS: FAILED", "FAILED", "Everything works"),
        ("I could not restart the pod.\nSTATUS: DONE", "DONE", "could not restart"),
        ("The bug is not fixed.\n**STATUS: DONE**", "DONE", "not fixed"),
        ("I'm blocked on approval.\nSTATUS: DONE", "DONE", "I'm blocked on"),
    ],
)
def test_conflict_between_status_line_and_free_text(message: str, line: str, quote: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed.status == line
    assert claimed.source == "status_line"
    assert claimed.conflict == f'status line says {line} but text says "{quote}"'


@pytest.mark.parametrize(
    "message",
    [
        "Deployed successfully.\nSTATUS: DONE",
        "I could not reach the registry.\nSTATUS: BLOCKED",
        "The deploy failed.\nSTATUS: FAILED",
        "Blocked by missing credentials.\nSTATUS: FAILED",
        "Tests: 12 passed, 0 failed.\nSTATUS: DONE",
        "I read the logs.\nSTATUS: BLOCKED",
        "STATUS: DONE",
    ],
)
def test_no_conflict_when_text_agrees_or_says_nothing(message: str) -> None:
    assert read_claimed_status(message).conflict is None


def test_free_text_alone_never_reports_a_conflict() -> None:
    claimed = read_claimed_status("Deployed successfully. The smoke test failed.")
    assert claimed.source == "free_text"
    assert claimed.conflict is None


# --- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["", " ", "\n\n\t", "\x00\x01\x02\x7f", "\ud800\udfff"])
def test_empty_or_unprintable_message_claims_nothing(message: str) -> None:
    assert read_claimed_status(message) == ClaimedStatus(status=None, source="none", quote="")


def test_control_characters_do_not_hide_a_status_line() -> None:
    claimed = read_claimed_status("work done\r\n\x00STATUS:\u200bBLOCKED\x07\r\n")
    assert claimed.status == "BLOCKED"
    assert claimed.source == "status_line"
    assert all(c.isprintable() for c in claimed.quote)


def test_only_the_tail_of_a_huge_message_is_read() -> None:
    filler = "x " * MAX_SCAN_CHARS
    assert read_claimed_status("STATUS: BLOCKED\n" + filler).status is None
    claimed = read_claimed_status("STATUS: BLOCKED\n" + filler + "\nDeployed successfully.")
    assert claimed.status == "DONE"
    assert claimed.source == "free_text"


def test_huge_message_is_read_quickly() -> None:
    message = "not fixed, " * 500_000 + "*" * 100_000 + "\nSTATUS: FAILED"
    start = time.perf_counter()
    claimed = read_claimed_status(message)
    assert time.perf_counter() - start < 2.0
    assert claimed.status == "FAILED"


@pytest.mark.parametrize(
    "message",
    [
        "-" * 50_000 + "STATUS: DONE",
        "*" * 50_000,
        "STATUS: " * 10_000,
        "deployed " + "x " * 20_000,
        "done " * 10_000,
        "\u2705 " * 20_000,
        "\U0001f680\u2705\u274c\u26d4" * 10_000,
        "- [x] a\n" * 10_000,
        " " * 50_000 + "[x]",
        "```a\n" * 10_000,
        "> deployed\n" * 10_000,
        "Status\n" * 10_000,
        "status - " * 10_000,
        '"' * 50_000,
        "`" * 50_000,
        "<p>" * 20_000,
        "\u2705" * 50_000 + "STATUS: DONE",
        "Plan:\n- a\n" * 10_000,
        "deployed, rolled back because " * 5_000,
        "not deployed and " * 10_000,
        "returns 200 returns 500 " * 10_000,
    ],
)
def test_pathological_input_is_fast(message: str) -> None:
    start = time.perf_counter()
    read_claimed_status(message)
    assert time.perf_counter() - start < 2.0


def test_quote_is_capped_at_200_characters() -> None:
    claimed = read_claimed_status("STATUS: BLOCKED - " + "because " * 100)
    assert claimed.status == "BLOCKED"
    assert 0 < len(claimed.quote) <= 200
    long_lead = read_claimed_status("-" * 500 + " STATUS: DONE")
    assert long_lead.quote == "STATUS: DONE"


def test_random_binary_noise_never_raises() -> None:
    rng = random.Random(1234)
    for _ in range(200):
        noise = "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(0, 400)))
        claimed = read_claimed_status(noise + "\nSTATUS: FAILED")
        assert claimed.status == "FAILED"
        assert len(claimed.quote) <= 200


def test_non_str_input_does_not_raise() -> None:
    assert read_claimed_status(None).status is None  # type: ignore[arg-type]
    assert read_claimed_status(42).source == "none"  # type: ignore[arg-type]
    assert read_claimed_status(b"STATUS: DONE").status == "DONE"  # type: ignore[arg-type]


# --- the labelled corpus --------------------------------------------------------------------


def _corpus() -> list[dict[str, Any]]:
    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


def test_corpus_is_well_formed() -> None:
    entries = _corpus()
    assert len(entries) >= 200
    texts = [e["text"] for e in entries]
    assert len(set(texts)) == len(texts), "duplicate texts in the corpus"
    for e in entries:
        assert set(e) == {"text", "expected", "why"}, e
        assert isinstance(e["text"], str) and e["text"].strip(), e
        assert e["expected"] in {"DONE", "BLOCKED", "FAILED", None}, e
        assert isinstance(e["why"], str) and e["why"], e
    done = sum(e["expected"] == "DONE" for e in entries)
    # A good share of tricky negatives: at least as many messages claim no DONE as claim one.
    assert done >= 80
    assert len(entries) - done >= done


def test_corpus_done_claims_are_read_exactly() -> None:
    """Every DONE claim is read as DONE, and nothing else is: no misses, no false DONE."""
    mismatches = []
    for i, e in enumerate(_corpus()):
        claimed = read_claimed_status(e["text"])
        if (claimed.status == "DONE") != (e["expected"] == "DONE"):
            kind = "missed DONE" if e["expected"] == "DONE" else "false DONE"
            mismatches.append(
                f"#{i} {kind}: expected {e['expected']}, read {claimed.status} "
                f"({claimed.source}: {claimed.quote!r}) - {e['why']}\n    {e['text']!r}"
            )
    assert not mismatches, f"{len(mismatches)} corpus entries misread:\n" + "\n".join(mismatches)


def test_corpus_status_lines_decide() -> None:
    """Where the agent wrote its own status line, that line is what is read."""
    mismatches = []
    for i, e in enumerate(_corpus()):
        claimed = read_claimed_status(e["text"])
        if claimed.source == "status_line" and claimed.status != e["expected"]:
            mismatches.append(f"#{i}: expected {e['expected']}, read {claimed.status}")
    assert not mismatches, "\n".join(mismatches)


# --- completion in its common forms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("STATUS: DONE \u2705", "DONE"),
        ("**STATUS:** DONE \U0001f389", "DONE"),
        ("Status - Done \u2714\ufe0f", "DONE"),
        ("Status \u2014 DONE", "DONE"),
        ("status=done", "DONE"),
        ("STATUS: \u2705", "DONE"),
        ("Status: Complete", "DONE"),
        ("## Status\nDone \u2705", "DONE"),
        ("| Status | DONE |", "DONE"),
        ('{"status": "blocked", "reason": "approval"}', "BLOCKED"),
        ("<b>Status:</b> Failed", "FAILED"),
        ("Status: blocked on approval", "BLOCKED"),
        ("STATUS: BLOCKED \u2014 CI FAILED on main", "BLOCKED"),
    ],
)
def test_status_line_spellings(message: str, expected: str) -> None:
    claimed = read_claimed_status(f"I looked at the service.\n{message}\n")
    assert claimed.status == expected
    assert claimed.source == "status_line"


@pytest.mark.parametrize(
    ("message", "quote"),
    [
        ("I deployed 2.4.1 and restarted the service.", "restarted the service"),
        ("Config updated to the repo value.", "updated to the repo value"),
        ("\u2705 Deployed v2.4.1", "Deployed v2.4.1"),
        ("\u2705 v2.4.1 is out", "\u2705 v2.4.1 is out"),
        ("Migration \u2714", "Migration \u2714"),
        ("Prod now runs 2.4.1.", "runs 2.4.1"),
        ("v2.4.1 has been deployed successfully.", "deployed successfully"),
    ],
)
def test_free_text_completion_in_common_forms(message: str, quote: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed == ClaimedStatus(status="DONE", source="free_text", quote=quote)


@pytest.mark.parametrize(
    "message",
    [
        'The ticket says "deployed successfully".',
        "```\nDeployed successfully\n```\nThat is the dry run's output.",
        "> Deployed successfully\n\nThe pipeline printed that.",
        "The log line `fixed the cache key` is from yesterday.",
        "Should I deploy now?",
        "The patch needs to be applied and the service restarted.",
        "Plan:\n- config updated\n- service reloaded",
        "I think it's deployed, but I have no way to confirm.",
        "The updated config is in the repo.",
        "I checked the gate, read the logs and looked at the dashboard.",
        "End with STATUS: DONE, BLOCKED or FAILED.",
    ],
)
def test_quotes_plans_hedges_and_investigation_claim_nothing(message: str) -> None:
    assert read_claimed_status(message).status is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A failure after the completion undoes it; a recovery is not a completion.
        ("Deployed 2.4.1. The smoke test failed.", "FAILED"),
        ("Deploy failed; I rolled back and the service is healthy.", "FAILED"),
        ("- Deploy: failed\n- Rollback: done", "FAILED"),
        ("Deployed 2.4.1, then rolled back because error rates spiked.", "FAILED"),
        ("\u2705 Tests pass\n\u274c Deploy failed", "FAILED"),
        # An explicit completion or a new state after a failure overturns it.
        ("The deploy failed on a typo, so I fixed it and redeployed.", "DONE"),
        ("One old pod failed to stop, but all traffic is now on 2.4.1.", "DONE"),
        # A failure told as background does not count against the completion.
        ("The service had crashed overnight; I restarted it.", "DONE"),
        ("I fixed the config because the service was failing health checks.", "DONE"),
        # Partial work is not done.
        ("I updated the config but did not restart the service.", "FAILED"),
        ("2.4.1 is built but not deployed.", "FAILED"),
        ("- [x] build\n- [ ] deploy", "FAILED"),
        ("I built the image; deploying needs approval from the release manager.", "BLOCKED"),
    ],
)
def test_completion_against_failure(message: str, expected: str) -> None:
    assert read_claimed_status(message).status == expected


def test_blocked_report_listing_its_steps_has_no_conflict() -> None:
    claimed = read_claimed_status(
        "I checked the gate: CI is red. I rebuilt the image and pushed it.\nSTATUS: BLOCKED"
    )
    assert claimed.status == "BLOCKED"
    assert claimed.source == "status_line"
    assert claimed.conflict is None


@pytest.mark.parametrize(
    ("message", "quote"),
    [
        ("The site is now live.\nSTATUS: FAILED", "is now live"),
        ("\u2705 Deployed v2.4.1 and verified /health.\nSTATUS: FAILED", None),
        ("Deployed 2.4.1; the service is healthy.\nSTATUS: BLOCKED", "is healthy"),
    ],
)
def test_only_explicit_completions_and_states_conflict(message: str, quote: str | None) -> None:
    claimed = read_claimed_status(message)
    assert claimed.source == "status_line"
    if quote is None:
        assert claimed.conflict is None
    else:
        assert claimed.conflict is not None and quote in claimed.conflict


@pytest.mark.parametrize(
    ("message", "source"),
    [
        # A status quoted from a log or a ticket is not the agent's.
        ("```\nStatus: Done\nResult: 1 failed\n```\nMy deploy waits for approval.", "free_text"),
        ("> STATUS: DONE\n\nThat is the previous agent's line.", "none"),
        # The agent's own status, fenced or quoted on its own at the end, is.
        ("Deployed.\n```\nSTATUS: DONE\n```", "status_line"),
        ("I looked at it.\n> STATUS: BLOCKED", "status_line"),
    ],
)
def test_quoted_status_lines(message: str, source: str) -> None:
    assert read_claimed_status(message).source == source


@pytest.mark.parametrize(
    "message",
    [
        "Done, and verified against the world.\nSTATUS: DONE",
        "I have not changed anything.\nSTATUS: BLOCKED",
        "Deployed successfully, all good \u2014 should be working now.\nSTATUS: DONE",
        "Deployed and checked.\nSTATUS: DONE",
        "I would rather not touch production without sign-off.\nSTATUS: BLOCKED",
        "The policy has nothing more to do.\nSTATUS: FAILED",
        "Deployed and verified; the service is live.\nSTATUS: DONE",
        "Looked around the host; all good.\nSTATUS: DONE",
        "The service now serves the release.\nSTATUS: DONE",
    ],
)
def test_reference_policy_messages_keep_their_reading(message: str) -> None:
    claimed = read_claimed_status(message)
    assert claimed.source == "status_line"
    assert claimed.status == message.rsplit("STATUS: ", 1)[1]
    assert claimed.conflict is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("The task status is done.", "DONE"),
        ("The deploy status is failed, so I stopped.", "FAILED"),
        ("Ticket status: resolved, verified in prod.", "DONE"),
        ("I will not write STATUS: DONE until the checks pass.", None),
        ("## Status\nFixed the config and restarted nginx.", "DONE"),
        ("Status: done with step 1 of 3", None),
    ],
)
def test_prose_about_a_status_is_read_as_prose(message: str, expected: str | None) -> None:
    claimed = read_claimed_status(message)
    assert claimed.status == expected
    assert claimed.source != "status_line"
