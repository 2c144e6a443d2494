"""`UsageError`: a mistake in what the user asked for, answered in one line.

Inspect's command line prints a `PrerequisiteError` as its message alone (no
traceback), so a bad `-T`/`-M` value, a graph that cannot be found or a sandbox that
would not isolate the model reads as one sentence naming the problem and the choices.
"""

from __future__ import annotations

# Inspect's exception hook prints this class without a traceback; it has no public name.
from inspect_ai._util.error import PrerequisiteError


class UsageError(PrerequisiteError, ValueError):
    """A bad parameter or setting: `str(error)` is the whole, one-line message.

    Also a `ValueError`, which is what callers of the Python API caught before.
    Messages avoid square brackets: Inspect renders them as rich markup.
    """

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
