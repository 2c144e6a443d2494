"""`opeval/<policy>`: the scripted reference policies as an Inspect model provider.

They drive the real LangGraph agent through the bridge like any model: the
graph calls the model, the provider answers with tool calls, the graph runs
the tools in the sandbox. Nothing goes around the solver.
"""

from __future__ import annotations

import asyncio
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageTool,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.solver._task_state import sample_state
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from operator_eval._usage import UsageError
from operator_eval.contracts import VERDICT_TOOL
from operator_eval.contracts._spec import TaskSpec
from operator_eval.policies._flaws import FLAWS
from operator_eval.policies._policies import POLICIES, Action, FinalAction, Policy
from operator_eval.policies._verifier import oracle_verifier


def _tool_outputs(messages: list[ChatMessage]) -> list[str]:
    """The output of each past assistant turn's tool call, in order."""
    results = {m.tool_call_id: m.text for m in messages if isinstance(m, ChatMessageTool)}
    outputs = []
    for message in messages:
        if isinstance(message, ChatMessageAssistant) and message.tool_calls:
            outputs.append(results.get(message.tool_calls[0].id, ""))
    return outputs


def replay(policy: Policy, outputs: list[str]) -> Action:
    """Replay a policy over the outputs it already received; return its next action."""
    try:
        action = next(policy)
        for output in outputs:
            action = policy.send(output)
    except StopIteration:
        return FinalAction("The policy has nothing more to do.\nSTATUS: FAILED")
    return action


class OperatorPolicyAPI(ModelAPI):
    """Model API whose 'model' is a scripted operator policy."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        flaw: str | None = None,
        latency: float = 0.0,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())
        # UsageError: Inspect prints these mistakes as one line, no traceback
        if model_args:
            unknown = ", ".join(sorted(model_args))
            raise UsageError(
                f"opeval/{model_name}: unknown model args {unknown}; it takes: flaw, latency"
            )
        if model_name == "flawed":
            if flaw not in FLAWS:
                got = "none given" if flaw is None else f"got {flaw!r}"
                raise UsageError(
                    f"opeval/flawed needs -M flaw=NAME ({got}); NAME is one of: {', '.join(FLAWS)}"
                )
            self._policy = FLAWS[flaw]
        elif model_name in POLICIES:
            if flaw is not None:
                raise UsageError(f"-M flaw= only applies to opeval/flawed, not {model_name}")
            self._policy = POLICIES[model_name]
        else:
            known = ", ".join([*POLICIES, "flawed"])
            raise UsageError(f"unknown opeval policy {model_name!r}; known: {known}")
        self._flaw = flaw
        # A simulated model latency per call (`-M latency=0.3`), e.g. for concurrency benchmarks.
        try:
            self._latency = float(latency)
        except (TypeError, ValueError):
            self._latency = -1.0
        if not self._latency >= 0:  # also NaN
            raise UsageError(f"opeval: -M latency must be seconds >= 0, got {latency!r}")

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Answer with the policy's next action for the sample being run."""
        state = sample_state()
        if state is None:
            raise RuntimeError("opeval policies only run inside an Inspect sample")
        spec = TaskSpec.from_metadata(state.metadata)
        if spec is None:
            raise RuntimeError("opeval policies play operator-eval samples only (no TaskSpec)")
        if self._latency:
            await asyncio.sleep(self._latency)
        outputs = _tool_outputs(input)
        offered = {t.name for t in tools}
        if VERDICT_TOOL in offered and self.model_name == "oracle":
            # Asked to review another agent's report (the verifier of draft_verify).
            request = next((m.text for m in input if m.role == "user"), "")
            action = replay(oracle_verifier(spec, request), outputs)
        else:
            action = replay(self._policy(spec), outputs)
        name = self.model_name + (f"[{self._flaw}]" if self._flaw else "")
        if isinstance(action, FinalAction):
            return ModelOutput.from_content(model=name, content=action.text)
        if action.tool not in offered:
            text = f"Tool {action.tool!r} is not offered by this agent.\nSTATUS: FAILED"
            return ModelOutput.from_content(model=name, content=text)
        call = ToolCall(id=f"call_{len(outputs) + 1}", function=action.tool, arguments=action.args)
        message = ChatMessageAssistant(content="", tool_calls=[call], model=name)
        return ModelOutput.from_message(message, stop_reason="tool_calls")

    def max_tokens(self) -> int | None:
        """Scripted policies have no token limit."""
        return None


@modelapi(name="opeval")
def opeval() -> type[ModelAPI]:
    """Register the `opeval` provider (oracle, noop, sloppy, flawed -M flaw=NAME)."""
    return OperatorPolicyAPI
