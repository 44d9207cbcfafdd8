"""Where the stamps of PDF signatures go: their size, and the room a renderer leaves for them.

A signature's stamp (`tekseru sign`) goes on the last page, in the first free place of a grid of stamp
slots: rows of three from the foot of the page up, just above the footer band, a slot being free when
nothing the page draws lies in it (`tekseru.documents.signatures.placement`). A document is never changed
once it is issued (a signature may only follow it), so the room must be there from the start: the
renderers of the forms and lists that get signed end their last page early enough to leave free the rows
their signatories' stamps take (a form: its officials and the subject's head; a list: its approver), and
start a new page when the last one has no such room (`reserve_stamp_rows`).
"""

from __future__ import annotations

from fpdf import FPDF

__all__ = [
    "FOOT",
    "GAP",
    "HEIGHT",
    "MARGIN",
    "PER_ROW",
    "WIDTH",
    "reserve_stamp_rows",
    "stamp_rows",
    "stamp_rows_height",
]

WIDTH, HEIGHT, GAP, PER_ROW = 175.0, 46.0, 6.0, 3  # points
# Points from the page's foot to the first row of stamps: above the footer band of our forms (16 mm, with the
# verification code and "page X of Y") and of our lists (8 mm), which a stamp must not cover.
FOOT = 48.0
MARGIN = 4.0  # points kept clear around a stamp
LEFT = 30.0  # points from the page's left edge to the first stamp of a row
_MM = 25.4 / 72  # mm per point


def stamp_rows(signatories: int) -> int:
    """The rows of stamps that `signatories` signatures take (one at least)."""
    return max(1, -(-signatories // PER_ROW))


def stamp_rows_height(rows: int) -> float:
    """Points from the page's foot to the top of `rows` rows of stamps, with the margin kept above them."""
    return FOOT + rows * HEIGHT + (rows - 1) * GAP + MARGIN


def reserve_stamp_rows(pdf: FPDF, rows: int) -> None:
    """End the document where `rows` rows of stamps fit under its last line on the last page: a new page
    when the last page's content reaches lower (an fpdf2 document in millimetres, at its end)."""
    lowest = pdf.h - stamp_rows_height(rows) * _MM  # mm from the top: the content must end above it
    if pdf.get_y() > lowest:
        pdf.add_page()
