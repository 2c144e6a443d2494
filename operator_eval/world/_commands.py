"""Command lines of the world's own tooling, shared by the tools and the policies."""

from __future__ import annotations

import shlex

DEPLOYCTL = "deploy/deployctl"


def deploy_command(version: str, force: bool = False) -> str:
    """The `deployctl deploy` command line the deploy tool runs (and proofs cite)."""
    return f"{DEPLOYCTL} deploy {shlex.quote(version)}" + (" --force" if force else "")
