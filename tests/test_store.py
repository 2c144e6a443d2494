"""The sample-store records: the keys logs carry, and reading that never writes."""

from __future__ import annotations

import pytest
from inspect_ai.util import Store

from operator_eval.contracts import (
    AgentRecord,
    FaultRecord,
    ProtectedRecord,
    TapeRecord,
    WorldRecord,
)


def test_keys_are_the_ones_logs_have_always_carried() -> None:
    # Logs written before the typed records existed must stay readable (re-scoring,
    # check-proof from a log): the keys may never change.
    assert AgentRecord.key("tool_log") == "operator_eval:tool_log"
    assert AgentRecord.key("review_tool_log") == "operator_eval:review_tool_log"
    assert AgentRecord.key("agent_stop") == "operator_eval:agent_stop"
    assert WorldRecord.key("world_token") == "operator_eval:world_token"
    assert ProtectedRecord.key("protected_before") == "operator_eval:protected_before"
    assert FaultRecord.key("injected_faults") == "operator_eval:injected_faults"
    assert TapeRecord.key("world_tape") == "operator_eval:world_tape"
    with pytest.raises(KeyError, match="no field 'tool_logs'"):
        AgentRecord.key("tool_logs")


def test_a_bound_record_writes_under_those_keys() -> None:
    store = Store()
    agent = AgentRecord(store=store)
    agent.tool_log = [{"tool": "shell"}]
    agent.agent_stop = "final"
    assert store.get("operator_eval:tool_log") == [{"tool": "shell"}]
    assert store.get("operator_eval:agent_stop") == "final"


def test_reading_a_foreign_store_writes_nothing_into_it() -> None:
    store = Store({"theirs": 1})
    agent = AgentRecord.read(store)
    assert agent.tool_log == [] and agent.agent_stop is None
    assert WorldRecord.read(store).control_pid is None
    assert dict(store.items()) == {"theirs": 1}


def test_reading_an_old_logs_store_dict() -> None:
    # EvalSample.store is a plain dict.
    logged = {"operator_eval:tool_log": [{"tool": "http_get"}], "other:key": 2}
    assert AgentRecord.read(logged).tool_log == [{"tool": "http_get"}]
    assert TapeRecord.read(logged).world_tape is None
