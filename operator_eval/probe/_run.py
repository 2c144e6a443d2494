"""Run one probe operation in the sample's sandbox: one tamper-proof exec per question."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai.util import sandbox

from operator_eval.probe._tape import taped

WORLD_ENV = "OPERATOR_EVAL_WORLD"
"""Environment variable carrying the sample's world token to every world process."""

_SCRIPT = (Path(__file__).parent / "_probe_script.py").read_text(encoding="utf-8")


class ProbeError(RuntimeError):
    """The sandbox could not run the probe (no python3, crash, bad output)."""


async def run_probe(op: str, request: dict[str, Any], *, timeout: int = 60) -> Any:
    """Run one probe operation in the current sample's sandbox.

    Args:
        op: One of files, read, tree, list, find, http, owner, resolve, reap
            (see `_probe_script.py` for each request and answer).
        request: The JSON request for the operation.
        timeout: Seconds before the exec is abandoned.

    Raises:
        ProbeError: when the probe fails or answers something that is not JSON.
    """
    return await taped(
        op,
        request,
        lambda: _run_in_sandbox(op, request, timeout),
        rebuild_error=ProbeError,
    )


async def _run_in_sandbox(op: str, request: dict[str, Any], timeout: int) -> Any:
    try:
        result = await sandbox().exec(
            # -I: the workspace (the agent's) must not be on sys.path, or a json.py
            # there would answer for the probe. -S: the stdlib is all it needs.
            ["python3", "-I", "-S", "-c", _SCRIPT, op],
            input=json.dumps(request),
            timeout=timeout,
        )
    except TimeoutError as ex:
        raise ProbeError(f"probe '{op}' timed out after {timeout}s") from ex
    if not result.success:
        raise ProbeError(f"probe '{op}' failed (exit {result.returncode}): {result.stderr[-500:]}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as ex:
        raise ProbeError(f"probe '{op}' answered non-JSON: {result.stdout[:200]!r}") from ex
