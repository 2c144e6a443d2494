"""Run operator tasks through real Inspect evals in a test's own temporary folders."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from operator_eval.agent import DEFAULT_GRAPH
from operator_eval.contracts._spec import TaskSpec
from operator_eval.tasks._family import operator_task
from operator_eval.world._sample import dataset_of


def eval_in_tmp(
    task: Task, model: Any, tmp: pytest.TempPathFactory, *, max_samples: int
) -> EvalLog:
    """Run `task` once; sandboxes and the log go in fresh folders under `tmp`."""
    saved = tempfile.tempdir
    # The bwrap sandboxes live under tempfile's folder: one per run, so none outlive it.
    tempfile.tempdir = str(tmp.mktemp("sandboxes"))
    try:
        (log,) = inspect_eval(
            task,
            model=model,
            max_samples=max_samples,
            log_dir=str(tmp.mktemp("logs")),
            display="none",
        )
    finally:
        tempfile.tempdir = saved
    assert log.status == "success", log.error
    return log


def eval_specs(
    specs: list[TaskSpec],
    model: Any,
    tmp: pytest.TempPathFactory,
    *,
    name: str,
    max_steps: int,
    max_samples: int,
) -> EvalLog:
    """Run `specs` as one bwrap operator task with the default graph."""
    task = operator_task(
        dataset_of(specs, name),
        graph=DEFAULT_GRAPH,
        max_steps=max_steps,
        sandbox="bwrap",
        metadata={},
        version="test",
    )
    return eval_in_tmp(task, model, tmp, max_samples=max_samples)
