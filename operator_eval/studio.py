"""LangGraph Studio entry points for the shipped graphs (`langgraph dev` at the repo root).

The graphs' own factories (`make_graph(config, *, model, tools, ...)`) are built for the
solver, which hands them a bridged model and a sample's sandbox tools. LangGraph's server
calls a factory with at most a `RunnableConfig`, so each graph gets a one-argument entry
point here: `react_operator`, `resilient_operator` and `draft_verify`, named as in the
repo's `langgraph.json`.

In Studio the model is a real `ChatOpenAI`, configured from the environment:

- `OPERATOR_MODEL`: the model name (default `gpt-4o`); a run may override it with
  `configurable.model`;
- `OPENAI_BASE_URL`: any OpenAI-compatible server (llama.cpp, vLLM, ...); default OpenAI;
- `OPENAI_API_KEY`: its key (a placeholder is sent when unset, for servers that need none).

The tools keep their names, descriptions and arguments, so the model sees exactly what it
sees in an eval, but they do not run: they act on an Inspect sample's sandboxed world,
which Studio does not have, and running a model's shell commands on the host instead is
what the sandbox exists to prevent. Each call answers with one sentence saying so.

Everything is imported and built when this module is imported (LangGraph imports it in
a worker thread); the factories only assemble graphs, because the server calls them on
its event loop, where blocking I/O (an import, a TLS context) is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from operator_eval._paths import data_dir
from operator_eval.agent import DEFAULT_MODEL, MODEL_ENV, load_graph_target
from operator_eval.contracts import REVIEW_TOOLS
from operator_eval.tools import operator_tools

UNSET_KEY = "OPENAI_API_KEY-not-set"
"""Sent when OPENAI_API_KEY is unset: local servers ignore it, OpenAI answers 401."""

NO_SANDBOX = (
    "{name} did not run: in LangGraph Studio the operator tools have no sandbox "
    "(they act on an Inspect sample's world); run this graph with `inspect eval "
    "operator_eval/deploy_recovery --model MODEL -T graph=graphs/{graph}` to use them."
)


def _graph_factory(file: str, attr: str) -> Callable[..., Any]:
    """The solver-facing factory `attr` of the shipped graph file `file`."""
    return load_graph_target(f"{data_dir('graphs') / file}:{attr}")  # type: ignore[no-any-return]


_MAKE_REACT = _graph_factory("react_operator.py", "make_graph")
_MAKE_DRAFT_VERIFY = _graph_factory("draft_verify.py", "make_graph")
_RESILIENT_RETRY = load_graph_target(f"{data_dir('graphs') / 'react_operator.py'}:RESILIENT_RETRY")


def studio_model() -> ChatOpenAI:
    """The chat model the Studio graphs use, configured from the environment."""
    key = os.environ.get("OPENAI_API_KEY") or UNSET_KEY
    return ChatOpenAI(
        model=os.environ.get(MODEL_ENV) or DEFAULT_MODEL,
        api_key=SecretStr(key),
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
    )


def _unavailable(tool: BaseTool, graph: str) -> BaseTool:
    """`tool`'s name, description and arguments, answering that it has no sandbox."""
    message = NO_SANDBOX.format(name=tool.name, graph=graph)

    async def explain(**_: Any) -> str:
        return message

    return StructuredTool.from_function(
        coroutine=explain,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
    )


def studio_tools(graph: str) -> list[BaseTool]:
    """The operator tools as the model sees them, each answering that it needs a sandbox.

    Args:
        graph: The graph spec the sentence tells the user to run (`file.py:factory`).
    """
    return [_unavailable(t, graph) for t in operator_tools(socket=None)]


_MODEL = studio_model()
_REACT_TOOLS = studio_tools("react_operator.py:make_graph")
_RESILIENT_TOOLS = studio_tools("react_operator.py:make_resilient_graph")
_DRAFT_TOOLS = studio_tools("draft_verify.py:make_graph")
_REVIEW_TOOLS = [t for t in _DRAFT_TOOLS if t.name in REVIEW_TOOLS]


def _model_for(config: RunnableConfig | None) -> BaseChatModel:
    """The Studio model, renamed when the run asks for another (`configurable.model`).

    A copy shares the built clients, so no TLS context is made on the event loop.
    """
    name = ((config or {}).get("configurable") or {}).get("model")
    if not name or name == _MODEL.model_name:
        return _MODEL
    return _MODEL.model_copy(update={"model_name": str(name)})


def react_operator(config: RunnableConfig | None = None) -> Any:
    """The ReAct operator graph (`graphs/react_operator.py:make_graph`) for Studio."""
    return _MAKE_REACT(config, model=_model_for(config), tools=_REACT_TOOLS)


def resilient_operator(config: RunnableConfig | None = None) -> Any:
    """The ReAct operator with model-call retries, for Studio.

    The solver's `make_resilient_graph` also brings an in-memory checkpointer; the
    LangGraph server refuses a graph with its own and persists threads itself.
    """
    return _MAKE_REACT(
        config, model=_model_for(config), tools=_RESILIENT_TOOLS, retry_policy=_RESILIENT_RETRY
    )


def draft_verify(config: RunnableConfig | None = None) -> Any:
    """The drafter + verifier graph (`graphs/draft_verify.py:make_graph`) for Studio.

    Both roles use the Studio model.
    """
    model = _model_for(config)
    return _MAKE_DRAFT_VERIFY(
        config,
        model=model,
        tools=_DRAFT_TOOLS,
        review_tools=_REVIEW_TOOLS,
        drafter=model,
        verifier=model,
    )
