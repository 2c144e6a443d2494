"""The tool log: what the agent's tools really did, as the harness recorded it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ToolRecord(BaseModel):
    """One tool call as executed, recorded by the harness (never by the model)."""

    tool: str = Field(description="Tool name, e.g. 'shell' or 'http_get'.")
    args: dict[str, object] = Field(default_factory=dict)
    output: str = Field(default="", description="What the tool returned to the agent.")
    ok: bool = Field(default=True, description="False when the tool reported an error.")
    seq: int = Field(default=0, description="Order of the call within the sample.")
    http_status: int | None = Field(default=None, description="Status, for http_get calls.")
    http_body: str | None = Field(default=None, description="Body, for http_get calls.")
    fault: str | None = Field(
        default=None,
        description="The injected fault this call suffered (tool_failure worlds), if any.",
    )
