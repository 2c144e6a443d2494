"""A process-wide speed-up of Inspect's agent bridge, applied once when the solver loads."""

from __future__ import annotations

import functools


def cache_openai_version_checks() -> None:
    """Remember the outcome of Inspect's `openai` version check for the process.

    The bridge converts every model turn's messages with helpers that each re-check
    the installed `openai` version through `importlib.metadata` (1.3 ms a check, two
    checks a turn, measured here). Installed versions cannot change under a running
    process, so a check that passed once passes again; a failing check raises and
    is not cached. Does nothing when Inspect no longer has the helper.
    """
    try:
        from inspect_ai.model._providers import providers
    except ImportError:
        return
    check = getattr(providers, "verify_required_version", None)
    if callable(check) and not hasattr(check, "cache_info"):
        setattr(providers, "verify_required_version", functools.cache(check))  # noqa: B010
