"""Loading a LangGraph graph from a spec string: "path/file.py:attr" or "package.module:attr"."""

from __future__ import annotations

import re
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from operator_eval.agent import DEFAULT_GRAPH, GraphSpecError, build_graph, load_graph_target

REPO = Path(__file__).resolve().parent.parent


FAKE_GRAPH = """
class FakeGraph:
    # Anything with an async `ainvoke` counts as a graph.
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    async def ainvoke(self, input, config=None, **kwargs):
        return input
"""

MODEL = object()  # the factories below never call the model


def write(path: Path, source: str, *, fake_graph: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(source)
    path.write_text((FAKE_GRAPH + text) if fake_graph else text, encoding="utf-8")
    return path


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """A fresh, uniquely named package on sys.path: (name, folder)."""
    name = f"oe_test_graphs_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "src" / name
    write(folder / "__init__.py", "")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    yield name, folder
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


# --- the default graph ----------------------------------------------------------------------


def test_default_spec_loads_from_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    factory = load_graph_target(DEFAULT_GRAPH)
    assert callable(factory)
    assert factory.__name__ == "make_graph"


def test_default_spec_loads_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    factory = load_graph_target(DEFAULT_GRAPH)
    assert factory.__name__ == "make_graph"


def test_a_local_graphs_folder_wins_over_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "graphs" / "react_operator.py", "def make_graph():\n    return 'mine'\n")
    monkeypatch.chdir(tmp_path)
    assert load_graph_target(DEFAULT_GRAPH)() == "mine"


def test_react_operator_graph_builds_with_a_real_chat_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_openai import ChatOpenAI

    from operator_eval.tools import operator_tools

    monkeypatch.chdir(tmp_path)
    tools = operator_tools(None)
    graph = build_graph(DEFAULT_GRAPH, ChatOpenAI(model="x", api_key="k"), tools)
    assert {"call_model", "tools"} <= set(graph.nodes)  # type: ignore[attr-defined]
    tool_node = graph.nodes["tools"].bound  # type: ignore[attr-defined]
    assert set(tool_node.tools_by_name) == {t.name for t in tools}


# --- other spec forms -----------------------------------------------------------------------


def test_file_spec_with_an_absolute_path(tmp_path: Path) -> None:
    path = write(tmp_path / "my_graph.py", "GRAPH_NAME = 'abs'\n")
    assert load_graph_target(f"{path}:GRAPH_NAME") == "abs"


def test_module_spec(package: tuple[str, Path]) -> None:
    name, folder = package
    write(
        folder / "agent.py",
        """
        def make(model, tools):
            return FakeGraph(model=model, tools=tools)
        """,
        fake_graph=True,
    )
    factory = load_graph_target(f"{name}.agent:make")
    assert factory.__module__ == f"{name}.agent"
    graph = build_graph(f"{name}.agent:make", MODEL, [])  # type: ignore[arg-type]
    assert type(graph).__name__ == "FakeGraph"
    assert graph.kwargs == {"model": MODEL, "tools": []}


def test_build_graph_passes_only_the_arguments_a_factory_accepts(tmp_path: Path) -> None:
    path = write(
        tmp_path / "factories.py",
        """
        def no_args():
            return FakeGraph()

        def model_only(model):
            return FakeGraph(model=model)

        def tools_only(*, tools):
            return FakeGraph(tools=tools)

        def anything(**kwargs):
            return FakeGraph(**kwargs)

        compiled = FakeGraph(prebuilt=True)
        """,
        fake_graph=True,
    )
    tools: list[Any] = []

    def kwargs(attr: str) -> dict[str, Any]:
        graph = build_graph(f"{path}:{attr}", MODEL, tools)  # type: ignore[arg-type]
        assert type(graph).__name__ == "FakeGraph"
        return graph.kwargs

    assert kwargs("no_args") == {}
    assert kwargs("model_only") == {"model": MODEL}
    assert kwargs("tools_only") == {"tools": []}
    assert kwargs("anything") == {"model": MODEL, "tools": [], "review_tools": []}
    # A compiled graph is used as it is.
    assert kwargs("compiled") == {"prebuilt": True}


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", ["graphs/react_operator.py", "graphs/react_operator.py:", ":make_graph", "a:b-c"]
)
def test_malformed_spec(spec: str) -> None:
    with pytest.raises(
        GraphSpecError, match=re.escape("must look like 'path/to/file.py:make_graph'")
    ) as ex:
        load_graph_target(spec)
    assert repr(spec) in str(ex.value)


def test_missing_file_lists_the_paths_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GraphSpecError, match="not found") as ex:
        load_graph_target("graphs/nope.py:make_graph")
    message = str(ex.value)
    assert "'graphs/nope.py'" in message
    assert str(tmp_path / "graphs" / "nope.py") in message  # relative to the cwd
    assert str(REPO / "graphs" / "nope.py") in message  # and the shipped graphs folder

    with pytest.raises(GraphSpecError, match=r"tried .*other\.py"):
        load_graph_target("elsewhere/other.py:make_graph")


def test_syntax_error_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.py", "def make_graph(:\n    pass\n")
    with pytest.raises(GraphSpecError, match="SyntaxError") as ex:
        load_graph_target(f"{path}:make_graph")
    assert str(path) in str(ex.value)
    # Once fixed, the same file loads (the failed import was not cached).
    write(path, "def make_graph():\n    return 1\n")
    assert load_graph_target(f"{path}:make_graph")() == 1


def test_file_whose_import_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "raising.py", "raise RuntimeError('no API key configured')\n")
    with pytest.raises(GraphSpecError, match="no API key configured"):
        load_graph_target(f"{path}:make_graph")


def test_missing_attribute_lists_the_factories_not_the_imports(tmp_path: Path) -> None:
    path = write(
        tmp_path / "defs.py",
        "from langgraph.graph import StateGraph, add_messages\n"
        "from os.path import join\n"
        "from langchain_core.tools import tool\n\n"
        "def build_agent(model, tools):\n    pass\n\n"
        "def helper(state):\n    pass\n\n"
        "class Prebuilt:\n    async def ainvoke(self, input, config=None):\n        pass\n\n"
        "GRAPH = Prebuilt()\nLIMIT = 3\n_private = 1\n\n"
        '@tool\ndef lookup(query: str) -> str:\n    """Look up."""\n    return query\n',
    )
    with pytest.raises(GraphSpecError) as ex:
        load_graph_target(f"{path}:make_graph")
    message = str(ex.value)
    assert "no attribute 'make_graph'" in message
    assert message.endswith("its graph factories: GRAPH, build_agent")
    # imports, helpers needing other arguments, classes, constants and tools are left out
    for name in ("StateGraph", "add_messages", "join", "helper", "Prebuilt", "LIMIT", "lookup"):
        assert name not in message


def test_missing_attribute_in_a_module_without_factories(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.py", "import os\nVALUE = 1\n")
    with pytest.raises(GraphSpecError, match="defines no graph factory"):
        load_graph_target(f"{path}:make_graph")


def test_missing_module(package: tuple[str, Path]) -> None:
    name, _ = package
    with pytest.raises(GraphSpecError, match=re.escape(f"graph module '{name}.nothing' not found")):
        load_graph_target(f"{name}.nothing:make_graph")
    with pytest.raises(
        GraphSpecError, match=re.escape("graph module 'no_such_pkg_xyz.graph' not found")
    ):
        load_graph_target("no_such_pkg_xyz.graph:make_graph")


def test_module_with_a_missing_dependency_is_not_reported_as_missing(
    package: tuple[str, Path],
) -> None:
    name, folder = package
    write(folder / "needs_dep.py", "import no_such_dependency_xyz\n")
    with pytest.raises(GraphSpecError) as ex:
        load_graph_target(f"{name}.needs_dep:make_graph")
    message = str(ex.value)
    assert "no_such_dependency_xyz" in message
    assert f"graph module '{name}.needs_dep' not found" not in message


def test_attribute_that_is_not_callable(tmp_path: Path) -> None:
    path = write(tmp_path / "const.py", "make_graph = 42\n")
    with pytest.raises(GraphSpecError, match="neither a graph factory nor a compiled graph"):
        build_graph(f"{path}:make_graph", MODEL, [])  # type: ignore[arg-type]


def test_factory_returning_something_without_ainvoke(tmp_path: Path) -> None:
    path = write(tmp_path / "uncompiled.py", "def make_graph(model, tools):\n    return {}\n")
    with pytest.raises(GraphSpecError, match=r"returned dict, not a graph with ainvoke\(\)"):
        build_graph(f"{path}:make_graph", MODEL, [])  # type: ignore[arg-type]
