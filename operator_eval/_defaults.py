"""Defaults shared by the solver and the reports (kept free of heavy imports)."""

DEFAULT_GRAPH = "graphs/react_operator.py:make_graph"
"""The graph the solver runs unless told otherwise (reports omit it from column names)."""

DEFAULT_MAX_STEPS = 40
"""Agent steps (model turns) a sample gets unless the task says otherwise."""

HARD_MAX_STEPS = 100
"""benchboard_hard's budget: the oracle's closures are 25-38 tool calls, and an agent that
investigates before it acts needs room beyond the shortest path."""

TASK_MAX_STEPS = {"benchboard_hard": HARD_MAX_STEPS}
"""Tasks whose default step budget is not `DEFAULT_MAX_STEPS` (a run at its task's own
default is not labelled with its budget on the board)."""
