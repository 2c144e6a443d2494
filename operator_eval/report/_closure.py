"""How long a suite's closure is: tool calls per sample of a run, and traps per sample.

`operator-eval closure LOG` (or a fresh oracle run) prints, per sample, the traps it
combines and the tool calls the run made, then the median and the minimum: the
figures that say a hard suite asks for long, compound work (benchboard_hard) and how
that compares with one trap per sample (benchboard).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import ChatMessageAssistant
from pydantic import BaseModel

from operator_eval.report._records import SCORER
from operator_eval.report._text import text_table

MIN_TOOL_CALLS = 25
"""The median closure length the hard tier promises (issue: the oracle's median >= 25)."""
MIN_TRAPS = 2
"""Every hard sample combines at least this many distinct traps."""


class SampleClosure(BaseModel):
    """One sample of a run: its traps, its tool calls, its points."""

    id: str
    traps: list[str]
    tool_calls: int
    points: int | None


class Closure(BaseModel):
    """A run's closure lengths and trap counts, sample by sample and summarised."""

    task: str
    model: str
    samples: list[SampleClosure]

    @property
    def median_tool_calls(self) -> float:
        """Median tool calls per sample."""
        return statistics.median(s.tool_calls for s in self.samples) if self.samples else 0.0

    @property
    def min_traps(self) -> int:
        """The fewest distinct traps any sample combines."""
        return min((len(set(s.traps)) for s in self.samples), default=0)

    def render(self) -> str:
        """A table per sample, then the two figures with their thresholds."""
        rows = [
            [
                s.id,
                str(s.tool_calls),
                "-" if s.points is None else str(s.points),
                f"{len(set(s.traps))}: {', '.join(s.traps) or '(none listed)'}",
            ]
            for s in self.samples
        ]
        with_two = sum(len(set(s.traps)) >= MIN_TRAPS for s in self.samples)
        return "\n".join(
            [
                f"{self.task} -- {self.model}",
                text_table(["sample", "calls", "points", "traps"], rows, right={1, 2}),
                f"median tool calls per sample: {self.median_tool_calls:g} "
                f"(hard tier wants >= {MIN_TOOL_CALLS})",
                f"samples combining >= {MIN_TRAPS} distinct traps: {with_two}/"
                f"{len(self.samples)} (fewest: {self.min_traps})",
            ]
        )


def _tool_calls(sample: EvalSample) -> int:
    # The conversation of record: every tool call the agent's model asked for, whatever
    # executed it (operator-eval's graph, Inspect's tools, a user's graph).
    return sum(
        len(m.tool_calls or []) for m in sample.messages if isinstance(m, ChatMessageAssistant)
    )


def _points(sample: EvalSample) -> int | None:
    score = (sample.scores or {}).get(SCORER)
    value = score.value if score is not None else None
    if isinstance(value, dict) and isinstance(value.get("points"), int | float):
        return int(value["points"])
    return None


def closure_of(log: EvalLog) -> Closure:
    """The closure of every sample in `log` (traps from each sample's TaskSpec metadata)."""
    samples: Sequence[EvalSample] = log.samples or []
    return Closure(
        task=log.eval.task,
        model=log.eval.model,
        samples=[
            SampleClosure(
                id=str(s.id),
                traps=[str(t) for t in (s.metadata or {}).get("traps", [])],
                tool_calls=_tool_calls(s),
                points=_points(s),
            )
            for s in samples
        ],
    )
