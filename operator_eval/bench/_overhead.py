"""The harness's cost per agent step and per sample, taken apart (the overhead rows)."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from inspect_ai.log import EvalSample, read_eval_log

from operator_eval.bench._results import Measurement, _measure
from operator_eval.bench._runs import _eval, _setup_and_scoring, _spans
from operator_eval.contracts import SHELL


def _is_agent_command(event: Any) -> bool:
    """An exec of a command the agent asked for (shell, deploy), not of a harness probe."""
    from operator_eval.tools._tools import COMMAND_TAG

    return (
        type(event).__name__ == "SandboxEvent"
        and event.action == "exec"
        and f" {COMMAND_TAG} " in (event.cmd or "")
    )


def _seconds(event: Any) -> float:
    return (event.completed - event.timestamp).total_seconds() if event.completed else 0.0


async def _sandbox_floors(samples: int = 20) -> tuple[float, float]:
    """Median seconds of an exec of `true`, and of the shell tool's runner around `true`.

    In the tasks' default sandbox: the round trip every tool call pays, and a shell
    command's harness cost.
    """
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

    from operator_eval.sandbox import default_sandbox
    from operator_eval.tools._tools import command_argv

    # what `auto` gives the bench's runs, which play the scripted oracle
    env_type: Any = registry_find_sandboxenv(default_sandbox(["opeval/oracle"]))
    await env_type.task_init("bench", None)
    environments = await env_type.sample_init("bench", None, {})
    box = environments["default"]

    async def median_of(command: list[str]) -> float:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            await box.exec(command, timeout=20)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    try:
        return await median_of(["true"]), await median_of(command_argv("true", 10))
    finally:
        await env_type.sample_cleanup("bench", None, environments, False)
        await env_type.task_cleanup("bench", None, True)


async def _graph_step(steps: int = 40) -> float:
    """Seconds per step of the default LangGraph graph alone: a canned model, a no-op tool."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.tools import tool

    from operator_eval._defaults import DEFAULT_GRAPH
    from operator_eval.agent._loader import build_graph
    from operator_eval.agent._solver import RuntimeHealth

    class Canned(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

    @tool
    async def shell(command: str) -> str:
        """Do nothing."""
        return "ok"

    def replies() -> Any:
        for i in range(steps):
            call = {"name": SHELL, "args": {"command": "true"}, "id": f"call{i}"}
            yield AIMessage(content="", tool_calls=[call])
        yield AIMessage(content="STATUS: DONE")

    graph: Any = build_graph(DEFAULT_GRAPH, Canned(messages=replies()), [shell])
    config: Any = {"recursion_limit": 4 * steps, "callbacks": [RuntimeHealth()]}
    started = time.perf_counter()
    await graph.ainvoke({"messages": [HumanMessage("go")]}, config=config)
    return (time.perf_counter() - started) / (steps + 1)


def _model_seconds(sample: EvalSample) -> float:
    """Wall time of the agent's model calls (zero-latency policy: the bridge's own time)."""
    for score in (sample.scores or {}).values():
        runtime = (score.metadata or {}).get("runtime") or {}
        if "model_seconds" in runtime:
            return float(runtime["model_seconds"])
    return 0.0


def overhead(log_dir: str) -> list[Measurement]:
    """Harness time per agent step and per sample (setup, scoring) on deploy_recovery.

    A step is one model turn and its tool call. The agent's own commands (a deploy
    that hangs for 2 s by design, `sha256sum`, ...) are the world's work, not the
    harness's: their exec time is taken out of the agent's time and replaced by the
    wrapper's fixed cost per command (the shell tool running `true`), so what remains
    is the model bridge, LangGraph, the tools, the probes, the log and the transcript.
    That is split again: the model calls as the agent waits for them (the policy
    answers in ~0.4 ms, so this is LangChain, the openai SDK and Inspect's bridge),
    and the rest (this package's tools and probes, LangGraph, the transcript).
    """
    _, path = _eval("deploy_recovery", model_args={}, max_samples=1, log_dir=log_dir)
    exec_floor, floor = asyncio.run(_sandbox_floors())
    asyncio.run(_graph_step(5))  # warm: imports, first compile
    graph_step = asyncio.run(_graph_step())
    log = read_eval_log(str(path))
    raw_steps: list[float] = []
    steps: list[float] = []
    bridge: list[float] = []
    for sample in log.samples or []:
        spans = _spans(sample)
        turns = sum(type(e).__name__ == "ModelEvent" for e in sample.events)
        commands = [_seconds(e) for e in sample.events if _is_agent_command(e)]
        agent = spans.get("operator_eval/operator_agent", 0.0)
        if turns:
            raw_steps.append(agent / turns)
            steps.append((agent - sum(commands) + floor * len(commands)) / turns)
            bridge.append(_model_seconds(sample) / turns)
    setups, scorings = _setup_and_scoring(log.samples or [])
    step = statistics.median(steps)
    turn = statistics.median(bridge)
    return [
        _measure(
            "step_overhead_ms",
            1000 * step,
            "ms",
            "median over samples: (agent time - the agent's commands' own run time "
            f"+ {1000 * floor:.1f} ms wrapper cost per command) / model turns",
        ),
        _measure(
            "bridge_turn_ms",
            1000 * turn,
            "ms",
            "of which a model turn through LangChain, the openai SDK and Inspect's bridge",
        ),
        _measure(
            "step_rest_ms",
            1000 * (step - turn),
            "ms",
            "of which the tools, probes, sandbox execs, LangGraph and the transcript",
        ),
        _measure(
            "step_floor_ms",
            1000 * (turn + graph_step + exec_floor),
            "ms",
            f"the least a step costs with these libraries: the bridge's turn + "
            f"{1000 * graph_step:.1f} ms LangGraph step (canned model, no-op tool) + "
            f"{1000 * exec_floor:.1f} ms sandbox round trip (`true`)",
        ),
        _measure(
            "step_time_ms",
            1000 * statistics.median(raw_steps),
            "ms",
            "the step with the commands' run time left in (zero model latency)",
        ),
        _measure("setup_ms", 1000 * statistics.median(setups), "ms", "world setup per sample"),
        _measure("scoring_ms", 1000 * statistics.median(scorings), "ms", "scoring per sample"),
        _measure(
            "setup_and_scoring_ms",
            1000 * statistics.median(a + b for a, b in zip(setups, scorings, strict=True)),
            "ms",
        ),
    ]
