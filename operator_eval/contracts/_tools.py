"""The tool vocabulary: operator-eval's tool names and the record of one executed call.

The tools (`operator_eval.tools`) write `ToolRecord`s to the sample's tool log; the
scorers read them back as the evidence of record. The graphs, the solver, the scripted
policies and the reports name the tools with the constants here instead of repeating
the strings.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, Field

READ_FILE: Final = "read_file"
WRITE_FILE: Final = "write_file"
LIST_FILES: Final = "list_files"
SHELL: Final = "shell"
DEPLOY: Final = "deploy"
HTTP_GET: Final = "http_get"

OPERATOR_TOOLS: tuple[str, ...] = (READ_FILE, WRITE_FILE, LIST_FILES, SHELL, DEPLOY, HTTP_GET)
"""operator-eval's own tools, in the order `operator_tools` builds them."""

HARNESS_TOOLS: frozenset[str] = frozenset(OPERATOR_TOOLS)
"""Names of operator-eval's own tools: their calls are in the harness's tool log, with
fault marks, so Inspect's copies of the same calls are not read a second time."""

REVIEW_TOOLS: tuple[str, ...] = (READ_FILE, LIST_FILES, HTTP_GET)
"""A reviewer inspects; it never writes, runs commands or deploys."""

VERDICT_TOOL: Final = "submit_verdict"
"""The verifier's tool: a model offered it is being asked to verify, not to operate."""

FINAL_REPORT: Final = "final_report"
"""Name of the `AIMessage` a graph ends with when its report is not its model's last reply;
the solver makes that message the sample's output."""

HTTP_GET_SPEC: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": HTTP_GET,
        "description": "GET a route of the live service and return status and body.",
        "parameters": {
            "type": "object",
            "properties": {"route": {"type": "string", "description": "e.g. /health"}},
            "required": ["route"],
        },
    },
}
"""`http_get` as an OpenAI chat-completions tool, for checks that a model runtime handles
tool calls (`operator-eval preflight`, the local model server) without building the tools."""


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
    call_id: str | None = Field(default=None, description="The tool call's id, when known.")
    source: Literal["harness", "inspect", "trajectory"] = Field(
        default="harness",
        description="Who recorded it: operator-eval's tool log, Inspect's own record "
        "(ToolEvents, tool results sent to the model), or a trajectory file.",
    )
