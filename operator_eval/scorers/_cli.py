"""`operator-eval check-proof`: verify any agent's proof from its workspace and trajectory.

Exit codes: 0 when no DONE is claimed or the DONE is supported, 1 for an
unsupported DONE, 2 when an input cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, TypeAdapter, ValidationError

from operator_eval.contracts import ToolRecord
from operator_eval.contracts._models import validation_summary
from operator_eval.scorers._expect import ExpectCommand, ExpectFile, ExpectHttp
from operator_eval.scorers._proof import parse_proof
from operator_eval.scorers._record import records_from_inspect_log
from operator_eval.scorers._trajectory import (
    TrajectoryVerdict,
    gather_facts,
    records_from_trajectory_file,
    verify_trajectory,
)

ExpectationFile = TypeAdapter(
    list[Annotated[ExpectFile | ExpectHttp | ExpectCommand, Field(discriminator="kind")]]
)


class InputError(Exception):
    """An input file is missing or malformed (exit 2, one clear line)."""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add check-proof's arguments."""
    parser.add_argument("proof", type=Path, help="the agent's proof JSON file")
    parser.add_argument(
        "--workspace", type=Path, required=True, help="the agent's workspace folder (its files)"
    )
    parser.add_argument(
        "--transcript",
        type=Path,
        help="the record of the agent's tool calls: an Inspect log (.eval/.json), or an "
        "OpenAI-style message list with tool calls and tool results (agentevals/LangSmith "
        "trajectory). Without it command and HTTP evidence is unverifiable.",
    )
    parser.add_argument(
        "--sample", help="with an Inspect log of several samples: ID or ID:EPOCH to check"
    )
    parser.add_argument(
        "--final-message",
        type=Path,
        help="the agent's final message (default: the transcript's last assistant message, "
        "else the proof's own status)",
    )
    parser.add_argument("--base-url", help="re-check HTTP evidence at this http://host:port URL")
    parser.add_argument("--socket", help="or at this unix socket (relative to the workspace)")
    parser.add_argument(
        "--expect",
        type=Path,
        help="YAML/JSON list of what done means: {kind: file|http|command, ...} items "
        "(ExpectFile, ExpectHttp, ExpectCommand)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.set_defaults(func=main_check_proof)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as ex:
        raise InputError(f"{what} {path}: {ex.strerror or ex}") from ex


def _records(args: argparse.Namespace) -> tuple[list[ToolRecord] | None, str | None]:
    if args.transcript is None:
        return None, None
    path: Path = args.transcript
    if not path.is_file():
        raise InputError(f"transcript {path}: no such file")
    try:
        if path.suffix == ".eval" or _is_inspect_json(path):
            sample_id, _, epoch = (args.sample or "").partition(":")
            return records_from_inspect_log(
                str(path), sample_id or None, int(epoch) if epoch else 1
            )
        return records_from_trajectory_file(path)
    except ValueError as ex:
        raise InputError(str(ex)) from ex


def _is_inspect_json(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    with path.open("rb") as f:
        head = f.read(4096).lstrip()
    # An Inspect JSON log is an object with an "eval" header; a trajectory is a list.
    return head.startswith(b"{") and b'"eval"' in head


def _expectations(path: Path | None) -> list[ExpectFile | ExpectHttp | ExpectCommand]:
    if path is None:
        return []
    try:
        data = yaml.safe_load(_read(path, "expectations"))
        return ExpectationFile.validate_python(data or [])
    except yaml.YAMLError as ex:
        raise InputError(f"expectations {path}: not YAML/JSON: {ex}") from ex
    except ValidationError as ex:
        raise InputError(f"expectations {path}: {validation_summary(ex, limit=1)}") from ex


def render(verdict: TrajectoryVerdict, record_note: str) -> str:
    """The human-readable verdict: each evidence item, each check, the DONE verdict."""
    lines = [f"record: {record_note}"]
    if verdict.proof.proof is None:
        lines.append(f"proof rejected: {verdict.proof.label}: {verdict.proof.reason}")
    for v in verdict.verdicts:
        mark = "ok " if v.ok else ("BAD" if v.refuted else "?? ")
        label = f"  -> {v.label}" if v.label else ""
        lines.append(f"{mark} {v.id} [{v.kind}] {v.reason}{label}")
    for c in verdict.checks:
        lines.append(f"{'ok ' if c.passed else 'BAD'} check {c.name}: {c.reason}")
    claimed = verdict.claimed
    if claimed is not None:
        lines.append(f"claimed status: {claimed.status} ({claimed.source}: {claimed.quote!r})")
    elif verdict.proof.proof is not None:
        lines.append(f"claimed status: {verdict.proof.proof.status} (the proof's; no message)")
    if verdict.unsupported_done:
        lines.append("verdict: unsupported_done: " + "; ".join(verdict.problems))
    elif verdict.done_claimed:
        lines.append("verdict: DONE supported")
    else:
        lines.append("verdict: no DONE claim")
    return "\n".join(lines)


def main_check_proof(args: argparse.Namespace) -> int:
    """Run check-proof; see the module docstring for the exit codes."""
    try:
        if not args.workspace.is_dir():
            raise InputError(f"workspace {args.workspace}: not a folder")
        raw = _read(args.proof, "proof") if args.proof.exists() else None
        records, transcript_final = _records(args)
        final = transcript_final
        if args.final_message is not None:
            final = _read(args.final_message, "final message").decode("utf-8", "replace")
        expect = _expectations(args.expect)
    except InputError as ex:
        print(f"operator-eval check-proof: {ex}", file=sys.stderr)
        return 2
    parsed = parse_proof(raw, path=str(args.proof))
    facts = gather_facts(
        args.workspace, parsed, base_url=args.base_url, socket=args.socket, expect=expect
    )
    verdict = verify_trajectory(
        raw, facts, records, final_message=final, expect=expect, proof_path=str(args.proof)
    )
    note = (
        f"{len(records)} tool calls from {args.transcript}"
        if records is not None
        else "none given (command and HTTP evidence cannot be checked: unverifiable)"
    )
    if args.json:
        print(json.dumps(verdict.model_dump(mode="json"), indent=2))
    else:
        print(render(verdict, note))
    return 1 if verdict.unsupported_done else 0
