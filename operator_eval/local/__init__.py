"""Local models: bundled GGUF weights served by llama-cpp-python (the `[local]` extra)."""

from operator_eval.local._models import (
    BUNDLED_MODELS,
    DEFAULT_LOCAL_MODEL,
    BundledModel,
    LocalModelError,
    bundled_model,
)
from operator_eval.local._server import LocalServer, inspect_model_name, runtime_available

__all__ = [
    "BUNDLED_MODELS",
    "DEFAULT_LOCAL_MODEL",
    "BundledModel",
    "LocalModelError",
    "LocalServer",
    "bundled_model",
    "inspect_model_name",
    "runtime_available",
]
