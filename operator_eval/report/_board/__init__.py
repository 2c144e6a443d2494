"""The static HTML board of operator results: its data as a model, then the page rendered from it.

`build_board` computes everything the board shows (`Board`, which is `board.json`);
`render_board` renders the page from it with a Jinja2 template (autoescaped); `write_board`
writes `index.html`, `board.json` and `routing.json`. The page is self-contained: inline
CSS and SVG, no JavaScript, no external fonts, scripts or images, so it works from
`file://` and over HTTP with the network off; only the transcript links into a bundled
viewer need HTTP, and the page says so in plain text, as it has no script to detect how
it was opened.
"""

from operator_eval.report._board._build import build_board
from operator_eval.report._board._chart import TaxonomyChart, rate_colour, taxonomy_chart
from operator_eval.report._board._model import Board, FailedRun, FamilyCell, ModelRow
from operator_eval.report._board._render import (
    BOARD_JSON,
    INDEX,
    ROUTING_JSON,
    render_board,
    write_board,
)

__all__ = [
    "BOARD_JSON",
    "INDEX",
    "ROUTING_JSON",
    "Board",
    "FailedRun",
    "FamilyCell",
    "ModelRow",
    "TaxonomyChart",
    "build_board",
    "rate_colour",
    "render_board",
    "taxonomy_chart",
    "write_board",
]
