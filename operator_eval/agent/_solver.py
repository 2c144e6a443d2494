"""The solver: run a LangGraph operator graph inside Inspect's agent bridge."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID, uuid4

import anyio
import httpx
import openai
from inspect_ai.agent import AgentState, agent_bridge
from inspect_ai.model import ModelOutput, messages_from_openai, model_roles
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    convert_to_openai_messages,
)
from langchain_core.runnables import RunnableConfig
from langchain_openai import ChatOpenAI
from langgraph.errors import GraphRecursionError
from pydantic import SecretStr

from operator_eval._defaults import DEFAULT_GRAPH, DEFAULT_MAX_STEPS
from operator_eval.agent._inspect_speedups import cache_openai_version_checks
from operator_eval.agent._loader import build_graph, load_graph_target
from operator_eval.contracts import FINAL_REPORT, REVIEW_TOOLS
from operator_eval.contracts._spec import TaskSpec
from operator_eval.contracts._store import AgentRecord
from operator_eval.contracts._vocabulary import StopReason
from operator_eval.tools import operator_tools

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

# Failures of the model runtime (after Inspect's own retries), not of the agent's judgement.
RUNTIME_ERRORS: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.InternalServerError,
    openai.APIResponseValidationError,
    httpx.TransportError,
    ConnectionError,
    TimeoutError,
)
# Other providers' SDKs (anthropic, google, ...) raise their own classes through the
# bridge; they are recognised by name so that no SDK has to be imported here.
RUNTIME_ERROR_NAMES = frozenset(
    {
        "APIConnectionError",
        "APITimeoutError",
        "InternalServerError",
        "ServiceUnavailableError",
        "ServerError",
        "DeadlineExceeded",
        "ServiceUnavailable",
        "APIResponseValidationError",
    }
)
DEFAULT_MAX_RESUMES = 3
"""How often a graph with a checkpointer is resumed after a runtime failure."""


def is_runtime_error(ex: BaseException) -> bool:
    """True when `ex` is a failure of the model runtime rather than of the agent.

    That is a connection or timeout error, a 5xx, an overload (529) or a rate
    limit (429) that outlasted the retries, whichever SDK raised it.
    """
    if isinstance(ex, RUNTIME_ERRORS):
        return True
    status = getattr(ex, "status_code", None)
    if isinstance(status, int) and (status >= 500 or status == 429):
        return True
    return any(cls.__name__ in RUNTIME_ERROR_NAMES for cls in type(ex).__mro__)


def bridged_chat_model(role: str | None = None) -> ChatOpenAI:
    """A ChatOpenAI that the agent bridge redirects to the eval's `--model` (or a role's model).

    Only names starting with "inspect" are redirected; anything else would go to the
    network. Streaming is refused by the bridge, and retries are left to Inspect.

    Args:
        role: An Inspect model role (`--model-role drafter=...`). When the eval defines
            it, the bridge sends this model's calls to the role's model (`inspect/<role>`);
            when it does not, to the eval's `--model`, so a graph with roles still runs
            on a single model.
    """
    name = f"inspect/{role}" if role and role in model_roles() else "inspect"
    return ChatOpenAI(
        model=name,
        api_key=SecretStr("inspect-bridge"),  # required, never sent anywhere
        disable_streaming=True,
        max_retries=0,
    )


class RuntimeHealth(AsyncCallbackHandler):
    """Counts the agent's model calls, their time and the runtime failures (per sample)."""

    def __init__(self) -> None:
        """Start with no calls."""
        self.calls = 0
        self.failures: dict[str, int] = {}
        self.resumes = 0
        self.model_seconds = 0.0
        self._started: dict[UUID, float] = {}

    async def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """A model call starts."""
        self.calls += 1
        self._started[run_id] = time.perf_counter()

    async def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """A model call returned: its wall time, as the agent waited for it."""
        self._stop(run_id)

    def _stop(self, run_id: UUID) -> None:
        started = self._started.pop(run_id, None)
        if started is not None:
            self.model_seconds += time.perf_counter() - started

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """A model call failed."""
        self._stop(run_id)
        if is_runtime_error(error):
            name = type(error).__name__
            self.failures[name] = self.failures.get(name, 0) + 1

    def summary(self, fatal: bool) -> dict[str, Any]:
        """Calls, failed calls by class, how many were retried, resumes, model time."""
        failed = sum(self.failures.values())
        return {
            "model_calls": self.calls,
            "failed_calls": failed,
            "failures": dict(self.failures),
            # Every failure was followed by another attempt, except a fatal last one.
            "retried": max(0, failed - (1 if fatal else 0)),
            "resumes": self.resumes,
            # the model's time plus the bridge's (LangChain, the openai SDK, Inspect)
            "model_seconds": round(self.model_seconds, 4),
        }


@solver
def operator_agent(
    graph: str = DEFAULT_GRAPH,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_resumes: int = DEFAULT_MAX_RESUMES,
) -> Solver:
    """Run a LangGraph operator agent on the sample's ticket, with the operator tools.

    Args:
        graph: "path/to/file.py:factory" or "package.module:attr" naming a graph
            factory (called with `model=` and `tools=`) or a compiled graph.
        max_steps: Budget of agent steps (model turns); a looping agent is stopped
            there and still scored.
        max_resumes: When the model runtime fails and the graph has a checkpointer,
            resume it from its last checkpoint up to this many times; without a
            checkpointer a runtime failure ends the sample (scored `runtime_failure`).
    """
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, got {max_steps}")
    if max_resumes < 0:
        raise ValueError(f"max_resumes must not be negative, got {max_resumes}")
    load_graph_target(graph)  # fail at task load time, not per sample

    cache_openai_version_checks()  # here, not at import: only evals that run this agent

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        # Also runs on foreign samples (--solver on another task): no service then.
        spec = TaskSpec.from_metadata(state.metadata)
        socket = spec.service.socket if spec and spec.service else None
        tools = operator_tools(socket, spec.tool_faults if spec else ())
        # A reviewer (draft_verify's verifier) inspects with its own tools: no faults,
        # and its observations stay out of the evidence the agent is scored on.
        review_tools = [
            t
            for t in operator_tools(socket, log="review_tool_log")
            if t.name in REVIEW_TOOLS
        ]
        health = RuntimeHealth()
        stop: StopReason = "error"
        result: Any = None
        bridge = None
        try:
            async with agent_bridge(AgentState(messages=list(state.messages))) as bridge:
                compiled = build_graph(graph, bridged_chat_model(), tools, review_tools)
                config: RunnableConfig = {
                    "recursion_limit": 2 * max_steps + 1,
                    "callbacks": [health],
                    # A checkpointer (if the graph has one) keys its checkpoints by thread.
                    # Unique per run: a shared checkpointer never mixes two runs of a sample.
                    "configurable": {"thread_id": f"{state.sample_id}:{state.epoch}:{uuid4().hex}"},
                }
                stop, result = await _run_with_resumes(
                    compiled, state, config, health, max_resumes=max_resumes, max_steps=max_steps
                )
        except BaseException as ex:
            # A sample limit (time, tokens, messages) cancels or interrupts the solver;
            # Inspect still scores the sample, and logs the messages kept below.
            if isinstance(ex, (LimitExceededError, anyio.get_cancelled_exc_class())):
                stop = "limit"
            raise
        finally:
            agent = AgentRecord(store=state.store)
            agent.agent_stop = stop
            agent.runtime_health = health.summary(stop == "runtime_error")
            if bridge is not None:
                state.messages = bridge.state.messages
                if bridge.state.output is not None:
                    state.output = bridge.state.output
        await _adopt_final_report(state, result)
        return state

    return solve


async def _run_with_resumes(
    compiled: Any,
    state: TaskState,
    config: RunnableConfig,
    health: RuntimeHealth,
    *,
    max_resumes: int,
    max_steps: int,
) -> tuple[StopReason, Any]:
    """Run the graph; after a runtime failure resume from its checkpoint if it has one.

    A resumed run gets only the steps the budget has left, so resuming never buys
    a graph more steps than the plain one gets.

    Returns:
        Why the agent stopped, and the graph's final state when it finished (else None).
    """
    resumable = getattr(compiled, "checkpointer", None) is not None
    graph_input: dict[str, Any] | None = {"messages": [HumanMessage(state.input_text)]}
    while True:
        try:
            result = await compiled.ainvoke(graph_input, config=config)
            return "final", result
        except GraphRecursionError:
            return "step_budget", None
        except Exception as ex:
            if not is_runtime_error(ex):
                raise
            if resumable and health.resumes < max_resumes:
                snapshot = await compiled.aget_state(config)
                left = 2 * max_steps + 1 - int((snapshot.metadata or {}).get("step", 0))
                if left < 1:
                    return "step_budget", None
                # None resumes the thread from its last checkpoint: the failed step reruns.
                health.resumes += 1
                graph_input = None
                config = {**config, "recursion_limit": left}
                continue
            AgentRecord(store=state.store).runtime_error = f"{type(ex).__name__}: {ex}"
            return "runtime_error", None


def final_report(result: Any) -> str | None:
    """The graph's own final report: its last message, when that is named `FINAL_REPORT`.

    Most graphs end on their model's last reply, which the bridge already made the
    sample's output. A graph whose answer is not that reply (draft_verify: the verifier
    approved or restated the drafter's report) ends with an `AIMessage` named
    `FINAL_REPORT` and without tool calls.
    """
    messages = result.get("messages") if isinstance(result, dict) else None
    if not messages:
        return None
    last = messages[-1]
    if not isinstance(last, AIMessage) or last.tool_calls or last.name != FINAL_REPORT:
        return None
    return str(last.text)


async def _adopt_final_report(state: TaskState, result: Any) -> None:
    """Make a graph's named final report the sample's output, its messages the sample's.

    The scorers read the output. The bridge's messages are those of the last model call,
    which for draft_verify is the verifier's review; the sample's messages (the viewer's
    Messages tab) should be the agent's own conversation, ending with the gated report.
    The review stays in the transcript.
    """
    final = final_report(result)
    if final is None:
        return
    state.output = ModelOutput.from_content(model=str(state.model), content=final)
    conversation = convert_to_openai_messages(list(result["messages"]))
    state.messages = await messages_from_openai(
        cast("list[ChatCompletionMessageParam]", conversation)
    )
