"""A checklist form as an A4 portrait PDF laid out like the official form, in the bundled DejaVu Sans.

Top right the appendix reference line, then the centred title, the header fields (values underlined, or
blank lines to fill in), the table of requirements with its four answer columns, the signature blocks for
the officials and for the head of the subject, and, on a form with an identity, the verification code with
its QR code. Every page's footer carries the code and, on a form not in Kazakh, the notice that the text is
an unofficial translation. The same form always gives the same bytes: the creation date is the form's date.

Every page of a form without a seal is marked "ЖОБА / ПРОЕКТ". Text is placed by `pdf_text`, which keeps
a form to a few hundredths of a second.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime, time
from itertools import accumulate

from tekseru.documents.checklist_form import (
    FULL_NAME,
    MARK,
    Annex,
    ChecklistForm,
    FormField,
    FormRow,
    SignatureBlock,
)
from tekseru.documents.pdf_marks import PAGES, PageCount, draw_draft_mark, draw_qr_code
from tekseru.documents.pdf_prepared_fonts import PreparedFontsOutput
from tekseru.documents.pdf_text import (
    Cell,
    Line,
    Style,
    TextPdf,
    add_fonts,
    ensure_room,
    lines_height,
    put_rect,
    put_text,
    text_line,
    wrap,
    write_lines,
)
from tekseru.documents.stamps import reserve_stamp_rows, stamp_rows
from tekseru.documents.verification import Seal, qr_code_modules, seal_of

__all__ = ["MARK", "checklist_pdf_bytes"]

_LEFT, _TOP, _RIGHT = 20.0, 15.0, 15.0  # page margins (mm)
_FOOTER_HEIGHT = 16.0
_REFERENCE_WIDTH = 80.0
_COLUMN_WIDTHS = (8.0, 73.0, 23.5, 23.5, 23.5, 23.5)  # No., requirement, four answers: 175 mm
_PADDING = 1.2


_BODY = Style(8.5)
_TITLE = Style(11, bold=True)
_KIND = Style(9)
_LABEL = Style(10)
_VALUE = Style(10.5)
_REFERENCE = Style(9)
_HEADING = Style(7, bold=True)
_COMMENT = Style(7.5, grey=True)
_CAPTION = Style(7.5)
_FOOTER = Style(6.5, grey=True)
_HEADING_FILL = (232, 232, 232)
_BLANK_LINES = {"subject_name": 2, "subject_address": 2}  # as many lines as the official form leaves
_SIGNATURE_WIDTH = 110.0
_SIGNATURE_GAP = 3.0  # above a signature block's label
_LINE_GAP = 7.0  # above an empty signature line
_LINE_SPACING = 5.0  # between the lines of one signatory
_QR_SIZE = 24.0
_SIGNATURE_LABEL = Style(10, bold=True)
_CODE = Style(9, bold=True)
_DRAFT_LINE = Style(9, bold=True, grey=True)  # the draft mark at the top of every page


def checklist_pdf_bytes(form: ChecklistForm) -> bytes:
    """The form as PDF bytes."""
    seal = seal_of(form)
    pdf = _ChecklistPdf(form, seal)
    x = pdf.w - pdf.r_margin - _REFERENCE_WIDTH
    write_lines(
        pdf, wrap(form.appendix_reference, _REFERENCE, _REFERENCE_WIDTH), x, _REFERENCE_WIDTH, align="C"
    )
    write_lines(pdf, wrap(form.title, _TITLE, pdf.epw), pdf.l_margin, pdf.epw, align="C", before=4)
    write_lines(pdf, wrap(form.subject_kind, _KIND, pdf.epw), pdf.l_margin, pdf.epw, align="C", before=1.5)
    pdf.ln(4)
    for form_field in form.fields:
        _write_field(pdf, form_field)
    _write_table(pdf, form, seal)
    _write_signatures(pdf, form, seal)
    if form.annex is not None:
        _write_annex(pdf, form.annex)
    if seal is not None:  # a sealed form is signed: its stamps go at the foot of its last page
        reserve_stamp_rows(pdf, stamp_rows(sum(len(block.signatories) for block in form.signature_blocks)))
    return bytes(pdf.output(output_producer_class=PreparedFontsOutput))


def _write_annex(pdf: _ChecklistPdf, annex: Annex) -> None:
    """The files attached, on a page of their own: each with its item, name and size, then its SHA-256."""
    pdf.add_page()
    write_lines(pdf, wrap(annex.title, _TITLE, pdf.epw), pdf.l_margin, pdf.epw, align="C")
    pdf.ln(3)
    for number, entry in enumerate(annex.entries, start=1):
        item = f"{annex.item_heading} {entry.item}" if entry.item else annex.item_heading
        line = f"{number}. {item} · {annex.file_heading}: {entry.file_name} ({annex.size_text(entry.size)})"
        lines = [*wrap(line, _BODY, pdf.epw), (f"{annex.hash_heading}: {entry.sha256}", _COMMENT)]
        ensure_room(pdf, lines_height(lines) + 1.5)
        write_lines(pdf, lines, pdf.l_margin, pdf.epw, before=1.5)


class _ChecklistPdf(TextPdf):
    def __init__(self, form: ChecklistForm, seal: Seal | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.form, self.seal = form, seal
        add_fonts(self, form.canonical_json())
        self.set_margins(_LEFT, _TOP, _RIGHT)
        self.set_auto_page_break(auto=True, margin=_FOOTER_HEIGHT + 2)
        self._set_metadata()
        self.add_page()

    def _set_metadata(self) -> None:
        form = self.form
        self.set_title(form.title)
        self.set_subject(form.appendix_reference)
        self.set_author("tekseru")
        self.set_creator("tekseru")
        self.set_lang(form.language)
        self.set_keywords(self.seal.payload if self.seal else f"tekseru checklist {form.edition_id}")
        self.set_creation_date(datetime.combine(form.document_date, time(0), tzinfo=UTC))

    def header(self) -> None:
        if self.form.draft_mark:
            _DRAFT_LINE.apply(self)
            self.text(
                self.l_margin + (self.epw - _DRAFT_LINE.width(self.form.draft_mark)) / 2,
                9.0,
                self.form.draft_mark,
            )
            self.style = None  # fpdf2 restores the body's font and colour after the header

    def footer(self) -> None:
        if self.form.draft_mark:  # in the footer, so that it is drawn over the page's text and tables
            draw_draft_mark(self, self.form.draft_mark)
        self.set_y(-_FOOTER_HEIGHT + 2)
        lines = wrap(self.form.notice, _FOOTER, self.epw) if self.form.notice else []
        for text, style in lines:
            text_line(self, text, style, self.l_margin, self.epw, "C")
            self.set_y(self.get_y() + style.line_height)
        _FOOTER.apply(self)
        line = self._footer_line()
        x = self.l_margin + max((self.epw - _FOOTER.width(line.replace(PAGES, "00"))) / 2, 0.0)
        assert self.current_font is not None
        self.pages[self.page].add_text_substitution(PageCount(self.current_font, line))  # type: ignore[arg-type]
        put_text(self, x, self.get_y() + _FOOTER.baseline, line)
        self.style = None  # fpdf2 restores the body's font and colour after the footer

    def _footer_line(self) -> str:
        labels, parts = self.form.labels, [f"tekseru {self.form.edition_id}"]
        if self.seal:
            parts.insert(0, f"{labels.verification_code}: {self.seal.code}")
        parts.append(f"{labels.page} {self.page_no()}/{PAGES}")
        return "   ·   ".join(parts)


def _underlined(pdf: _ChecklistPdf, lines: Sequence[Line], height: float) -> None:
    for text, style in lines:
        ensure_room(pdf, height)
        pdf.set_y(pdf.get_y() + height - style.line_height - 0.6)
        text_line(pdf, text, style, pdf.l_margin + 1, pdf.epw - 2)
        pdf.set_y(pdf.get_y() + style.line_height + 0.6)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())


def _write_field(pdf: _ChecklistPdf, form_field: FormField) -> None:
    write_lines(pdf, wrap(form_field.label, _LABEL, pdf.epw), pdf.l_margin, pdf.epw)
    if form_field.value:
        _underlined(pdf, wrap(form_field.value, _VALUE, pdf.epw - 2), 6.5)
    else:
        _underlined(pdf, [("", _VALUE)] * _BLANK_LINES.get(form_field.key, 1), 6.5)
    pdf.ln(2)


def _write_table(pdf: _ChecklistPdf, form: ChecklistForm, seal: Seal | None) -> None:
    pdf.ln(2)
    headings = [form.number_heading, form.requirements_heading, *(c.label for c in form.answer_columns)]
    widths = [width - 2 * _PADDING for width in _COLUMN_WIDTHS]
    heading_cells = [wrap(text, _HEADING, width) for text, width in zip(headings, widths, strict=True)]
    ensure_room(pdf, _height(heading_cells) + 12)
    _draw_row(pdf, heading_cells, heading=True)
    for index, row in enumerate(form.rows, start=1):
        cells = _row_cells(form, row)
        if index == len(form.rows):
            _keep_with_signatures(pdf, cells, heading_cells, _signatures_height(pdf, form, seal))
        _write_row(pdf, cells, heading_cells)


def _keep_with_signatures(
    pdf: _ChecklistPdf, cells: list[Cell], heading_cells: list[Cell], after: float
) -> None:
    """The last row goes to the next page when it fits here but the signatures under it would not, so that
    no page holds the signatures without any of the table they sign (a loose signature page)."""
    height = _height(cells)
    room = pdf.page_break_trigger - pdf.get_y()
    fresh = pdf.page_break_trigger - pdf.t_margin - _height(heading_cells)
    if height <= room < height + after and height + after <= fresh:
        pdf.add_page()
        _draw_row(pdf, heading_cells, heading=True)


def _row_cells(form: ChecklistForm, row: FormRow) -> list[Cell]:
    text_width = _COLUMN_WIDTHS[1] - 2 * _PADDING
    item = wrap(row.text, _BODY, text_width)
    if row.comment:
        item += wrap(f"{form.labels.comment}: {row.comment}", _COMMENT, text_width)
    marks = [[(MARK, _BODY)] if c.key in row.marked_columns else [] for c in form.answer_columns]
    return [[(str(row.number), _BODY)], item, *marks]


def _height(cells: Sequence[Cell]) -> float:
    return max(lines_height(cell) for cell in cells) + 2 * _PADDING


def _write_row(pdf: _ChecklistPdf, cells: list[Cell], heading_cells: list[Cell]) -> None:
    """A table row, moved to the next page if it does not fit, split across pages if it fits on none."""
    while cells:
        room, height = pdf.page_break_trigger - pdf.get_y(), _height(cells)
        full_page = pdf.page_break_trigger - pdf.t_margin - _height(heading_cells)
        if height > room and (height <= full_page or room < 20):
            pdf.add_page()
            _draw_row(pdf, heading_cells, heading=True)
            continue
        cells, rest = _split(cells, room - 2 * _PADDING)
        _draw_row(pdf, cells, heading=False)
        cells = rest


def _split(cells: list[Cell], room: float) -> tuple[list[Cell], list[Cell]]:
    """The lines of a row that fit in `room`, and the rest (empty when all fit)."""
    if _height(cells) - 2 * _PADDING <= room:
        return cells, []
    counts = [bisect_right(list(accumulate(style.line_height for _, style in cell)), room) for cell in cells]
    return [c[:n] for c, n in zip(cells, counts, strict=True)], [
        c[n:] for c, n in zip(cells, counts, strict=True)
    ]


def _draw_row(pdf: _ChecklistPdf, cells: Sequence[Cell], *, heading: bool) -> None:
    top, height, x = pdf.get_y(), _height(cells), pdf.l_margin
    if heading:
        pdf.set_fill_color(*_HEADING_FILL)
    for column, (cell, width) in enumerate(zip(cells, _COLUMN_WIDTHS, strict=True)):
        put_rect(pdf, x, top, width, height, "DF" if heading else "D")
        middle = heading or column != 1
        pdf.set_y(top + (height - lines_height(cell)) / 2 if middle else top + _PADDING)
        for text, style in cell:
            text_line(pdf, text, style, x + _PADDING, width - 2 * _PADDING, "C" if middle else "L")
            pdf.set_y(pdf.get_y() + style.line_height)
        x += width
    pdf.set_y(top + height)


def _write_signatures(pdf: _ChecklistPdf, form: ChecklistForm, seal: Seal | None) -> None:
    """The signature blocks on the left and, beside the first on the right, the verification code.

    Each signatory's lines are kept together (the block's label with its first signatory) and go on
    wherever the page has room, so that no block moves to the next page while this one has room for it.
    """
    ensure_room(pdf, _signatures_height(pdf, form, seal))
    top, page, seal_bottom = pdf.get_y(), pdf.page_no(), 0.0
    if seal is not None:
        pdf.set_y(top + 6)
        _write_seal(pdf, form, seal)
        seal_bottom = pdf.get_y()
        pdf.set_y(top)
    for block in form.signature_blocks:
        _write_signature_block(pdf, block)
    if pdf.page_no() == page:
        pdf.set_y(max(pdf.get_y(), seal_bottom))


def _signatures_height(pdf: _ChecklistPdf, form: ChecklistForm, seal: Seal | None) -> float:
    """The room the first signatory's row (with its block's label) and the seal beside it take on one page."""
    first = form.signature_blocks[0] if form.signature_blocks else None
    needed = _SIGNATURE_GAP + _SIGNATURE_LABEL.line_height + _signatory_height(first, "") if first else 0
    if seal is not None:
        needed = max(needed, 6 + _seal_height(form, seal, _seal_width(pdf)))
    return needed


def _line_widths(block: SignatureBlock) -> list[float]:
    """The widths of a signatory's lines, side by side in one row as on the official form: the full-name
    line takes the larger part of `_SIGNATURE_WIDTH`, the others share the rest."""
    count = len(block.lines)
    room = _SIGNATURE_WIDTH - _LINE_SPACING * (count - 1)
    if count == 1 or not any(line.key == FULL_NAME for line in block.lines):
        return [room / count] * count
    return [room * 0.58 if line.key == FULL_NAME else room * 0.42 / (count - 1) for line in block.lines]


def _signatory_cells(block: SignatureBlock, name: str) -> list[tuple[list[Line], list[Line], float]]:
    """For each line of one signatory: the name written on it, its caption, and its width."""
    return [
        (
            wrap(name, _VALUE, width - 2) if name and line.key == FULL_NAME else [],
            wrap(line.label, _CAPTION, width),
            width,
        )
        for line, width in zip(block.lines, _line_widths(block), strict=True)
    ]


def _signatory_height(block: SignatureBlock, name: str) -> float:
    """The height of one signatory's row of lines, with `name` written on its full-name line."""
    cells = _signatory_cells(block, name)
    above = max((1.5 + lines_height(written) + 0.6 if written else _LINE_GAP) for written, _, _ in cells)
    return above + 0.5 + max(lines_height(caption) for _, caption, _ in cells)


def _write_signature_block(pdf: _ChecklistPdf, block: SignatureBlock) -> None:
    for index, name in enumerate(block.signatories):
        label = _SIGNATURE_GAP + _SIGNATURE_LABEL.line_height if index == 0 else 0.0
        height = _signatory_height(block, name)
        overlong = label + height > pdf.page_break_trigger - pdf.t_margin  # it fits on no page
        ensure_room(pdf, label + (3 * _VALUE.line_height if overlong else height))
        if index == 0:
            write_lines(pdf, [(block.label, _SIGNATURE_LABEL)], pdf.l_margin, pdf.epw, before=_SIGNATURE_GAP)
        if overlong:  # the name first, over as many pages as it takes, then its row of lines
            _write_overlong_name(pdf, block, name)
            name = ""
        cells = _signatory_cells(block, name)
        above = max((1.5 + lines_height(written) + 0.6 if written else _LINE_GAP) for written, _, _ in cells)
        top, x, bottom = pdf.get_y(), pdf.l_margin, pdf.get_y()
        for written, caption, width in cells:
            rule = top + above
            pdf.set_y(rule - 0.6 - lines_height(written))
            write_lines(pdf, written, x + 1, width - 2)
            pdf.line(x, rule, x + width, rule)
            pdf.set_y(rule)
            write_lines(pdf, caption, x, width, align="C", before=0.5)
            bottom = max(bottom, pdf.get_y())
            x += width + _LINE_SPACING
        pdf.set_y(bottom)


def _write_overlong_name(pdf: _ChecklistPdf, block: SignatureBlock, name: str) -> None:
    widths = _line_widths(block)
    column = next(i for i, line in enumerate(block.lines) if line.key == FULL_NAME)
    x = pdf.l_margin + sum(widths[:column]) + _LINE_SPACING * column
    write_lines(pdf, wrap(name, _VALUE, widths[column] - 2), x + 1, widths[column] - 2, before=1.5)
    ensure_room(pdf, _signatory_height(block, ""))


def _seal_width(pdf: _ChecklistPdf) -> float:
    return pdf.w - pdf.r_margin - (pdf.l_margin + _SIGNATURE_WIDTH + 8)


def _seal_lines(form: ChecklistForm, seal: Seal, width: float) -> list[Line]:
    assert form.identity is not None  # a form has a seal only if it has an identity
    return [
        *wrap(f"{form.labels.verification_code}:", _CAPTION, width),
        *wrap(seal.code, _CODE, width),
        *wrap(f"{form.labels.document}: {form.identity.reference}", _CAPTION, width),
        *wrap(f"SHA-256: {seal.fingerprint}", _FOOTER, width),
    ]


def _seal_height(form: ChecklistForm, seal: Seal, width: float) -> float:
    return _QR_SIZE + 1 + lines_height(_seal_lines(form, seal, width))


def _write_seal(pdf: _ChecklistPdf, form: ChecklistForm, seal: Seal) -> None:
    """The QR code, and under it the code, the document reference and the fingerprint."""
    x, width = pdf.l_margin + _SIGNATURE_WIDTH + 8, _seal_width(pdf)
    draw_qr_code(pdf, qr_code_modules(seal), x + (width - _QR_SIZE) / 2, pdf.get_y(), _QR_SIZE)
    write_lines(pdf, _seal_lines(form, seal, width), x, width, align="C", before=_QR_SIZE + 1)
