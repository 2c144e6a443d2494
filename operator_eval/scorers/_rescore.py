"""Score from the live world, or re-score a finished log from what the world answered then.

Live scoring records every answer the world gives the scorers in the sample's store
(`TapeRecord.world_tape`, saved in the log). `inspect score` has no sandbox: the same
scorers then ask the recording, so a newer scorer re-derives every check from the
facts as gathered when the sample ended.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

# Inspect's CLI prints a PrerequisiteError as its message alone, without a traceback.
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.scorer import Score, Scorer, Target
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from operator_eval.contracts._store import TapeRecord
from operator_eval.probe._tape import NotRecordedError, WorldTape, using_tape


class RescoreError(PrerequisiteError):
    """A re-score without a sandbox that the recorded world facts cannot answer."""


def sandbox_available() -> bool:
    """Whether this sample has a live sandbox (not so when `inspect score` re-scores a log)."""
    try:
        sandbox()
    except ProcessLookupError:
        return False
    return True


@asynccontextmanager
async def world_of(state: TaskState) -> AsyncIterator[WorldTape]:
    """The world the scorers ask: the live sandbox (recorded), else the recording.

    Raises:
        RescoreError: when re-scoring asks something the live scoring did not record,
            or the sample has neither a sandbox nor a recording.
    """
    recorded = TapeRecord.read(state.store).world_tape
    if sandbox_available():
        tape = WorldTape("record", dict(recorded or {}))
        with using_tape(tape):
            yield tape
        TapeRecord(store=state.store).world_tape = tape.entries
        return
    tape = WorldTape("replay", dict(recorded or {}))
    try:
        with using_tape(tape):
            yield tape
    except NotRecordedError as ex:
        if not recorded:
            raise RescoreError(
                f"sample {state.sample_id}: no sandbox and no recorded world facts (it was "
                "scored before operator-eval recorded them): re-run the sample to score it"
            ) from None
        raise RescoreError(
            f"sample {state.sample_id}: this scorer asks the world something it was not "
            f"asked when the sample was scored ({ex}); re-run the sample to score it"
        ) from None


def replay_note(tape: WorldTape) -> str | None:
    """Says how a re-score was derived, or None for a live score."""
    if tape.mode != "replay":
        return None
    return (
        f"re-scored without a sandbox: every check re-derived from {tape.replayed} world "
        "answers recorded when the sample was scored"
    )


ScoreFn = Callable[[TaskState, Target], Awaitable[Score]]


def with_recorded_world(score: ScoreFn) -> Scorer:
    """Wrap a scorer's score function: record the world it reads, or replay it to re-score.

    A re-score's explanation ends with how it was derived, and its metadata says so
    under `rescored`.
    """

    async def scored(state: TaskState, target: Target) -> Score:
        async with world_of(state) as tape:
            result = await score(state, target)
        note = replay_note(tape)
        if note is not None:
            result.explanation = f"{result.explanation or ''}\n\n{note}".strip()
            result.metadata = {
                **(result.metadata or {}),
                "rescored": {"from": "recorded world facts", "answers": tape.replayed},
            }
        return result

    return scored
