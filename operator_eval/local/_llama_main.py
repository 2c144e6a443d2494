"""llama-cpp-python's OpenAI-compatible server, with every completion's new tokens capped.

Run as `python -m operator_eval.local._llama_main <llama_cpp.server arguments>`.

Why: llama-cpp-python (0.3.36) answers `tools` through its `chatml-function-calling`
handler, which calls `Llama.create_completion(max_tokens=None)` in its tool-call paths
and so ignores the request's `max_tokens`. A small model then writes a tool argument until
its context is full (seen here: 6,346 tokens, five minutes, one turn) while every other
request waits. The cap (`OPERATOR_EVAL_MAX_NEW_TOKENS`, default 512) applies to every
completion the server makes, whatever the handler passes.
"""

from __future__ import annotations

import functools
import os
from typing import Any

DEFAULT_MAX_NEW_TOKENS = 512
CAP_VARIABLE = "OPERATOR_EVAL_MAX_NEW_TOKENS"


def capped_max_tokens(requested: int | None, cap: int) -> int:
    """The request's `max_tokens` within the cap (None or <= 0 means "until the context ends")."""
    if requested is None or requested <= 0:
        return cap
    return min(requested, cap)


def main() -> None:
    """Cap `Llama.create_completion`, then run llama-cpp-python's server `main()`."""
    from llama_cpp import Llama
    from llama_cpp.server.__main__ import main as serve

    cap = int(os.environ.get(CAP_VARIABLE, DEFAULT_MAX_NEW_TOKENS))
    original = Llama.create_completion

    @functools.wraps(original)
    def create_completion(self: Llama, *args: Any, **kwargs: Any) -> Any:
        if len(args) < 3:  # max_tokens is the third parameter after self
            kwargs["max_tokens"] = capped_max_tokens(kwargs.get("max_tokens", 16), cap)
        return original(self, *args, **kwargs)

    Llama.create_completion = create_completion  # type: ignore[method-assign]
    serve()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
