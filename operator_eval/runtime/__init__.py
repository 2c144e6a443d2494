"""Runtime health: fault injection in front of any model, and checks of local runtimes.

`faulty/<provider>/<model>` wraps any Inspect model and fails calls on a seeded
schedule; `operator-eval preflight` checks an OpenAI-compatible endpoint (llama.cpp,
Ollama, vLLM, LM Studio) before it is trusted with operator work.
"""

from typing import Any

from operator_eval.runtime._preflight._cli import configure_parser, main_preflight
from operator_eval.runtime._preflight._probe import run_preflight
from operator_eval.runtime._preflight._report import PreflightReport

_FAULTY = {"FAULT_KINDS", "FaultyModelAPI", "fault_exception", "faulty"}


def __getattr__(name: str) -> Any:
    # The provider pulls in inspect_ai and openai: load it only when asked for, so the
    # CLI (which builds the preflight parser) starts fast.
    if name in _FAULTY:
        from operator_eval.runtime import _faulty

        return getattr(_faulty, name)
    raise AttributeError(f"module 'operator_eval.runtime' has no attribute {name!r}")


__all__ = [
    "FAULT_KINDS",
    "FaultyModelAPI",
    "PreflightReport",
    "configure_parser",
    "fault_exception",
    "faulty",
    "main_preflight",
    "run_preflight",
]
