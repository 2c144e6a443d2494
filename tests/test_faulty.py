"""The fault-injecting provider: what each fault looks like, validation, determinism."""

from __future__ import annotations

import pytest

from operator_eval.agent import is_runtime_error
from operator_eval.runtime._faulty import (
    FAULT_KINDS,
    INJECTED_ATTR,
    FaultyModelAPI,
    fault_exception,
)


@pytest.mark.parametrize("kind", [*FAULT_KINDS, "down"])
def test_every_injected_fault_is_a_runtime_error_the_openai_client_would_raise(kind: str) -> None:
    ex = fault_exception(kind)
    assert is_runtime_error(ex)
    assert type(ex).__module__.startswith("openai")
    assert getattr(ex, INJECTED_ATTR) == kind


def test_a_reset_carries_the_socket_error_as_its_cause() -> None:
    assert isinstance(fault_exception("reset").__cause__, ConnectionResetError)
    assert isinstance(fault_exception("down").__cause__, ConnectionRefusedError)


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        fault_exception("gremlins")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"resets": 1.5}, "within 0..1"),
        ({"errors": -0.1}, "within 0..1"),
        ({"resets": 0.6, "timeouts": 0.6}, "more than 1"),
    ],
)
def test_bad_rates_are_refused_with_the_knob_named(args: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultyModelAPI("opeval/oracle", **args)


def test_the_inner_model_must_be_named_with_its_provider() -> None:
    with pytest.raises(ValueError, match="provider/model"):
        FaultyModelAPI("oracle")


def test_the_schedule_depends_only_on_seed_sample_and_call() -> None:
    a = FaultyModelAPI("opeval/oracle", resets=0.3, seed=7)
    b = FaultyModelAPI("opeval/oracle", resets=0.3, seed=7)
    c = FaultyModelAPI("opeval/oracle", resets=0.3, seed=8)
    draws_a = [a._draw(n) for n in range(1, 200)]
    assert draws_a == [b._draw(n) for n in range(1, 200)]
    assert draws_a != [c._draw(n) for n in range(1, 200)]
    rate = draws_a.count("reset") / len(draws_a)
    assert 0.15 < rate < 0.45


def test_a_dead_server_refuses_every_call_after_die_after() -> None:
    api = FaultyModelAPI("opeval/oracle", die_after=2)
    api._calls = 3
    assert api._draw(3) == "down"


def test_inspect_retries_injected_faults_only_when_asked() -> None:
    ex = fault_exception("reset")
    assert FaultyModelAPI("opeval/oracle").should_retry(ex) is False
    assert FaultyModelAPI("opeval/oracle", retry=True).should_retry(ex) is True
    assert FaultyModelAPI("opeval/oracle", retry="true").should_retry(ex) is True  # type: ignore[arg-type]
