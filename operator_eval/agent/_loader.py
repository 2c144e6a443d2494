"""Load a LangGraph graph named by a string: "path/to/file.py:attr" or "package.module:attr"."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool

from operator_eval._paths import data_dir
from operator_eval._usage import UsageError

FACTORY_ARGS = ("model", "tools", "review_tools")
"""The keyword arguments `build_graph` gives a factory (each only if it takes it)."""


class GraphSpecError(UsageError):
    """A graph spec that cannot be loaded; the message says what is wrong (one line)."""


@runtime_checkable
class RunnableGraph(Protocol):
    """What the solver needs from a graph: LangGraph's async invoke."""

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        """Run the graph to completion."""
        ...


def _split(spec: str) -> tuple[str, str]:
    target, sep, attr = spec.rpartition(":")
    if not sep or not target or not attr or not attr.isidentifier():
        raise GraphSpecError(
            f"graph spec {spec!r} must look like 'path/to/file.py:make_graph' "
            "or 'package.module:make_graph'"
        )
    return target, attr


def _file_candidates(target: str) -> list[Path]:
    path = Path(target).expanduser()
    candidates = [path if path.is_absolute() else Path.cwd() / path]
    parts = Path(target).parts
    if not path.is_absolute() and parts and parts[0] == "graphs":
        # The shipped graphs/ folder, so the default works from any directory.
        candidates.append(data_dir("graphs").joinpath(*parts[1:]))
    return candidates


def _load_file(target: str) -> ModuleType:
    candidates = _file_candidates(target)
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        tried = ", ".join(str(c) for c in candidates)
        raise GraphSpecError(f"graph file {target!r} not found (tried {tried})")
    name = "operator_eval_graph_" + hashlib.sha1(str(found).encode()).hexdigest()[:12]
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, found)
    if module_spec is None or module_spec.loader is None:
        raise GraphSpecError(f"graph file {found} cannot be imported as Python")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as ex:
        del sys.modules[name]
        raise GraphSpecError(f"importing graph file {found} failed: {ex!r}") from ex
    return module


def _load_module(target: str) -> ModuleType:
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as ex:
        if ex.name and (target == ex.name or target.startswith(ex.name + ".")):
            raise GraphSpecError(f"graph module {target!r} not found: {ex}") from ex
        # The graph module exists but one of its own imports is missing.
        raise GraphSpecError(f"importing graph module {target!r} failed: {ex!r}") from ex
    except Exception as ex:
        raise GraphSpecError(f"importing graph module {target!r} failed: {ex!r}") from ex


def load_graph_target(spec: str) -> Any:
    """Return the object a graph spec names (a factory or a compiled graph).

    Raises:
        GraphSpecError: naming the malformed spec, the missing file or module,
            the import failure, or the missing attribute.
    """
    target, attr = _split(spec)
    is_file = target.endswith(".py") or "/" in target or "\\" in target
    module = _load_file(target) if is_file else _load_module(target)
    if not hasattr(module, attr):
        found = graph_candidates(module)
        offer = (
            f"its graph factories: {', '.join(found)}"
            if found
            else "it defines no graph factory (a function taking model/tools) or compiled graph"
        )
        raise GraphSpecError(f"{target!r} has no attribute {attr!r}; {offer}")
    return getattr(module, attr)


def _is_factory(obj: Any, module: ModuleType) -> bool:
    """A function of `module` itself (not an import) that `build_graph` can call."""
    if not inspect.isfunction(obj) or obj.__module__ != module.__name__:
        return False
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(
        p.name in FACTORY_ARGS
        or p.default is not inspect.Parameter.empty
        or p.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        for p in params
    )


def graph_candidates(module: ModuleType) -> list[str]:
    """The public names in `module` a graph spec could name: factories and compiled graphs.

    Imports are left out (a helper imported from langgraph is not this module's graph),
    and so are tools: a LangChain tool has `ainvoke` too, but is no graph.
    """
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and not inspect.isclass(obj)
        and not isinstance(obj, BaseTool)
        and (_is_factory(obj, module) or isinstance(obj, RunnableGraph))
    )


def build_graph(
    spec: str,
    model: BaseChatModel,
    tools: Sequence[BaseTool],
    review_tools: Sequence[BaseTool] = (),
) -> RunnableGraph:
    """Load `spec` and return a runnable graph wired to `model` and `tools`.

    A factory is called with the keyword arguments it accepts among `model`,
    `tools` and `review_tools` (read-only tools for a reviewer inside the graph,
    without injected faults and outside the agent's evidence log); a compiled graph
    is used as it is (it brings its own model and tools).

    Raises:
        GraphSpecError: when the spec cannot be loaded or does not give a graph.
    """
    obj = load_graph_target(spec)
    if isinstance(obj, RunnableGraph):
        return obj
    if not callable(obj):
        raise GraphSpecError(f"{spec!r} is neither a graph factory nor a compiled graph")
    params = inspect.signature(obj).parameters
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {
        key: value
        for key, value in (
            ("model", model),
            ("tools", list(tools)),
            ("review_tools", list(review_tools)),
        )
        if accepts_any or key in params
    }
    graph = obj(**kwargs)
    if not isinstance(graph, RunnableGraph):
        raise GraphSpecError(
            f"{spec!r} returned {type(graph).__name__}, not a graph with ainvoke()"
        )
    return graph
