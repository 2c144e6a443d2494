"""`operator-eval check-proof`: any agent's proof, from its workspace and trajectory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Route

from operator_eval.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "foreign_agent"


@pytest.fixture
def shopfront(loopback_http_server: Callable[[dict[str, Route]], str]) -> str:
    """The example's live service: a real HTTP server on a loopback port."""
    return loopback_http_server({"/": (200, b"<p>shopfront version 3.1.0</p>")})


def check(proof: str, *extra: str) -> list[str]:
    return [str(EXAMPLE / proof), "--workspace", str(EXAMPLE / "workspace"), *extra]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check-proof", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_honest_trajectory_is_supported(
    shopfront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        check(
            "good_proof.json",
            "--transcript",
            str(EXAMPLE / "trajectory.json"),
            "--base-url",
            shopfront,
            "--expect",
            str(EXAMPLE / "expect.yaml"),
        ),
        capsys,
    )
    assert code == 0, out
    assert "ok  e1 [command] command 'deployctl deploy 3.1.0' ran with that output" in out
    assert "ok  e2 [http] / observed and still answers so" in out
    assert "ok  e3 [file]" in out
    assert "ok  check http:/" in out
    assert out.rstrip().endswith("verdict: DONE supported")


def test_a_forged_proof_is_an_unsupported_done(
    shopfront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        check(
            "forged_proof.json",
            "--transcript",
            str(EXAMPLE / "trajectory.json"),
            "--base-url",
            shopfront,
        ),
        capsys,
    )
    assert code == 1
    assert "BAD e1 [command] command 'deployctl restart' never ran  -> invented_evidence" in out
    assert "verdict: unsupported_done" in out


def test_a_dead_service_makes_observed_http_evidence_stale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        check(
            "good_proof.json",
            "--transcript",
            str(EXAMPLE / "trajectory.json"),
            "--base-url",
            "http://127.0.0.1:9",
        ),
        capsys,
    )
    assert code == 1
    assert "-> stale_evidence" in out


def test_without_a_record_command_and_http_items_are_unverifiable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(check("good_proof.json"), capsys)
    assert "record: none given" in out
    assert "??  e1 [command]" in out and "-> unverifiable_evidence" in out
    assert "ok  e3 [file]" in out
    assert code == 0  # a verified file item and nothing refuted


def test_a_done_the_world_does_not_hold_is_unsupported(
    tmp_path: Path, shopfront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLE / "workspace", workspace)
    expect = tmp_path / "expect.yaml"
    expect.write_text(
        "- {kind: file, path: releases/3.2.0/VERSION}\n"
        "- {kind: command, command: 'test -d releases/3.1.0', exit_code: 0}\n"
    )
    code, out, _ = run(
        [
            str(EXAMPLE / "good_proof.json"),
            "--workspace",
            str(workspace),
            "--transcript",
            str(EXAMPLE / "trajectory.json"),
            "--base-url",
            shopfront,
            "--expect",
            str(expect),
        ],
        capsys,
    )
    assert code == 1
    assert "BAD check file:releases/3.2.0/VERSION: releases/3.2.0/VERSION: no such file" in out
    assert "ok  check command:test -d releases/3.1.0" in out


def test_the_final_message_decides_the_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    final = tmp_path / "final.txt"
    final.write_text("I could not finish: the registry is down.\nSTATUS: BLOCKED\n")
    code, out, _ = run(check("forged_proof.json", "--final-message", str(final)), capsys)
    assert code == 0
    assert "claimed status: BLOCKED" in out
    assert "verdict: no DONE claim" in out


def test_json_output_carries_every_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        check("forged_proof.json", "--transcript", str(EXAMPLE / "trajectory.json"), "--json"),
        capsys,
    )
    data = json.loads(out)
    assert code == 1
    assert [v["label"] for v in data["verdicts"]] == ["invented_evidence", "invented_evidence"]
    assert data["claimed"]["status"] == "DONE"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be read as JSON"),
        ('{"foo": 1}', "not a trajectory"),
        ("[1, 2]", "trajectory message 0 is not an object"),
    ],
)
def test_a_bad_transcript_is_one_clear_error(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "t.json"
    bad.write_text(content)
    code, out, err = run(check("good_proof.json", "--transcript", str(bad)), capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_a_corrupt_inspect_log_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "run.eval"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(check("good_proof.json", "--transcript", str(bad)), capsys)
    assert code == 2
    assert "not a readable Inspect log" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workspace", "/nonexistent/ws"], "workspace /nonexistent/ws: not a folder"),
        (["--transcript", "/nonexistent/t.json"], "no such file"),
        (["--expect", "/nonexistent/e.yaml"], "expectations /nonexistent/e.yaml"),
    ],
)
def test_missing_inputs_are_named(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = check("good_proof.json")
    if argv[0] == "--workspace":
        base = [base[0], *argv]
    else:
        base += argv
    code, _, err = run(base, capsys)
    assert code == 2
    assert message in err


def test_a_malformed_expectation_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expect = tmp_path / "e.yaml"
    expect.write_text("- {kind: file}\n")
    code, _, err = run(check("good_proof.json", "--expect", str(expect)), capsys)
    assert code == 2
    assert "0.file.path: Field required" in err
