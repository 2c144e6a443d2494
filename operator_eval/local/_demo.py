"""`operator-eval demo`: a bundled local model beside the reference policies, then the board.

Runs, in one process and with a line per finished sample:

1. `opeval/oracle` and `opeval/sloppy` on the whole benchboard (24 tasks);
2. the bundled local model (served by `LocalServer`) through the default ReAct graph on
   one benchboard task per family (6 tasks), with a smaller step budget so that a
   looping model ends in minutes, and at most 512 output tokens per turn;
3. the same local model as the drafter of `graphs/draft_verify.py` with `opeval/oracle`
   as its verifier, on the same tasks: the mixed-routing row;

then writes the board from those logs and prints where it is.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from operator_eval.local._models import (
    BUNDLED_MODELS,
    DEFAULT_LOCAL_MODEL,
    LOCAL_EXTRA_HINT,
    LocalModelError,
)
from operator_eval.local._server import LocalServer, runtime_available

DEMO_TASK = "benchboard"
DRAFT_VERIFY_GRAPH = "graphs/draft_verify.py:make_graph"
MIXED_EXTRA_STEPS = 6
"""The mixed row's extra steps: draft_verify keeps graph steps for its last review, and
this gives its drafter about as many turns as the plain local row gets."""
LOCAL_MAX_TOKENS = 512
"""Output tokens per local model turn: a small model can ramble until its context is full
(6,000 tokens, five minutes, seen here), and no tool call needs more than this."""
DEFAULT_LOCAL_STEPS = 12
"""The local rows' step budget: SmolLM2 tends to loop, and a 40-step loop costs minutes."""


@dataclass
class DemoRun:
    """One row of the board: a model (or agent) on a set of benchboard tasks."""

    title: str
    model: str
    model_args: dict[str, Any] = field(default_factory=dict)
    model_roles: dict[str, str] = field(default_factory=dict)
    task_args: dict[str, Any] = field(default_factory=dict)
    sample_ids: list[str] | None = None
    base_url: str | None = None
    max_tokens: int | None = None
    max_samples: int = 24
    """Samples in parallel. 1 for a local model: llama.cpp answers one request at a time
    and reuses the previous prompt's cache, which interleaved samples would defeat."""


def one_per_family(seed: int = 0) -> list[str]:
    """The first benchboard task of each family (ids `<family>.<variant>-s<seed>`)."""
    from operator_eval.tasks.benchboard import benchboard

    chosen: dict[str, str] = {}
    # only its dataset is read: no model runs, so any sandbox will do
    for sample in benchboard(seed=seed, sandbox="local").dataset:
        family = str(sample.id).split(".", 1)[0]
        chosen.setdefault(family, str(sample.id))
    return list(chosen.values())


def plan(local_model: str, local_steps: int, seed: int) -> list[DemoRun]:
    """The demo's rows, the local ones without their server URL yet."""
    subset = one_per_family(seed)
    local = f"llama-cpp-python/{local_model}"
    local_args = {"seed": seed, "max_steps": local_steps}
    return [
        DemoRun("reference: oracle", "opeval/oracle", task_args={"seed": seed}),
        DemoRun("reference: sloppy", "opeval/sloppy", task_args={"seed": seed}),
        DemoRun(
            f"local: {local_model}",
            local,
            task_args=local_args,
            sample_ids=subset,
            max_tokens=LOCAL_MAX_TOKENS,
            max_samples=1,
        ),
        DemoRun(
            f"mixed: {local_model} drafts, oracle verifies",
            local,
            model_roles={"drafter": local, "verifier": "opeval/oracle"},
            task_args={
                **local_args,
                "graph": DRAFT_VERIFY_GRAPH,
                "max_steps": local_steps + MIXED_EXTRA_STEPS,
            },
            sample_ids=subset,
            max_tokens=LOCAL_MAX_TOKENS,
            max_samples=1,
        ),
    ]


def run_one(index: int, total: int, run: DemoRun, log_dir: Path) -> tuple[Path | None, bool]:
    """Run one row and print its headline.

    Returns:
        Its log (None when none was written) and whether the eval succeeded.
    """
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import GenerateConfig, Model, get_model

    from operator_eval.local._progress import sample_progress
    from operator_eval.report import column_from_log, headline

    tasks = f"{len(run.sample_ids)} tasks, one per family" if run.sample_ids else "24 tasks"
    print(f"\n[{index}/{total}] {run.title} — {DEMO_TASK}, {tasks}", flush=True)
    started = time.monotonic()
    # Role models get neither --model-base-url nor the eval's generate config: give the
    # local one its server and its output cap here (memoize=False: one Model per role).
    roles: dict[str, str | Model] = {
        role: get_model(
            name,
            config=GenerateConfig(max_tokens=run.max_tokens),
            base_url=run.base_url if name == run.model else None,
            memoize=False,
        )
        for role, name in run.model_roles.items()
    }
    with sample_progress():
        (log,) = inspect_eval(
            f"operator_eval/{DEMO_TASK}",
            model=run.model,
            model_args=run.model_args,
            model_base_url=run.base_url,
            model_roles=roles or None,
            task_args=run.task_args,
            sample_id=run.sample_ids,
            log_dir=str(log_dir),
            max_samples=run.max_samples,
            max_tokens=run.max_tokens,
            display="none",
        )
    ok = log.status == "success"
    if not ok:
        message = log.error.message if log.error else log.status
        print(f"  eval {log.status}: {message}", file=sys.stderr)
    print(f"  {headline(column_from_log(log))}  [{time.monotonic() - started:.0f} s]", flush=True)
    return (Path(log.location) if log.location else None), ok


def write_demo_board(logs: list[Path], out: Path) -> tuple[Path, bool]:
    """Write the board from the demo's logs and print the routing table.

    Returns:
        The board's index.html, and whether every log was read.
    """
    from operator_eval.report import (
        decide,
        load_policy,
        load_prices,
        read_records,
        render_routing,
        write_board,
    )

    records, problems = read_records([str(p) for p in logs])
    for problem in problems:
        print(problem, file=sys.stderr)
    policy = load_policy()
    print()
    print(render_routing(decide(policy, records)))
    out.mkdir(parents=True, exist_ok=True)
    index = write_board(records, out, policy=policy, prices=load_prices(), problems=problems)
    return index, not problems


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the demo's options to `parser`."""
    parser.add_argument(
        "--local-model", default=DEFAULT_LOCAL_MODEL, choices=sorted(BUNDLED_MODELS)
    )
    parser.add_argument(
        "--local-steps",
        type=int,
        default=DEFAULT_LOCAL_STEPS,
        help=f"step budget of the local rows (default {DEFAULT_LOCAL_STEPS})",
    )
    parser.add_argument("--seed", type=int, default=0, help="instance seed (default 0)")
    parser.add_argument(
        "--log-dir",
        default="logs/demo",
        help="logs go to a new timestamped folder under this one (default logs/demo)",
    )
    parser.add_argument("-o", "--output", default="board", help="board folder (default board/)")
    parser.set_defaults(func=main_demo)


def main_demo(args: argparse.Namespace) -> int:
    """Run the demo and write the board from whatever ran.

    Returns:
        0 when every row ran and every log was read; 1 when a row failed or a log was
        unreadable (the board still shows the rest); 2 when the local model cannot run,
        or could only run unisolated (no working bwrap) (checked before anything starts).
    """
    started = time.monotonic()
    model = BUNDLED_MODELS[args.local_model]
    try:  # fail before the reference rows, not after them
        if not runtime_available():
            raise LocalModelError(f"llama-cpp-python's server is not installed; {LOCAL_EXTRA_HINT}")
        model.gguf_path()
    except LocalModelError as ex:
        print(f"operator-eval demo: {ex}", file=sys.stderr)
        return 2
    from operator_eval.sandbox import bwrap_problem

    problem = bwrap_problem()
    if problem is not None:  # the local model's commands would run on the host
        print(
            f"operator-eval demo: the local model needs the bwrap sandbox: {problem}",
            file=sys.stderr,
        )
        return 2
    log_dir = Path(args.log_dir) / datetime.now().strftime("%Y%m%d-%H%M%S")
    runs = plan(args.local_model, args.local_steps, args.seed)
    logs: list[Path] = []
    failed = False

    def run(index: int, row: DemoRun) -> None:
        nonlocal failed
        log, ok = run_one(index, len(runs), row, log_dir)
        failed = failed or not ok or log is None
        if log is not None:
            logs.append(log)

    print(f"demo: logs in {log_dir.resolve()}", flush=True)
    for index, row in enumerate(runs[:2], 1):
        run(index, row)
    print(f"\nlocal: starting {model.title} (llama-cpp-python, loopback) ...", flush=True)
    try:
        with LocalServer(model) as server:
            print(f"local: serving at {server.base_url}", flush=True)
            for index, row in enumerate(runs[2:], 3):
                row.base_url = server.base_url
                run(index, row)
    except LocalModelError as ex:
        print(f"operator-eval demo: {ex}", file=sys.stderr)
        failed = True
    if not logs:
        return 1
    index_html, all_read = write_demo_board(logs, Path(args.output))
    print(f"\nboard: {index_html.resolve()}")
    print(f"logs:  {log_dir.resolve()}  (inspect view --log-dir {log_dir})")
    print(f"demo finished in {time.monotonic() - started:.0f} s")
    return 1 if failed or not all_read else 0
