"""Defaults shared by the solver and the reports (kept free of heavy imports)."""

DEFAULT_GRAPH = "graphs/react_operator.py:make_graph"
"""The graph the solver runs unless told otherwise (reports omit it from column names)."""

DEFAULT_MAX_STEPS = 40
"""Agent steps (model turns) a sample gets unless the task says otherwise."""
