"""The `bwrap` sandbox: each sample isolated by bubblewrap on a Linux host (see `_bwrap.py`).

`--sandbox bwrap` (or `sandbox=("bwrap", "bwrap.yaml")`, or a `BwrapConfig`) once this
package is imported, which the `operator_eval` Inspect entry point does.
"""

from __future__ import annotations

import functools
import logging

from operator_eval.sandbox._bwrap import BwrapSandboxEnvironment
from operator_eval.sandbox._config import BwrapConfig, load_config
from operator_eval.sandbox._launch import BwrapUnavailableError, bwrap_problem

logger = logging.getLogger(__name__)


@functools.cache
def default_sandbox() -> str:
    """The sandbox to use by default: "bwrap" when it works on this host, else "local".

    Probed once per process; the fallback is logged once, with its reason.
    """
    problem = bwrap_problem()
    if problem is None:
        return "bwrap"
    logger.warning("operator_eval: using the 'local' sandbox (no isolation): %s", problem)
    return "local"


__all__ = [
    "BwrapConfig",
    "BwrapSandboxEnvironment",
    "BwrapUnavailableError",
    "bwrap_problem",
    "default_sandbox",
    "load_config",
]
