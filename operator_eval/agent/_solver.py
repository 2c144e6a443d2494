"""The solver: run a LangGraph operator graph inside Inspect's agent bridge."""

from __future__ import annotations

import httpx
import openai
from inspect_ai.agent import AgentState, agent_bridge
from inspect_ai.solver import Generate, Solver, TaskState, solver
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from langgraph.errors import GraphRecursionError
from pydantic import SecretStr

from operator_eval import _keys
from operator_eval.agent._loader import DEFAULT_GRAPH, build_graph, load_graph_target
from operator_eval.tools import operator_tools
from operator_eval.world._spec import TaskSpec

DEFAULT_MAX_STEPS = 40

# Failures of the model runtime (after Inspect's own retries), not of the agent's judgement.
RUNTIME_ERRORS: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.InternalServerError,
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
    }
)


def is_runtime_error(ex: BaseException) -> bool:
    """True when `ex` is a failure of the model runtime rather than of the agent."""
    if isinstance(ex, RUNTIME_ERRORS):
        return True
    return any(cls.__name__ in RUNTIME_ERROR_NAMES for cls in type(ex).__mro__)


def bridged_chat_model() -> ChatOpenAI:
    """A ChatOpenAI that the agent bridge redirects to the eval's `--model`.

    Only the name "inspect" is redirected; anything else would go to the network.
    Streaming is refused by the bridge, and retries are left to Inspect.
    """
    return ChatOpenAI(
        model="inspect",
        api_key=SecretStr("inspect-bridge"),  # required, never sent anywhere
        disable_streaming=True,
        max_retries=0,
    )


@solver
def operator_agent(graph: str = DEFAULT_GRAPH, max_steps: int = DEFAULT_MAX_STEPS) -> Solver:
    """Run a LangGraph operator agent on the sample's ticket, with the operator tools.

    Args:
        graph: "path/to/file.py:factory" or "package.module:attr" naming a graph
            factory (called with `model=` and `tools=`) or a compiled graph.
        max_steps: Budget of agent steps (model turns); a looping agent is stopped
            there and still scored.
    """
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, got {max_steps}")
    load_graph_target(graph)  # fail at task load time, not per sample

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        # Also runs on foreign samples (--solver on another task): no service then.
        spec = TaskSpec.from_metadata(state.metadata)
        tools = operator_tools(
            spec.service.socket if spec and spec.service else None,
            spec.tool_faults if spec else (),
        )
        async with agent_bridge(AgentState(messages=list(state.messages))) as bridge:
            compiled = build_graph(graph, bridged_chat_model(), tools)
            stop = "final"
            try:
                await compiled.ainvoke(
                    {"messages": [HumanMessage(state.input_text)]},
                    config={"recursion_limit": 2 * max_steps + 1},
                )
            except GraphRecursionError:
                stop = "step_budget"
            except Exception as ex:
                if not is_runtime_error(ex):
                    raise
                stop = "runtime_error"
                state.store.set(_keys.RUNTIME_ERROR, f"{type(ex).__name__}: {ex}")
        state.store.set(_keys.AGENT_STOP, stop)
        state.messages = bridge.state.messages
        if bridge.state.output is not None:
            state.output = bridge.state.output
        return state

    return solve
