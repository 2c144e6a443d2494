"""One line per finished sample while the demo runs (an Inspect hook, off unless enabled)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from inspect_ai.hooks import Hooks, SampleEnd, hooks

_active = False


@contextmanager
def sample_progress() -> Iterator[None]:
    """Print each sample's score as it finishes, inside this block only."""
    global _active
    _active = True
    try:
        yield
    finally:
        _active = False


def sample_line(sample_id: str, value: object, error: str | None, elapsed: float) -> str:
    """`  25/25  deploy_recovery.clean-s0  (41 s)`, or the sample's error.

    `elapsed` is the sample's own run time.
    """
    if error:
        return f"  error  {sample_id}: {error[:120]}  ({elapsed:.0f} s)"
    points = value.get("points") if isinstance(value, dict) else None
    shown = f"{points:g}/25" if isinstance(points, int | float) else "unscored"
    return f"  {shown:>6}  {sample_id}  ({elapsed:.0f} s)"


@hooks(name="operator_eval_progress", description="operator-eval demo: a line per sample")
class SampleProgress(Hooks):
    """Prints a line when a sample ends, while `sample_progress()` is active."""

    def enabled(self) -> bool:
        """Only inside `sample_progress()`: other evals in the process stay quiet."""
        return _active

    async def on_sample_end(self, data: SampleEnd) -> None:
        """Print the sample's points."""
        sample = data.sample
        score = (sample.scores or {}).get("operator_score")
        error = sample.error.message if sample.error else None
        line = sample_line(
            str(sample.id), score.value if score else None, error, sample.total_time or 0.0
        )
        print(line, flush=True)
