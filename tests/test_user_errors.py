"""Mistakes a user makes on the command line: each answered in one line, no traceback.

Runs the real `inspect eval` and `operator-eval` commands as a user would (the venv's
scripts, this checkout on PYTHONPATH), plus quick in-process checks of every task.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log

from operator_eval import tasks as task_module
from operator_eval._usage import UsageError
from operator_eval.agent import GraphSpecError
from operator_eval.families import registered
from operator_eval.sandbox import bwrap_problem
from operator_eval.world._data import load_family_yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TASKS: dict[str, Callable[..., Any]] = {
    name: getattr(task_module, name) for name in task_module.__all__
}


def command(name: str, module: str) -> list[str]:
    """The venv's console script `name`, or `python -m module` where it is missing."""
    script = BIN / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


INSPECT = command("inspect", "inspect_ai")
OPERATOR_EVAL = command("operator-eval", "operator_eval.cli")


def eval_command(task: str, *args: str) -> list[str]:
    """`inspect eval operator_eval/<task> ARGS...`."""
    return [*INSPECT, "eval", f"operator_eval/{task}", *args]


def env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell, running this checkout.

    COLUMNS: Inspect prints a PrerequisiteError through rich, which wraps at the
    console's width (80 for a pipe); a terminal as wide as the message shows one line.
    """
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COLUMNS": "1000",
        "NO_COLOR": "1",
        **extra,
    }


def run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would; stdout and stderr together, as a terminal shows."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command printed (failing the test otherwise)."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    return lines[0]


# --- bad -T / -M values through `inspect eval` -------------------------------------------

CLI_CASES = [
    # (task, extra arguments, what the one line must say); every task at least once
    ("deploy_recovery", ["-T", "seed=abc"], ["-T seed must be a whole number", "'abc'"]),
    ("benchboard", ["-T", "seed=1.5"], ["benchboard: -T seed must be a whole number", "1.5"]),
    ("safety_gate", ["-T", "max_steps=0"], ["-T max_steps must be a whole number >= 1", "got 0"]),
    (
        "tool_failure",
        ["-T", "graph=no/such_graph.py:make_graph"],
        ["-T graph=no/such_graph.py:make_graph", "graph file 'no/such_graph.py' not found"],
    ),
    (
        "source_of_truth",
        ["-T", "graph=graphs/react_operator.py:make_grpah"],
        ["no attribute 'make_grpah'", "its graph factories: make_graph, make_resilient_graph"],
    ),
    (
        "blocked_work",
        ["-T", "sandbox=bwarp"],
        ["-T sandbox='bwarp' is not a sandbox type", "auto, bwrap", "local", "docker"],
    ),
    (
        "invoice_reconciliation",
        ["--model", "opeval/flawed", "-M", "flaw=skip_verfy"],
        ["opeval/flawed needs -M flaw=NAME (got 'skip_verfy')", "skip_verify, false_blocked"],
    ),
    ("deploy_recovery", ["--model", "opeval/orcale"], ["unknown opeval policy 'orcale'", "oracle"]),
]


@pytest.mark.parametrize(("task", "extra", "says"), CLI_CASES)
def test_a_bad_value_is_one_line_naming_it(
    task: str, extra: list[str], says: list[str], tmp_path: Path
) -> None:
    model = [] if "--model" in extra else ["--model", "opeval/oracle"]
    result = run(eval_command(task, *model, *extra, "--log-dir", str(tmp_path)), cwd=tmp_path)
    line = one_line(result)
    for part in says:
        assert part in line, line
    assert not list(tmp_path.glob("*.eval")), "nothing should have run"


# --- the same checks in process, for every task and parameter ----------------------------

BAD_PARAMS = [
    ({"seed": "abc"}, "-T seed must be a whole number >= 0"),
    ({"seed": -3}, "-T seed must be a whole number >= 0"),
    ({"seed": True}, "-T seed must be a whole number >= 0"),
    ({"max_steps": 0}, "-T max_steps must be a whole number >= 1"),
    ({"max_steps": "many"}, "-T max_steps must be a whole number >= 1"),
    ({"graph": "graphs/nope.py:make_graph"}, "graph file 'graphs/nope.py' not found"),
    ({"graph": "graphs/react_operator.py"}, "must look like 'path/to/file.py:make_graph'"),
    ({"graph": 7}, "-T graph must be 'path/to/file.py:factory'"),
    ({"sandbox": "dokcer"}, "choose one of: auto, bwrap"),
]


@pytest.mark.parametrize("name", sorted(TASKS))
@pytest.mark.parametrize(("params", "says"), BAD_PARAMS)
def test_every_task_checks_every_parameter(name: str, params: dict[str, Any], says: str) -> None:
    with pytest.raises(UsageError) as ex:
        TASKS[name](**params)
    message = str(ex.value)
    assert message.startswith(f"{name}: ")
    assert says in message
    assert "\n" not in message
    if "graph" in params:
        assert isinstance(ex.value, GraphSpecError)  # what callers caught before


@pytest.mark.parametrize("name", sorted(TASKS))
def test_good_values_still_build_the_task(name: str) -> None:
    task = TASKS[name](seed=3, max_steps=5, sandbox="local")
    assert len(task.dataset) > 0
    assert all(str(sample.id).endswith("-s3") for sample in task.dataset)


# --- `operator-eval tasks` ---------------------------------------------------------------


def test_tasks_lists_every_family_and_suite_with_its_command(tmp_path: Path) -> None:
    all_families = sorted(registered())
    suites = sorted(p.parent.name for p in (REPO / "datasets").glob("*/suite.yaml"))
    # The benchboard_hard families run inside their suite; the others have a task each.
    families = [f for f in all_families if f in task_module.__all__]
    assert families and suites and len(families) >= 6

    text = run([*OPERATOR_EVAL, "tasks"], cwd=tmp_path)
    assert text.returncode == 0, text.stdout
    for name in [*families, *suites]:
        assert f"run: inspect eval operator_eval/{name} --model PROVIDER/MODEL" in text.stdout
    assert "-T seed=0 " in text.stdout
    assert "-T sandbox=auto " in text.stdout
    assert "opeval/flawed -M flaw=NAME" in text.stdout

    listed = run([*OPERATOR_EVAL, "tasks", "--json"], cwd=tmp_path)
    assert listed.returncode == 0, listed.stdout
    entries = {e["name"]: e for e in json.loads(listed.stdout)["tasks"]}
    assert sorted(entries) == sorted([*families, *suites])
    in_suites = {v.split(".", 1)[0] for suite in suites for v in entries[suite]["variants"]}
    assert set(all_families) <= {*families, *in_suites}  # every family is runnable somewhere
    for family in families:
        entry = entries[family]
        assert entry["kind"] == "family"
        assert entry["variants"] == list(load_family_yaml(family, required=())["variants"])
        defaults = {p["name"]: p["default"] for p in entry["parameters"]}
        assert defaults == {
            "seed": 0,
            "graph": "graphs/react_operator.py:make_graph",
            "max_steps": 40,
            "sandbox": "auto",
        }
        assert all(p["doc"] for p in entry["parameters"])
        assert entry["doc"]
    assert len(entries["benchboard"]["variants"]) == 24


# --- a reader that stops early -----------------------------------------------------------


@pytest.mark.parametrize("args", [["schema", "proof"], ["tasks"]])
def test_output_into_a_closed_pipe_stops_quietly(args: list[str], tmp_path: Path) -> None:
    # The reader is gone before the command writes a byte: the write surely fails.
    process = subprocess.Popen(
        [*OPERATOR_EVAL, *args],
        cwd=tmp_path,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=300)
    assert "BrokenPipeError" not in stderr
    assert "Traceback" not in stderr
    assert stderr.strip() == ""
    assert process.returncode == 141


def test_schema_into_head(tmp_path: Path) -> None:
    shell = f"{' '.join(OPERATOR_EVAL)} schema proof | head -1"
    result = subprocess.run(
        ["bash", "-c", shell], cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=300
    )
    assert result.stdout == "{\n"
    assert result.stderr == ""


# --- the `auto` sandbox without bubblewrap -----------------------------------------------


@pytest.fixture(scope="module")
def path_without_bwrap(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH with every program of this one but bwrap: a host without bubblewrap."""
    folder = tmp_path_factory.mktemp("bin-without-bwrap")
    for directory in os.environ["PATH"].split(os.pathsep):
        if not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            link = folder / program.name
            if program.name != "bwrap" and not link.exists() and not link.is_symlink():
                link.symlink_to(program)
    return str(folder)


def test_auto_refuses_a_real_model_without_bwrap(path_without_bwrap: str, tmp_path: Path) -> None:
    result = run(
        eval_command("deploy_recovery", "--model", "mockllm/model", "--log-dir", str(tmp_path)),
        cwd=tmp_path,
        PATH=path_without_bwrap,
    )
    line = one_line(result)
    assert "sandbox 'auto' has no isolation on this host" in line
    assert "bwrap (bubblewrap) is not installed" in line
    assert "mockllm/model" in line
    assert "install bubblewrap, or pass -T sandbox=local" in line
    assert not list(tmp_path.glob("*.eval")), "nothing should have run"

    # a real model in a role counts as much as the main one
    result = run(
        eval_command(
            "deploy_recovery",
            *("--model", "opeval/oracle", "--model-role", "verifier=mockllm/model"),
            *("--log-dir", str(tmp_path)),
        ),
        cwd=tmp_path,
        PATH=path_without_bwrap,
    )
    assert "will not let model mockllm/model run" in one_line(result)


@pytest.mark.slow
def test_auto_runs_scripted_policies_unisolated_without_bwrap(
    path_without_bwrap: str, tmp_path: Path
) -> None:
    result = run(
        eval_command(
            "deploy_recovery",
            *("--model", "opeval/oracle", "--sample-id", "clean-s0"),
            *("--log-dir", str(tmp_path), "--display", "plain"),
        ),
        cwd=tmp_path,
        PATH=path_without_bwrap,
    )
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stdout
    (log_file,) = tmp_path.glob("*.eval")
    log = read_eval_log(str(log_file))
    assert log.status == "success"
    assert log.eval.sandbox is not None and log.eval.sandbox.type == "local"
    (sample,) = log.samples or []
    assert sample.scores is not None
    assert sample.scores["operator_score"].value["points"] == 25


@pytest.mark.skipif(bwrap_problem() is not None, reason="bwrap unusable here")
def test_auto_is_bwrap_for_a_real_model_where_it_works() -> None:
    import contextvars

    from inspect_ai.model import get_model
    from inspect_ai.model._generate_config import GenerateConfig
    from inspect_ai.model._model import init_active_model

    def build() -> Any:
        init_active_model(get_model("mockllm/model"), GenerateConfig())
        return TASKS["deploy_recovery"]()

    task = contextvars.copy_context().run(build)
    assert task.sandbox is not None and task.sandbox.type == "bwrap"
