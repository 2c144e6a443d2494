"""Runtime health: fault injection in front of any model, and checks of local runtimes.

`faulty/<provider>/<model>` wraps any Inspect model and fails calls on a seeded
schedule; `operator-eval preflight` checks an OpenAI-compatible endpoint (llama.cpp,
Ollama, vLLM, LM Studio) before it is trusted with operator work.
"""

from operator_eval.runtime._faulty import FAULT_KINDS, FaultyModelAPI, fault_exception, faulty
from operator_eval.runtime._preflight import (
    PreflightReport,
    configure_parser,
    main_preflight,
    run_preflight,
)

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
