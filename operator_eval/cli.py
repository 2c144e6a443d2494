"""`operator-eval`: tasks, schemas, side-by-side runs, summaries, routing, board, check-proof."""

from __future__ import annotations

import argparse
import json
import os
import select
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REFERENCE_MODELS = [
    "opeval/oracle",
    "opeval/noop",
    "opeval/sloppy",
    "opeval/flawed,flaw=forged_proof",
    "opeval/flawed,flaw=stale_evidence",
    "opeval/flawed,flaw=protected_edit",
    "opeval/flawed,flaw=skip_verify",
]


def _schemas() -> dict[str, Any]:
    from operator_eval.contracts import TaskSpec
    from operator_eval.report import routing_json_schema
    from operator_eval.scorers import Reconciliation, proof_json_schema

    return {
        "proof": proof_json_schema(),
        "reconciliation": Reconciliation.model_json_schema(),
        "routing": routing_json_schema(),
        "taskspec": TaskSpec.model_json_schema(),
    }


def parse_model(text: str) -> tuple[str, dict[str, str]]:
    """Split "provider/model,key=value,..." into the model and its model args."""
    name, *pairs = text.split(",")
    args = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"model arg {pair!r} in {text!r} is not key=value")
        args[key.strip()] = value.strip()
    return name.strip(), args


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a JSON schema."""
    print(json.dumps(_schemas()[args.name], indent=2))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run a task against each model (or read logs) and print the scores side by side."""
    from inspect_ai import eval as inspect_eval

    from operator_eval.report import ReportError, column_from_log, headline, read_log, render_table

    columns = []
    status = 0
    if args.logs:
        for path in args.logs:
            try:
                columns.append(column_from_log(read_log(path)))
            except ReportError as ex:
                print(f"{ex.path}: skipped: {ex.reason}", file=sys.stderr)
                status = 1
        if not columns:
            print("operator-eval: no readable logs", file=sys.stderr)
            return 2
    else:
        models = args.model or REFERENCE_MODELS
        graphs = args.graph or [None]
        runs = [(m, g) for m in models for g in graphs]
        for index, (text, graph) in enumerate(runs, 1):
            model, model_args = parse_model(text)
            shown = f"{text} @ {graph}" if graph else text
            print(f"[{index}/{len(runs)}] {args.task} with {shown} ...", flush=True)
            task_args: dict[str, Any] = {"seed": args.seed}
            if graph:
                task_args["graph"] = graph
            (log,) = inspect_eval(
                f"operator_eval/{args.task}",
                model=model,
                model_args=model_args,
                task_args=task_args,
                log_dir=args.log_dir,
                max_samples=args.max_samples,
                display="none",
            )
            if log.status != "success":
                message = log.error.message if log.error else log.status
                print(f"  {shown}: eval {log.status}: {message}", file=sys.stderr)
            columns.append(column_from_log(log))
    print()
    print(render_table(columns))
    print()
    for column in columns:
        print(headline(column))
    if not args.logs:
        print(
            f"\nlogs: {Path(args.log_dir).resolve()}  (open with: inspect view --log-dir "
            f"{args.log_dir})"
        )
    return status


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the headline of each log: points/max across N tasks and the key rates."""
    from operator_eval.report import ReportError, column_from_log, headline, read_log

    status = 0
    for path in args.logs:
        try:
            log = read_log(path)
        except ReportError as ex:  # a corrupt log must not hide the others' results
            print(f"{ex.path}: skipped: {ex.reason}", file=sys.stderr)
            status = 1
            continue
        print(f"{log.eval.task} (seed {log.eval.task_args.get('seed', 0)}) -- {path}")
        print(f"  {headline(column_from_log(log))}")
    return status


def cmd_closure(args: argparse.Namespace) -> int:
    """Print the closure length (tool calls) and traps per sample of a log or an oracle run."""
    from operator_eval.report import ReportError, closure_of, read_log

    if args.logs:
        try:
            logs = [read_log(path) for path in args.logs]
        except ReportError as ex:
            print(f"operator-eval: {ex.path}: {ex.reason}", file=sys.stderr)
            return 2
    else:
        from inspect_ai import eval as inspect_eval

        logs = inspect_eval(
            f"operator_eval/{args.task}",
            model=args.model,
            task_args={"seed": args.seed},
            log_dir=args.log_dir,
            display="none",
        )
    for log in logs:
        print(closure_of(log).render())
    return 0


def _records(paths: Sequence[str]) -> tuple[list[Any], int]:
    """Read the logs' records; print unreadable logs; 1 as the status when there were any."""
    from operator_eval.report import ReportError, read_records

    try:
        records, problems = read_records(paths)
    except ReportError as ex:
        print(f"operator-eval: {ex}", file=sys.stderr)
        return [], 2
    for problem in problems:
        print(problem, file=sys.stderr)
    return records, 1 if problems else 0


def cmd_routing(args: argparse.Namespace) -> int:
    """Print which work each model may be routed, and write the JSON a router reads."""
    from operator_eval.report import decide, load_policy, render_routing, routing_json

    records, status = _records(args.logs)
    if not records:
        print("operator-eval: no scored samples in these logs", file=sys.stderr)
        return status or 2
    try:
        policy = load_policy(args.policy)
    except ValueError as ex:
        print(f"operator-eval: {ex}", file=sys.stderr)
        return 2
    decisions = decide(policy, records)
    print(render_routing(decisions))
    if args.json:
        Path(args.json).write_text(
            json.dumps(routing_json(decisions, policy), indent=2) + "\n", encoding="utf-8"
        )
        print(f"\nrouting JSON: {Path(args.json).resolve()}")
    return status


def cmd_board(args: argparse.Namespace) -> int:
    """Write the static HTML board (leaderboard, matrix, failures, routing) from logs."""
    from operator_eval.report import (
        ReportError,
        bundle_viewer,
        load_policy,
        load_prices,
        log_files,
        read_records,
        write_board,
    )

    try:
        records, problems = read_records(args.logs)
        policy = load_policy(args.policy)
        prices = load_prices(args.prices)
    except (ReportError, ValueError) as ex:
        print(f"operator-eval: {ex}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    viewer = None
    if args.bundle_viewer:
        folders = {p.parent for p in log_files(args.logs, problems=[])}
        if len(folders) == 1:
            viewer = bundle_viewer(folders.pop(), out)
        else:
            print("operator-eval: --bundle-viewer needs the logs in one folder", file=sys.stderr)
    index = write_board(
        records, out, policy=policy, prices=prices, problems=problems, viewer=viewer
    )
    print(f"board: {index.resolve()}  ({len(records)} sample runs)")
    return 1 if problems else 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure the harness and print the numbers beside their targets."""
    from operator_eval.bench import main_bench

    return main_bench(as_json=args.json, quick=args.quick)


def cmd_tasks(args: argparse.Namespace) -> int:
    """List the tasks `inspect eval operator_eval/...` runs, with variants and parameters."""
    from operator_eval.tasks._catalog import reference_models, render_catalog, task_catalog

    entries = task_catalog()
    if args.json:
        print(json.dumps({"tasks": entries, "reference_models": reference_models()}, indent=2))
    else:
        print(render_catalog(entries))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `operator-eval`."""
    parser = argparse.ArgumentParser(prog="operator-eval", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    tasks = sub.add_parser(
        "tasks",
        help="list the tasks (families and suites): variants, -T parameters, the inspect command",
    )
    tasks.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    tasks.set_defaults(func=cmd_tasks)

    schema = sub.add_parser(
        "schema", help="print a JSON schema (proof, reconciliation, routing, taskspec)"
    )
    schema.add_argument("name", choices=["proof", "reconciliation", "routing", "taskspec"])
    schema.set_defaults(func=cmd_schema)

    compare = sub.add_parser(
        "compare", help="run a task against several models and print scores side by side"
    )
    compare.add_argument("--task", default="deploy_recovery", help="task family name")
    compare.add_argument(
        "--model",
        action="append",
        help="model as provider/name[,key=value...] (repeatable; default: the reference policies)",
    )
    compare.add_argument(
        "--graph",
        action="append",
        help="graph to run each model through, e.g. graphs/react_operator.py:make_resilient_graph "
        "(repeatable: one column per model and graph; default: the task's default graph)",
    )
    compare.add_argument("--seed", type=int, default=0, help="instance seed (default 0)")
    compare.add_argument("--log-dir", default="logs", help="where Inspect logs go")
    compare.add_argument("--max-samples", type=int, default=8, help="samples run in parallel")
    compare.add_argument("--logs", nargs="+", help="read these .eval logs instead of running")
    compare.set_defaults(func=cmd_compare)

    summary = sub.add_parser(
        "summary", help="print each log's headline: points/max across N tasks, key rates"
    )
    summary.add_argument("logs", nargs="+", help=".eval log files")
    summary.set_defaults(func=cmd_summary)

    closure = sub.add_parser(
        "closure",
        help="tool calls and traps per sample (of logs, or of a fresh oracle run of a suite)",
    )
    closure.add_argument("logs", nargs="*", help=".eval/.json logs (default: run the task)")
    closure.add_argument("--task", default="benchboard_hard", help="task to run (no logs given)")
    closure.add_argument("--model", default="opeval/oracle", help="model to run it with")
    closure.add_argument("--seed", type=int, default=0, help="instance seed (default 0)")
    closure.add_argument("--log-dir", default="logs/closure", help="where the run's log goes")
    closure.set_defaults(func=cmd_closure)

    routing = sub.add_parser(
        "routing", help="which kinds of work each model has earned, from logs and a policy"
    )
    routing.add_argument("logs", nargs="+", help=".eval log files or folders")
    routing.add_argument("--policy", help="routing policy YAML (default: the shipped one)")
    routing.add_argument("--json", help="also write the decisions as JSON to this file")
    routing.set_defaults(func=cmd_routing)

    board = sub.add_parser("board", help="write the static HTML board from logs")
    board.add_argument("logs", nargs="+", help=".eval log files or folders")
    board.add_argument("-o", "--output", default="board", help="output folder (default board/)")
    board.add_argument("--policy", help="routing policy YAML (default: the shipped one)")
    board.add_argument("--prices", help="price table YAML (default: the shipped one)")
    board.add_argument(
        "--bundle-viewer",
        action="store_true",
        help="also bundle the Inspect viewer (inspect view bundle) and link failures into it",
    )
    board.set_defaults(func=cmd_board)

    bench = sub.add_parser(
        "bench", help="measure the harness: start-up, per-step overhead, suite, concurrency"
    )
    bench.add_argument("--json", action="store_true", help="print the measurements as JSON")
    bench.add_argument(
        "--quick", action="store_true", help="deploy_recovery instead of benchboard, 1 repeat"
    )
    bench.set_defaults(func=cmd_bench)

    from operator_eval.local._cli import configure_parser as configure_local

    local = sub.add_parser(
        "local", help="bundled local models: serve one (OpenAI-compatible, tool calls), list them"
    )
    configure_local(local)

    from operator_eval.local._demo import configure_parser as configure_demo

    demo = sub.add_parser(
        "demo",
        help="the main job: the bundled local model beside oracle and sloppy on benchboard, "
        "a drafter+verifier row, then the board",
    )
    configure_demo(demo)

    from operator_eval.scorers._cli import configure_parser as configure_check_proof

    check_proof = sub.add_parser(
        "check-proof",
        help="verify any agent's proof from its workspace and trajectory "
        "(exit 1 on an unsupported DONE)",
    )
    configure_check_proof(check_proof)

    from operator_eval.runtime import configure_parser, main_preflight

    preflight = sub.add_parser(
        "preflight",
        help="check an OpenAI-compatible endpoint before trusting it "
        "(exit 0 stable, 1 unstable, 2 down)",
    )
    configure_parser(preflight)
    preflight.set_defaults(func=main_preflight)
    return parser


def _stdout_closed() -> bool:
    """Whether the reader of our stdout went away (a pipe whose other end is closed)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `operator-eval` command."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
        sys.stdout.flush()  # here, not at exit, where a broken pipe is only "ignored"
    except BrokenPipeError:
        if not _stdout_closed():
            raise  # a broken socket of the command's own, not the reader of our output
        # `operator-eval schema proof | head`: the reader has all it wants. Stop quietly,
        # as `cat` does; point stdout at /dev/null so the exit-time flush stays silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a writer stopped this way
    return result


if __name__ == "__main__":
    raise SystemExit(main())
