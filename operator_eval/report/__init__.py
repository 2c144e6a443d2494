"""Reports read from Inspect logs."""

from operator_eval.report._compare import (
    ModelColumn,
    SampleCell,
    column_from_log,
    headline,
    model_label,
    render_table,
)

__all__ = [
    "ModelColumn",
    "SampleCell",
    "column_from_log",
    "headline",
    "model_label",
    "render_table",
]
