"""`faulty/<provider>/<model>`: a model provider that injects runtime faults on a seeded schedule.

It wraps any inner Inspect model and, per call, may fail the way a flaky local
runtime does. Which call fails is a function of (seed, sample id, epoch, call
number), so a run is reproducible whatever the concurrency. What the agent sees
is the exception the OpenAI client would raise for the real failure:

- `resets=P`: connection reset mid-request; `openai.APIConnectionError` from
  `ConnectionResetError`.
- `errors=P`: HTTP 503 from the server; `openai.InternalServerError`.
- `timeouts=P`: no answer in time (after `timeout_delay` s); `openai.APITimeoutError`.
- `malformed=P`: a truncated, unparsable body; `openai.APIResponseValidationError`.
- `die_after=N`: the server dies after N calls; every later call gets
  `openai.APIConnectionError` (connection refused). Calls are counted per model instance,
  and Inspect reuses one instance per model name and args within a process.

`retry=true` lets Inspect's own retry logic (`--max-retries`, `--timeout`) absorb
the injected faults; by default they reach the agent, which is where a graph's
resilience is measured.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx2  # the HTTP client the openai SDK raises its errors with
import openai
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    get_model,
    modelapi,
)
from inspect_ai.solver._task_state import sample_state
from inspect_ai.tool import ToolChoice, ToolInfo
from inspect_ai.util import store_as

from operator_eval.contracts._store import FaultRecord

FAULT_KINDS = ("reset", "error", "timeout", "malformed")
INJECTED_ATTR = "injected_fault"
"""Attribute set on every injected exception (its kind), so retries can tell them apart."""
_URL = "http://runtime.invalid/v1/chat/completions"


def _request() -> httpx2.Request:
    return httpx2.Request("POST", _URL)


def fault_exception(kind: str) -> openai.APIError:
    """The exception the OpenAI client raises for this kind of runtime failure."""
    ex: openai.APIError
    if kind == "reset":
        ex = openai.APIConnectionError(message="Connection reset by peer", request=_request())
        ex.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    elif kind == "down":
        ex = openai.APIConnectionError(message="Connection refused", request=_request())
        ex.__cause__ = ConnectionRefusedError(111, "Connection refused")
    elif kind == "error":
        response = httpx2.Response(503, request=_request(), text="upstream unavailable")
        ex = openai.InternalServerError(
            "Error code: 503 - upstream unavailable", response=response, body=None
        )
    elif kind == "timeout":
        ex = openai.APITimeoutError(request=_request())
    elif kind == "malformed":
        response = httpx2.Response(200, request=_request(), text='{"id": "chatcmpl-1", "cho')
        ex = openai.APIResponseValidationError(
            response=response, body=None, message="Response body is not valid JSON (truncated)"
        )
    else:
        raise ValueError(f"unknown fault kind {kind!r}")
    setattr(ex, INJECTED_ATTR, kind)
    return ex


class FaultyModelAPI(ModelAPI):
    """Wraps an inner model; fails some calls on a seeded schedule."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        *,
        resets: float = 0.0,
        errors: float = 0.0,
        timeouts: float = 0.0,
        malformed: float = 0.0,
        die_after: int | None = None,
        seed: int = 0,
        retry: bool = False,
        timeout_delay: float = 1.0,
        **inner_args: Any,
    ) -> None:
        """Build the wrapper; `model_name` is the inner model (`provider/name`)."""
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())
        rates = {"reset": resets, "error": errors, "timeout": timeouts, "malformed": malformed}
        for kind, rate in rates.items():
            if not 0.0 <= float(rate) <= 1.0:
                raise ValueError(f"faulty: rate for {kind} must be within 0..1, got {rate}")
        if sum(float(r) for r in rates.values()) > 1.0:
            raise ValueError("faulty: the fault rates add up to more than 1")
        if "/" not in model_name:
            raise ValueError(
                f"faulty/{model_name}: name the inner model as provider/model, "
                "e.g. faulty/opeval/oracle or faulty/openai/gpt-4o"
            )
        self._rates = {k: float(v) for k, v in rates.items()}
        self._die_after = None if die_after is None else int(die_after)
        self._seed = int(seed)
        self._retry = bool(retry) if not isinstance(retry, str) else retry.lower() == "true"
        self._timeout_delay = float(timeout_delay)
        self._calls = 0
        self._inner = get_model(
            model_name,
            config=config or GenerateConfig(),
            base_url=base_url,
            api_key=api_key,
            **inner_args,
        )

    def _draw(self, call: int) -> str | None:
        if self._die_after is not None and self._calls > self._die_after:
            return "down"
        state = sample_state()
        sample = f"{state.sample_id}:{state.epoch}" if state is not None else "-"
        roll = random.Random(f"{self._seed}:{sample}:{call}").random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += self._rates[kind]
            if roll < edge:
                return kind
        return None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Fail this call as scheduled, or pass it to the inner model."""
        self._calls += 1
        faults = store_as(FaultRecord)
        record = faults.injected_faults or {"calls": 0, "faults": {}}
        record = {"calls": record["calls"] + 1, "faults": dict(record["faults"])}
        kind = self._draw(record["calls"])
        if kind is not None:
            record["faults"][kind] = record["faults"].get(kind, 0) + 1
        faults.injected_faults = record
        if kind == "timeout":
            await asyncio.sleep(self._timeout_delay)
        if kind is not None:
            raise fault_exception(kind)
        result = await self._inner.api.generate(input, tools, tool_choice, config)
        # Providers that report the raw call return (output or error, call).
        output = result[0] if isinstance(result, tuple) else result
        if isinstance(output, Exception):
            raise output
        return output

    def should_retry(self, ex: Exception) -> bool:
        """Injected faults are retried by Inspect only with `-M retry=true`."""
        if getattr(ex, INJECTED_ATTR, None) is not None:
            return self._retry
        return bool(self._inner.api.should_retry(ex))

    def max_tokens(self) -> int | None:
        """The inner model's default."""
        return self._inner.api.max_tokens()


@modelapi(name="faulty")
def faulty() -> type[ModelAPI]:
    """Register the `faulty` provider (`--model faulty/<provider>/<model> -M resets=0.2`)."""
    return FaultyModelAPI
