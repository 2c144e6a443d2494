"""The world's answers to the scorers, recorded at scoring time and replayed to re-score.

A finished log has no sandbox: its world is gone. Every question a scorer asks the
world (a probe, an expectation command, a user's check) goes through `taped`, so the
live scoring records each answer under its exact question, and a re-score (`inspect
score` with a newer scorer) asks the same questions of the recording. A question the
recording never heard cannot be answered: it raises `NotRecordedError`, never a guess.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

TapeMode = Literal["record", "replay"]


class NotRecordedError(RuntimeError):
    """A re-score asked the world something the live scoring did not ask."""


class RecordedError(RuntimeError):
    """Replays an exception the world raised when it was asked (its type and message)."""


@dataclass
class WorldTape:
    """Answers keyed by their question; `mode` says whether to ask the world or the tape."""

    mode: TapeMode
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    replayed: int = 0


_TAPE: ContextVar[WorldTape | None] = ContextVar("operator_eval_world_tape", default=None)


def question(kind: str, request: object) -> str:
    """The key an answer is kept under: its kind and the canonical JSON of the request."""
    return f"{kind}:{json.dumps(request, sort_keys=True, default=str)}"


@contextmanager
def using_tape(tape: WorldTape) -> Iterator[WorldTape]:
    """Route every `taped` call in this context through `tape`."""
    token = _TAPE.set(tape)
    try:
        yield tape
    finally:
        _TAPE.reset(token)


async def taped(
    kind: str,
    request: object,
    ask: Callable[[], Awaitable[Any]],
    *,
    rebuild_error: Callable[[str], Exception] | None = None,
) -> Any:
    """Ask the world (recording the answer) or the recording (replaying it).

    Args:
        kind: What is asked (a probe op, "command", "check").
        request: The question's JSON-able details; with `kind`, the answer's key.
        ask: Asks the world; its answer must be JSON-able.
        rebuild_error: Turns a recorded failure's message back into the exception `ask`
            raised, so that the scorer fails closed the same way on replay. Without it,
            exceptions are not recorded.

    Raises:
        NotRecordedError: on replay, for a question the live scoring did not ask.
    """
    tape = _TAPE.get()
    if tape is None:
        return await ask()
    key = question(kind, request)
    if tape.mode == "replay":
        entry = tape.entries.get(key)
        if entry is None:
            raise NotRecordedError(f"{kind} {json.dumps(request, default=str)[:160]}")
        tape.replayed += 1
        if "error" in entry:
            raise (rebuild_error or RecordedError)(entry["error"])
        return entry["answer"]
    try:
        answer = await ask()
    except Exception as ex:
        if rebuild_error is not None:
            tape.entries[key] = {"error": str(ex)}
        raise
    tape.entries[key] = {"answer": answer}
    return answer
