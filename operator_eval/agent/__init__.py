"""The solver that runs a LangGraph operator agent inside Inspect's agent bridge."""

from operator_eval._defaults import DEFAULT_GRAPH
from operator_eval.agent._graph_defaults import (
    DEFAULT_MODEL,
    MODEL_ENV,
    OPERATOR_PROMPT,
    default_chat_model,
)
from operator_eval.agent._loader import (
    GraphSpecError,
    build_graph,
    load_graph_target,
)
from operator_eval.agent._solver import bridged_chat_model, is_runtime_error, operator_agent

__all__ = [
    "DEFAULT_GRAPH",
    "DEFAULT_MODEL",
    "MODEL_ENV",
    "OPERATOR_PROMPT",
    "GraphSpecError",
    "bridged_chat_model",
    "build_graph",
    "default_chat_model",
    "is_runtime_error",
    "load_graph_target",
    "operator_agent",
]
