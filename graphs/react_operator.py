"""A ReAct operator agent as a LangGraph graph.

Use it with the solver (`-S graph=graphs/react_operator.py:make_graph`, the default) or
in LangGraph Studio (`langgraph dev` at the repo root; see `operator_eval/studio.py`).
The structure follows the langchain-ai/react-agent template: typed state with
`add_messages`, a model node, a ToolNode, and a conditional edge back to the model while
it calls tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode
from langgraph.types import RetryPolicy

from operator_eval.agent import OPERATOR_PROMPT, default_chat_model, is_runtime_error
from operator_eval.tools import default_tools


class OperatorState(TypedDict):
    """Conversation state: the message list, merged with `add_messages`."""

    messages: Annotated[list[AnyMessage], add_messages]


def make_graph(
    config: RunnableConfig | None = None,
    *,
    model: BaseChatModel | None = None,
    tools: Sequence[BaseTool] | None = None,
    retry_policy: RetryPolicy | None = None,
    checkpointer: Any = None,
) -> Any:
    """Build the compiled ReAct operator graph.

    Args:
        config: A run config; `configurable.model` names the default model.
        model: Chat model; the solver passes `ChatOpenAI(model="inspect")`.
        tools: Operator tools; the solver passes the sample's sandbox tools.
        retry_policy: Retries of the model node when a call fails.
        checkpointer: Saves state after every step, so a failed run can resume.
    """
    chat = model if model is not None else default_chat_model(config)
    tool_list = list(tools) if tools is not None else default_tools()
    bound = chat.bind_tools(tool_list)

    async def call_model(state: OperatorState) -> dict[str, list[AnyMessage]]:
        response = await bound.ainvoke([SystemMessage(OPERATOR_PROMPT), *state["messages"]])
        return {"messages": [response]}

    def route(state: OperatorState) -> str:
        last = state["messages"][-1]
        return "tools" if getattr(last, "tool_calls", None) else END

    builder = StateGraph(OperatorState)
    builder.add_node("call_model", call_model, retry_policy=retry_policy)
    builder.add_node("tools", ToolNode(tool_list, handle_tool_errors=True))
    builder.add_edge(START, "call_model")
    # The path map only names where route() may go, so Studio draws both edges.
    builder.add_conditional_edges("call_model", route, ["tools", END])
    builder.add_edge("tools", "call_model")
    name = "resilient_operator" if retry_policy or checkpointer else "react_operator"
    return builder.compile(name=name, checkpointer=checkpointer)


RESILIENT_RETRY = RetryPolicy(
    initial_interval=0.2,
    backoff_factor=2.0,
    max_interval=5.0,
    max_attempts=6,
    jitter=True,
    retry_on=is_runtime_error,
)
"""Retry a failed model call up to 6 times (0.2 s, 0.4 s, ... backoff) on runtime failures only."""


def make_resilient_graph(
    config: RunnableConfig | None = None,
    *,
    model: BaseChatModel | None = None,
    tools: Sequence[BaseTool] | None = None,
) -> Any:
    """The same agent, built to survive a flaky model runtime.

    A failed model call (connection reset, 5xx, timeout, malformed response) is
    retried by the node's retry policy; tool calls are never repeated. An
    in-memory checkpointer saves the state after every step, so when retries run
    out the solver resumes the thread from the last good step instead of
    starting over (`-S graph=graphs/react_operator.py:make_resilient_graph`).

    Args:
        config: A run config, passed on to `make_graph`.
        model: Chat model; the solver passes `ChatOpenAI(model="inspect")`.
        tools: Operator tools; the solver passes the sample's sandbox tools.
    """
    return make_graph(
        config,
        model=model,
        tools=tools,
        retry_policy=RESILIENT_RETRY,
        checkpointer=InMemorySaver(),
    )
