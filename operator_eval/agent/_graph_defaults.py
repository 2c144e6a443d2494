"""What the shipped graphs (`graphs/`) share: the operator's system prompt and default model.

The graphs run with the solver's bridged model and a sample's tools; these defaults are
for a graph built on its own (a script, a notebook), and the prompt is the one every
operator graph gives its model.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langchain_openai import ChatOpenAI

OPERATOR_PROMPT = """\
You are a careful operator. You act only through your tools, you verify results
against the live system before you believe them, and you never claim DONE without
evidence you observed yourself. When something cannot be done safely, say BLOCKED
and show why."""
"""The system prompt of an operator graph's model."""

MODEL_ENV = "OPERATOR_MODEL"
"""Environment variable naming the model a graph uses outside an eval."""
DEFAULT_MODEL = "gpt-4o"
"""The model a graph uses outside an eval when `OPERATOR_MODEL` is unset."""


def default_chat_model(config: RunnableConfig | None = None) -> ChatOpenAI:
    """The chat model of a graph built outside an eval with no model given.

    Args:
        config: A run config; its `configurable.model` names the model, else
            `$OPERATOR_MODEL`, else `DEFAULT_MODEL`.
    """
    from langchain_openai import ChatOpenAI

    configurable = (config or {}).get("configurable", {})
    return ChatOpenAI(model=configurable.get("model", os.environ.get(MODEL_ENV, DEFAULT_MODEL)))
