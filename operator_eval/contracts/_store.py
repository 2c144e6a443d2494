"""What the harness keeps in the sample store, as typed models, one per writer.

The store is harness-side: the agent can neither read nor write it. Each model is written
by one part of the harness and read by the scorers:

- `WorldRecord`: world setup (the world token, the workspace, the control plane's pid, the
  workspace as setup left it);
- `ProtectedRecord`: world setup, or a foreign task's `snapshot_protected`;
- `AgentRecord`: operator-eval's solver and tools (the tool logs, why the agent stopped,
  runtime failures and health);
- `FaultRecord`: the `faulty` model provider;
- `TapeRecord`: the scorers (the world's answers, recorded for re-scoring).

Writers bind a model with `inspect_ai.util.store_as(Model)`; binding writes each field's
default into the store. Readers use `Model.read(store)`, which never writes, so a foreign
sample's store holds only what the harness really recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from inspect_ai.util import Store, StoreModel
from pydantic import Field

from operator_eval.contracts._vocabulary import StopReason

STORE_PREFIX = "operator_eval"
"""Every key is `operator_eval:<field>`, the names logs have always carried."""


class _Record(StoreModel):
    def _ns_name(self, name: str) -> str:
        # Inspect's default key is `<ClassName>:<field>`; logs written before these
        # models existed use `operator_eval:<field>` and must stay readable.
        return f"{STORE_PREFIX}:{name}"

    @classmethod
    def key(cls, field: str) -> str:
        """The store key `field` is kept under, e.g. `operator_eval:tool_log`.

        Raises:
            KeyError: for a name that is not one of the model's fields.
        """
        if field not in cls.model_fields or field in ("store", "instance"):
            raise KeyError(f"{cls.__name__} has no field {field!r}")
        return f"{STORE_PREFIX}:{field}"

    @classmethod
    def read(cls, store: Store | Mapping[str, Any]) -> Self:
        """A detached copy of the record in `store` (reading it writes nothing back)."""
        # Only this record's keys are copied (Store deep-copies what it is given).
        wanted = {cls.key(name) for name in cls.model_fields if name not in ("store", "instance")}
        return cls(store=Store({k: v for k, v in store.items() if k in wanted}))


class WorldRecord(_Record):
    """What world setup leaves for the tools, the cleanup and the scorers."""

    world_token: str | None = Field(
        default=None,
        description="Random token exported as OPERATOR_EVAL_WORLD to every world process.",
    )
    workspace: str | None = Field(
        default=None, description="Absolute path of the workspace inside the sandbox."
    )
    control_pid: int | None = Field(
        default=None,
        description="Pid of the world's control plane (its socket must be served by it alone).",
    )
    workspace_before: dict[str, str] | None = Field(
        default=None,
        description="Digests of the whole workspace after setup (document work: stray outputs).",
    )


class ProtectedRecord(_Record):
    """The protected inputs as they were before the agent ran."""

    protected_before: dict[str, str] | None = Field(
        default=None, description="Digests of the protected paths right after world setup."
    )


class AgentRecord(_Record):
    """What operator-eval's own agent did: its tool calls and how it stopped."""

    tool_log: list[dict[str, Any]] = Field(
        default_factory=list, description="ToolRecord dicts, appended by the tools as they run."
    )
    review_tool_log: list[dict[str, Any]] = Field(
        default_factory=list,
        description="ToolRecord dicts of the verifier's review tools (draft/verify graphs).",
    )
    agent_stop: StopReason | None = Field(default=None, description="Why the agent stopped.")
    runtime_error: str | None = Field(
        default=None, description="Set by the solver when the model runtime failed."
    )
    runtime_health: dict[str, Any] | None = Field(
        default=None,
        description="Model calls, failed calls by error class, retries and resumes.",
    )


class FaultRecord(_Record):
    """Runtime faults the `faulty` provider injected into the sample's model calls."""

    injected_faults: dict[str, Any] | None = Field(
        default=None, description="{'calls': N, 'faults': {kind: count}}."
    )


class TapeRecord(_Record):
    """The world's answers to the scorers, recorded so that `inspect score` can re-derive."""

    world_tape: dict[str, dict[str, Any]] | None = Field(
        default=None,
        description="Answers keyed by question (probe answers, commands, checks).",
    )


ToolLogName = Literal["tool_log", "review_tool_log"]
"""`tool_log` or `review_tool_log`: the AgentRecord field a tool call is appended to."""
