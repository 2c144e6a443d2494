"""Pydantic bases and the one formatter of validation errors the package's messages use."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError


class StrictModel(BaseModel):
    """A model that refuses unknown keys (a typo is an error, not a silently ignored key)."""

    model_config = ConfigDict(extra="forbid")


class FrozenModel(BaseModel):
    """A strict model whose instances cannot change (answer keys, recorded facts)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def validation_summary(error: ValidationError, limit: int = 5) -> str:
    """The first `limit` problems of `error` as `where: what`, joined by `; `.

    `where` is the dotted field path, `(top level)` for the document itself; when more
    problems exist than are shown, `(and N more)` follows.
    """
    items = error.errors()
    shown = "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or '(top level)'}: {item['msg']}"
        for item in items[:limit]
    )
    more = f" (and {len(items) - limit} more)" if len(items) > limit else ""
    return shown + more
