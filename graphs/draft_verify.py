"""Mixed routing as a LangGraph graph: a drafter does the work, a verifier gates DONE.

The drafter (Inspect model role `drafter`, e.g. a local model) runs the ReAct loop
with every operator tool. When it stops, the verifier (role `verifier`, e.g. a
frontier model) reviews its report with read-only tools (files and the live
service) and calls `submit_verdict`:

- `approve`: the drafter's report stands;
- `revise`: the report goes back to the drafter with the verifier's reason
  (at most `max_rounds` reviews in all);
- `downgrade`, a revise past the last round, or no verdict at all: the report is
  re-issued with the verifier's status (FAILED unless it names another) and reason.

A drafter still calling tools when the step budget is nearly spent (`REVIEW_RESERVE`
steps left) is stopped and reviewed as it stands, so a looping drafter ends with a
verdict rather than at the step limit. So no DONE leaves this agent unless the verifier
approved it. Run it with

    inspect eval operator_eval/deploy_recovery --model DRAFTER
        -T graph=graphs/draft_verify.py:make_graph
        --model-role drafter=DRAFTER --model-role verifier=VERIFIER

(or `--solver operator_eval/operator_agent -S graph=...`). A role the eval does not
define falls back to `--model`, so the graph also runs as self-review on one model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, tool
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import REMOVE_ALL_MESSAGES, add_messages
from langgraph.managed import RemainingSteps
from langgraph.prebuilt import ToolNode

from operator_eval.agent import OPERATOR_PROMPT, bridged_chat_model, default_chat_model
from operator_eval.contracts import FINAL_REPORT, REVIEW_TOOLS, VERDICT_TOOL, Status
from operator_eval.review import DECISIONS, MAX_REVIEW_CALLS, Decision, ReviewRequest
from operator_eval.tools import default_tools

DRAFTER_PROMPT = f"{OPERATOR_PROMPT} A verifier reviews your report before it is accepted."

VERIFIER_PROMPT = """\
You are the verifier of an operator agent's work. You did not do the work; you check it.
Read the ticket, what the agent ran (each tool call and what it printed) and its final
report below, then inspect the proof file the ticket asks for and the world itself
(files, and the live service with http_get) with your read-only tools. Evidence the
proof cites must appear in what the agent ran and must still hold now. Do not trust
the report's words: trust only what you observe.
Finish by calling submit_verdict exactly once:
- approve: what you observed supports the report's status and its claims;
- revise: the agent can still fix it; say precisely what is wrong or missing;
- downgrade: the report's status is not supported; give the status you can support
  (FAILED when in doubt)."""

DEFAULT_MAX_ROUNDS = 2

REVIEW_RESERVE = 3 + 2 * MAX_REVIEW_CALLS
"""Graph steps kept for the last review (open it, the verifier's calls and turns, decide):
a drafter still calling tools when only this many remain is stopped and reviewed as it
stands (and cannot be sent back), so a looping drafter ends with the verifier's verdict
instead of the step limit."""

_STATUS_LINE = re.compile(r"^[ \t>*#`-]*STATUS:.*$", re.IGNORECASE | re.MULTILINE)
_TEXT_VERDICT = re.compile(rf"VERDICT:\s*({'|'.join(DECISIONS)})\b", re.IGNORECASE)


@tool(VERDICT_TOOL)
def submit_verdict(decision: Decision, reason: str, status: Status | None = None) -> str:
    """Record your verdict on the operator agent's report. Call it exactly once, last.

    Args:
        decision: approve (the evidence supports the report), revise (send it back to
            the agent with your reason), or downgrade (the report's status is not supported).
        reason: What you observed that decided it; for revise, what the agent must fix.
        status: With downgrade: the status you can support (DONE, BLOCKED or FAILED).
    """
    return f"verdict recorded: {decision}"


class DraftVerifyState(TypedDict):
    """The drafter's conversation, the verifier's review, its count, and the steps left.

    `remaining_steps` is LangGraph's count of graph steps left before the step budget
    (`recursion_limit`) runs out.
    """

    messages: Annotated[list[AnyMessage], add_messages]
    review: Annotated[list[AnyMessage], add_messages]
    rounds: int
    remaining_steps: RemainingSteps


def _role_model(
    role: str, explicit: BaseChatModel | None, model: BaseChatModel | None
) -> BaseChatModel:
    """The explicit model, else the role's bridged model, else the eval's model."""
    from inspect_ai.model import model_roles

    if explicit is not None:
        return explicit
    if role in model_roles():
        return bridged_chat_model(role)
    if model is not None:
        return model
    # Outside an eval, with no model given: a real model, as react_operator does.
    return default_chat_model()


def _ticket(messages: Sequence[AnyMessage]) -> str:
    first = next((m for m in messages if isinstance(m, HumanMessage)), None)
    return str(first.text) if first is not None else ""


def _report(messages: Sequence[AnyMessage]) -> str:
    last = messages[-1] if messages else None
    return str(last.text) if isinstance(last, AIMessage) else ""


def review_of(messages: Sequence[AnyMessage]) -> ReviewRequest:
    """The verifier's task: the ticket, what the drafter ran, and the report under review.

    A drafter whose last message still calls tools was stopped by the step budget: its
    request says so, and it cannot be approved.
    """
    outputs = {m.tool_call_id: str(m.text) for m in messages if isinstance(m, ToolMessage)}
    calls = [
        (call["name"], call.get("args") or {}, outputs.get(call.get("id") or "", "(no output)"))
        for message in messages
        if isinstance(message, AIMessage)
        for call in message.tool_calls
    ]
    return ReviewRequest.build(
        _ticket(messages),
        calls,
        _report(messages),
        stopped=bool(messages and getattr(messages[-1], "tool_calls", None)),
        review_calls=MAX_REVIEW_CALLS,
    )


def read_verdict(message: AnyMessage | None) -> dict[str, Any] | None:
    """The verifier's verdict: its submit_verdict call, or a `VERDICT: <decision>` line."""
    if not isinstance(message, AIMessage):
        return None
    for call in message.tool_calls:
        if call["name"] == VERDICT_TOOL:
            args = dict(call.get("args") or {})
            if args.get("decision") in DECISIONS:
                return args
            return None
    matches = _TEXT_VERDICT.findall(str(message.text))
    if matches:  # the last one decides, as the last status line does
        return {"decision": matches[-1].lower(), "reason": str(message.text)[-500:]}
    return None


def restate(report: str, status: str, reason: str) -> str:
    """The report with its status replaced by the verifier's, and the verifier's reason."""
    body = _STATUS_LINE.sub("", report).strip()
    note = f"Verifier: {reason.strip() or 'the report was not approved.'}"
    return f"{body}\n\n{note}\nSTATUS: {status}".lstrip()


def make_graph(
    config: RunnableConfig | None = None,
    *,
    model: BaseChatModel | None = None,
    tools: Sequence[BaseTool] | None = None,
    review_tools: Sequence[BaseTool] | None = None,
    drafter: BaseChatModel | None = None,
    verifier: BaseChatModel | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> Any:
    """Build the drafter + verifier graph.

    Args:
        config: A run config (unused).
        model: The solver's bridged model (the eval's `--model`); unused when the
            roles are defined, which they normally are.
        tools: Operator tools; the solver passes the sample's sandbox tools.
        review_tools: The verifier's tools; the solver passes read-only ones without
            injected faults whose calls stay out of the agent's evidence log (default:
            the read-only members of `tools`).
        drafter: Chat model of the drafter (default: the `drafter` role's model).
        verifier: Chat model of the verifier (default: the `verifier` role's model).
        max_rounds: Reviews before an unapproved report is downgraded (at least 1).
    """
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be at least 1, got {max_rounds}")
    tool_list = list(tools) if tools is not None else default_tools()
    inspect_tools = (
        list(review_tools) if review_tools else [t for t in tool_list if t.name in REVIEW_TOOLS]
    )
    drafting = _role_model("drafter", drafter, model).bind_tools(tool_list)
    verifying = _role_model("verifier", verifier, model).bind_tools(
        [*inspect_tools, submit_verdict]
    )

    async def draft(state: DraftVerifyState) -> dict[str, Any]:
        response = await drafting.ainvoke([SystemMessage(DRAFTER_PROMPT), *state["messages"]])
        return {"messages": [response]}

    def after_draft(state: DraftVerifyState) -> str:
        calls = getattr(state["messages"][-1], "tool_calls", None)
        if calls and state["remaining_steps"] > REVIEW_RESERVE:
            return "draft_tools"
        return "open_review"

    def open_review(state: DraftVerifyState) -> dict[str, Any]:
        request = review_of(state["messages"]).render()
        return {
            "review": [RemoveMessage(id=REMOVE_ALL_MESSAGES), HumanMessage(request)],
            "rounds": state.get("rounds", 0) + 1,
        }

    async def verify(state: DraftVerifyState) -> dict[str, Any]:
        response = await verifying.ainvoke([SystemMessage(VERIFIER_PROMPT), *state["review"]])
        return {"review": [response]}

    def after_verify(state: DraftVerifyState) -> str:
        last = state["review"][-1]
        calls = getattr(last, "tool_calls", None) or []
        # verify_tools, verify and decide must still fit in the step budget.
        if calls and state["remaining_steps"] > 3:
            if not any(c["name"] == VERDICT_TOOL for c in calls):
                return "verify_tools"
        return "decide"

    def decide(state: DraftVerifyState) -> dict[str, Any]:
        verdict = read_verdict(state["review"][-1]) or {
            "decision": "downgrade",
            "reason": "the verifier gave no verdict",
        }
        report = _report(state["messages"])
        stopped = bool(getattr(state["messages"][-1], "tool_calls", None))
        if verdict["decision"] == "approve" and not stopped:
            return {"messages": [AIMessage(report, name=FINAL_REPORT)]}
        reason = str(verdict.get("reason") or "")
        if stopped:
            reason = f"the agent was stopped by its step budget before it reported; {reason}"
        out_of_steps = state["remaining_steps"] <= REVIEW_RESERVE
        if verdict["decision"] == "revise" and state["rounds"] < max_rounds and not out_of_steps:
            return {
                "messages": [
                    HumanMessage(
                        "A verifier reviewed your report and sent it back:\n"
                        f"{reason}\n\nFix what it found, check the world again, and report "
                        "again ending with a STATUS line."
                    )
                ]
            }
        status = str(verdict.get("status") or "FAILED").upper()
        if status not in ("DONE", "BLOCKED", "FAILED") or status == "DONE":
            status = "FAILED"  # a verifier that did not approve cannot hand out DONE
        return {"messages": [AIMessage(restate(report, status, reason), name=FINAL_REPORT)]}

    def after_decide(state: DraftVerifyState) -> str:
        return "draft" if isinstance(state["messages"][-1], HumanMessage) else END

    builder = StateGraph(DraftVerifyState)
    builder.add_node("draft", draft)
    builder.add_node("draft_tools", ToolNode(tool_list, handle_tool_errors=True))
    builder.add_node("open_review", open_review)
    builder.add_node("verify", verify)
    builder.add_node(
        "verify_tools",
        ToolNode(inspect_tools, handle_tool_errors=True, messages_key="review"),
    )
    builder.add_node("decide", decide)
    builder.add_edge(START, "draft")
    builder.add_conditional_edges("draft", after_draft, ["draft_tools", "open_review"])
    builder.add_edge("draft_tools", "draft")
    builder.add_edge("open_review", "verify")
    builder.add_conditional_edges("verify", after_verify, ["verify_tools", "decide"])
    builder.add_edge("verify_tools", "verify")
    builder.add_conditional_edges("decide", after_decide, ["draft", END])
    return builder.compile(name="draft_verify")
