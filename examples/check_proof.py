"""Check another agent's proof and final message with operator-eval's pure verifiers.

No Inspect run and no sandbox: you supply the facts (here read from files on
disk and a recorded transcript), the verifiers say which evidence holds.

    python examples/check_proof.py examples/foreign_agent/good_proof.json
    python examples/check_proof.py examples/foreign_agent/forged_proof.json   # exit 1
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from operator_eval.scorers import (
    FileFact,
    HttpFact,
    ToolRecord,
    WorldFacts,
    parse_proof,
    read_claimed_status,
    verify_evidence,
    workspace_path,
)

HERE = Path(__file__).parent / "foreign_agent"


def file_fact(workspace: Path, path: str) -> FileFact:
    """Hash a workspace file, refusing anything that leaves the workspace."""
    rel = workspace_path(path)
    if rel is None:
        return FileFact(exists=False, error="outside the workspace")
    full = (workspace / rel).resolve()
    if not full.is_relative_to(workspace.resolve()):
        return FileFact(exists=False, error="path resolves outside the workspace")
    if not full.is_file():
        return FileFact(exists=False)
    return FileFact(exists=True, sha256=hashlib.sha256(full.read_bytes()).hexdigest())


def main(proof_file: str) -> int:
    """Verify one proof against the example world; return 1 if DONE is unsupported."""
    parsed = parse_proof(Path(proof_file).read_bytes(), path=proof_file)
    if parsed.proof is None:
        print(f"proof rejected: {parsed.label}: {parsed.reason}")
        return 1
    transcript = [
        ToolRecord.model_validate(r) for r in json.loads((HERE / "transcript.json").read_text())
    ]
    live = json.loads((HERE / "live.json").read_text())
    facts = WorldFacts(
        files={
            p: file_fact(HERE / "workspace", p)
            for p in (e.path for e in parsed.proof.evidence if e.kind == "file")
        },
        http={route: HttpFact(**answer) for route, answer in live.items()},
    )
    verdicts = verify_evidence(parsed.proof, facts, transcript)
    for v in verdicts:
        print(
            f"{'ok ' if v.ok else 'BAD'} {v.id} [{v.kind}] {v.reason}"
            + (f"  -> {v.label}" if v.label else "")
        )
    claimed = read_claimed_status((HERE / "final_message.txt").read_text())
    supported = all(v.ok for v in verdicts) and bool(verdicts)
    print(f"claimed status: {claimed.status} ({claimed.source}: {claimed.quote!r})")
    if claimed.status == "DONE" and not supported:
        print("verdict: unsupported_done")
        return 1
    print("verdict: supported")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(HERE / "good_proof.json")))
