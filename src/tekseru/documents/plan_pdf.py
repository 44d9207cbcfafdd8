"""The semi-annual list as a landscape A4 PDF, in the bundled DejaVu Sans so Kazakh letters print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.planning.model import Plan
from tekseru.planning.table import PlanTable, Section, format_cell, plan_table

__all__ = ["render_plan_pdf"]

_MARGIN = 10
_TABLE_FONT_SIZE = 7.5
_HEADINGS = FontFace(emphasis="BOLD", fill_color=(221, 221, 221))
# Relative column widths by number of columns: the list (10), beyond capacity (9), exclusions (7).
_COLUMN_WIDTHS: Mapping[int, Sequence[int]] = {
    10: (11, 20, 38, 21, 32, 32, 21, 16, 45, 24),
    9: (11, 20, 38, 21, 32, 32, 21, 16, 45),
    7: (20, 48, 21, 40, 21, 16, 90),
}


class _ListPdf(FPDF):
    def footer(self) -> None:
        self.set_y(-8)
        self.set_font(FONT_FAMILY, size=7)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")


def render_plan_pdf(
    plan: Plan,
    *,
    language: str,
    state_body: str,
    approval: tuple[str, date] | None,
    group_names: Mapping[str, str],
    reason_texts: Mapping[int, str],
    out: Path,
    notice: str | None = None,
) -> Path:
    """Write the list in Kazakh ("kk") or Russian ("ru") to `out` and return `out`.

    The arguments mean what they mean for `render_plan_xlsx`; both documents print the same `PlanTable`.
    """
    table = plan_table(
        plan,
        language=language,
        state_body=state_body,
        approval=approval,
        group_names=group_names,
        reason_texts=reason_texts,
        notice=notice,
    )
    pdf = _new_pdf(table)
    _write_header(pdf, table)
    for section in table.sections:
        _write_section(pdf, section)
    pdf.output(str(out))
    return out


def _new_pdf(table: PlanTable) -> FPDF:
    pdf = _ListPdf(orientation="landscape", unit="mm", format="A4")
    pdf.add_font(FONT_FAMILY, style="", fname=str(font_path()))
    pdf.add_font(FONT_FAMILY, style="B", fname=str(font_path(bold=True)))
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN + 2)
    pdf.set_title(table.title)
    pdf.set_lang(table.language)
    pdf.set_creator("tekseru")
    pdf.add_page()
    return pdf


def _write_header(pdf: FPDF, table: PlanTable) -> None:
    pdf.set_font(FONT_FAMILY, style="B", size=12)
    pdf.multi_cell(0, 6, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, size=9)
    for line in table.header_lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")


def _write_section(pdf: FPDF, section: Section) -> None:
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, style="B", size=10)
    pdf.multi_cell(0, 6, section.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=_TABLE_FONT_SIZE)
    widths = _COLUMN_WIDTHS.get(len(section.columns), (1,) * len(section.columns))
    with pdf.table(
        col_widths=tuple(widths),
        headings_style=_HEADINGS,
        line_height=pdf.font_size * 1.5,
        text_align="LEFT",
    ) as grid:
        grid.row(list(section.columns))
        for row in section.rows:
            grid.row([format_cell(cell) for cell in row])
    if not section.rows:
        pdf.multi_cell(0, 5, section.empty_text, new_x="LMARGIN", new_y="NEXT")
