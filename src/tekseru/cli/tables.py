"""Tables a reader can read in any terminal: no word is ever cut with "…".

Rich shrinks every column of a table that is wider than the terminal and cuts the words that no longer fit
("Наим…"), which in an 80-column terminal was most of them. `print_table` gives each column room for its
longest word and folds a longer word rather than cutting it; when the columns' longest words do not fit
side by side, it prints each row as a block of "heading: value" lines instead, so every word of every
cell is shown whole whatever the width.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text


def print_table(console: Console, table: Table) -> None:
    """`table` on `console`: as a table when its columns' longest words fit the width, else row by row."""
    longest = [
        max((_longest_word(console, cell) for cell in [column.header, *column.cells]), default=1)
        for column in table.columns
    ]
    left, right = table.padding[3], table.padding[1]
    borders = len(table.columns) + 1 if table.box is not None and table.show_edge else len(table.columns) - 1
    if sum(width + left + right for width in longest) + borders <= console.width:
        for column, width in zip(table.columns, longest, strict=True):
            column.min_width = max(column.min_width or 0, width)
            column.overflow = "fold"
        console.print(table)
        return
    _print_rows(console, table)


def _print_rows(console: Console, table: Table) -> None:
    if table.title:
        console.print(table.title, style="bold")
    headers = [_plain(console, column.header) for column in table.columns]
    for row in zip(*(column.cells for column in table.columns), strict=True):
        console.print()
        for header, cell in zip(headers, row, strict=True):
            value = _plain(console, cell)
            if not value:
                continue
            line = Text(f"{header}: " if header and table.show_header else "", style="bold")
            line.append(value)
            console.print(line)


def _plain(console: Console, renderable: RenderableType) -> str:
    if isinstance(renderable, Text):
        return renderable.plain
    if isinstance(renderable, str):
        return console.render_str(renderable).plain
    return str(renderable)


def _longest_word(console: Console, renderable: RenderableType) -> int:
    return max((len(word) for word in _plain(console, renderable).split()), default=1)
