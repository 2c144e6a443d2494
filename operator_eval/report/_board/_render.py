"""The board's HTML, rendered from its data with Jinja2, and the files `write_board` writes.

`templates/board.html.j2` (with `board.css` and `taxonomy.svg.j2`) is the page. Autoescape
is on: every value read from a log reaches the page HTML-escaped, attributes included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from operator_eval.report._board._build import build_board
from operator_eval.report._board._chart import (
    LEGEND_RATES,
    MODEL_WIDTH,
    clip,
    rate_colour,
    taxonomy_chart,
)
from operator_eval.report._board._model import Board
from operator_eval.report._cost import PriceTable
from operator_eval.report._format import interval, per_usd, percent, usd
from operator_eval.report._metrics import across
from operator_eval.report._records import SampleRecord
from operator_eval.report._routing import RoutingPolicy, decide, routing_json

INDEX = "index.html"
ROUTING_JSON = "routing.json"
BOARD_JSON = "board.json"
TEMPLATE = "board.html.j2"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("operator_eval.report._board", "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt field fails the render, not shows blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=percent, ci=interval, usd=usd, per_usd=per_usd, clip=clip)
    env.globals.update(
        across=across,
        rate_colour=rate_colour,
        legend_rates=LEGEND_RATES,
        model_width=MODEL_WIDTH,
    )
    return env


def render_board(board: Board, out_dir: Path) -> str:
    """The board page's HTML.

    Args:
        board: The board's data.
        out_dir: The folder the page is written to (named in the note on serving the
            bundled viewer over HTTP).

    Returns:
        One self-contained HTML page.
    """
    template = _environment().get_template(TEMPLATE)
    return template.render(
        board=board,
        chart=taxonomy_chart(board.labels),
        serve_folder=str(Path(out_dir).resolve()),
    )


def _write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )


def write_board(
    records: Sequence[SampleRecord],
    out_dir: Path,
    *,
    policy: RoutingPolicy,
    prices: PriceTable,
    problems: Sequence[str] = (),
    viewer: str | None = None,
) -> Path:
    """Write the board: `index.html`, `routing.json` and `board.json` in `out_dir`.

    `board.json` is the board's data (`build_board`), and the page is rendered from it;
    `routing.json` holds the routing decisions with their measured numbers.

    Args:
        records: Every sample run to show (any mix of models, families and epochs).
        out_dir: The folder to write into; created when missing.
        policy: The routing policy deciding which models are allowed which categories.
        prices: The price table for the cost columns.
        problems: One line per log that could not be read, listed on the page.
        viewer: URL (relative to `out_dir`, or absolute) of an `inspect view bundle` output
            folder; failed samples then link to their transcripts. None shows log paths.

    Returns:
        The path of `index.html`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    decisions = decide(policy, records)
    board = build_board(
        records, decisions, policy=policy, prices=prices, problems=problems, viewer=viewer
    )
    index = out_dir / INDEX
    index.write_text(render_board(board, out_dir), encoding="utf-8")
    _write_json(out_dir / ROUTING_JSON, routing_json(decisions, policy))
    _write_json(out_dir / BOARD_JSON, board.model_dump(mode="json"))
    return index
