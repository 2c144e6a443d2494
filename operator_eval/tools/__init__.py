"""LangChain tools over `inspect_ai.util.sandbox()`: files, shell, deploy, HTTP."""

from operator_eval.tools._record import ToolFailure, run_recorded
from operator_eval.tools._tools import cap_output, default_tools, operator_tools, run_command

__all__ = [
    "ToolFailure",
    "cap_output",
    "default_tools",
    "operator_tools",
    "run_command",
    "run_recorded",
]
