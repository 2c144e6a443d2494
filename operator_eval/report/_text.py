"""Aligned plain-text tables for the report commands, laid out by rich.

The tables go to terminals, pipes and test captures alike, so they are rendered to a
string on a console that never colours, never wraps and never truncates: a long model
label widens its column instead of breaking a row (scripts grep the rows).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence

from rich.box import Box
from rich.console import Console
from rich.table import Table
from rich.text import Text

_RULES = Box(
    "    \n"  # top
    "    \n"  # header row
    " -  \n"  # under the header: a dashed rule per column
    "    \n"  # between rows: nothing
    " -  \n"  # between sections
    " -  \n"  # above a footer
    "    \n"  # footer row
    "    \n",  # bottom
    ascii=True,
)
"""No frame and no column lines: a dashed rule under the header and between sections."""

_WIDTH = 100_000
"""Console width: wider than any table, so rich never wraps or crops a cell."""


def text_table(
    header: Sequence[str], *sections: Sequence[Sequence[str]], right: Collection[int] = ()
) -> str:
    """Render a table as plain text: the header, a rule, then the sections divided by rules.

    Cells are text, never rich markup (model labels such as `m[flaw]` contain brackets).
    Columns are two spaces apart and lines carry no trailing spaces.

    Args:
        header: The column headings.
        sections: Groups of rows (each row one string per column), e.g. the samples and
            then the totals.
        right: Indexes of the columns aligned right (numbers); the others align left.

    Returns:
        The table's lines, joined by newlines, without a final newline.
    """
    table = Table(
        box=_RULES,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
        highlight=False,
    )
    for index, heading in enumerate(header):
        table.add_column(
            Text(heading),
            justify="right" if index in right else "left",
            no_wrap=True,
        )
    for number, rows in enumerate(sections):
        if number and table.row_count:
            table.add_section()
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
    out = io.StringIO()
    console = Console(
        file=out,
        width=_WIDTH,
        color_system=None,
        force_terminal=False,
        force_interactive=False,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(table, crop=False)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())
