"""The `bwrap` sandbox: each sample isolated by bubblewrap on a Linux host (see `_bwrap.py`).

`--sandbox bwrap` (or `sandbox=("bwrap", "bwrap.yaml")`, or a `BwrapConfig`) once this
package is imported, which the `operator_eval` Inspect entry point does.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from operator_eval._usage import UsageError
from operator_eval.sandbox._bwrap import BwrapSandboxEnvironment
from operator_eval.sandbox._config import BwrapConfig, load_config
from operator_eval.sandbox._launch import BwrapUnavailableError, bwrap_problem

logger = logging.getLogger(__name__)

SCRIPTED_PROVIDER = "opeval"
"""The model provider of operator-eval's scripted policies: they run no model-made shell."""


class UnisolatedSandboxError(UsageError):
    """`auto` found no isolation on this host, and a model that writes its own shell."""


def is_scripted(model: str) -> bool:
    """Whether `model` ("provider/name") is one of operator-eval's scripted policies."""
    return model.split("/", 1)[0] == SCRIPTED_PROVIDER


@functools.cache
def _warn_unisolated(problem: str) -> None:
    logger.warning(
        "operator_eval: scripted policies only, so using the 'local' sandbox (no isolation): %s",
        problem,
    )


def default_sandbox(models: Sequence[str] | None) -> str:
    """The sandbox `auto` means: "bwrap" when it works on this host, else maybe "local".

    Without bwrap, `local` (no isolation, logged once) only when every model of the eval
    is a scripted policy (`opeval/...`): those only replay commands operator-eval wrote.
    A real model's commands would run on the host, so then, and when the models are not
    known (a task built outside an eval), this refuses.

    Args:
        models: The eval's models ("provider/name"), its role models included; None
            when the task is built outside an eval.

    Raises:
        UnisolatedSandboxError: one line: why bwrap cannot run, and the two ways on
            (install bubblewrap, or choose `local` explicitly).
    """
    problem = bwrap_problem()
    if problem is None:
        return "bwrap"
    if models and all(is_scripted(m) for m in models):
        _warn_unisolated(problem)
        return "local"
    if models:
        who = "model " + ", ".join(m for m in models if not is_scripted(m))
    else:
        who = "a model it cannot know yet (the task was built outside an eval)"
    raise UnisolatedSandboxError(
        f"operator_eval: sandbox 'auto' has no isolation on this host ({problem}) and will "
        f"not let {who} run shell commands on it; install bubblewrap, or pass "
        "-T sandbox=local (sandbox='local') to accept no isolation, or -T sandbox=docker"
    )


__all__ = [
    "SCRIPTED_PROVIDER",
    "BwrapConfig",
    "BwrapSandboxEnvironment",
    "BwrapUnavailableError",
    "UnisolatedSandboxError",
    "bwrap_problem",
    "default_sandbox",
    "is_scripted",
    "load_config",
]
