"""A user's own LangGraph agent, run inside Inspect through its agent bridge.

Nothing here comes from operator-eval: a prebuilt ReAct graph with one async
shell tool of the user's, and a solver that runs the graph with its model
calls redirected to the eval's `--model` by `inspect_ai.agent.agent_bridge`.
The bridge records every model call (with the tool results sent to the
model), which is the record operator-eval's scorers read the evidence from.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.agent import AgentState, agent_bridge
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from langgraph.prebuilt import create_react_agent
from pydantic import SecretStr

SYSTEM = (
    "You are a release operator. Work in the project's workspace with the run_shell "
    "tool, one step at a time, and check what each command printed before the next."
)


@tool
async def run_shell(script: str) -> str:
    """Run a bash script in the project's workspace.

    Args:
        script: The bash script to run.

    Returns:
        Its standard output and error, and its exit code.
    """
    result = await sandbox().exec(["bash", "-c", script], timeout=120)
    return f"{result.stdout}{result.stderr}[exit {result.returncode}]"


def release_graph() -> Any:
    """The graph: a ReAct loop over a bridged chat model and run_shell."""
    model = ChatOpenAI(
        model="inspect",  # "inspect": the bridge sends these calls to the eval's --model
        api_key=SecretStr("unused"),  # required by ChatOpenAI, never sent anywhere
        disable_streaming=True,
    )
    return create_react_agent(model, [run_shell], prompt=SYSTEM)


@solver
def langgraph_operator(max_steps: int = 30) -> Solver:
    """Run the release graph on the sample's input, inside Inspect's agent bridge.

    Args:
        max_steps: Model turns before the graph is stopped.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        async with agent_bridge(AgentState(messages=list(state.messages))) as bridge:
            await release_graph().ainvoke(
                {"messages": [HumanMessage(state.input_text)]},
                config={"recursion_limit": 2 * max_steps + 1},
            )
        state.messages = bridge.state.messages
        if bridge.state.output is not None:
            state.output = bridge.state.output
        return state

    return solve
