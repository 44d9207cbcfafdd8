"""A checklist form as an editable Word document: the same content in the same order as the PDF.

The requirements are a real Word table whose heading row repeats on every page; header values sit on
ruled lines that stay editable; the footer carries the verification code, the page number and, on a form
not in Kazakh, the unofficial-translation notice. The code and fingerprint are also in the core properties
(keywords and identifier), where `verification.read_verification` finds them.

Every paragraph takes its look from a named paragraph style ("tekseru …"), so that a person editing the
form in Word can restyle it at once, and because formatting each paragraph directly made python-docx take
a fifth of a second a form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tekseru.documents.checklist_form import (
    FULL_NAME,
    MARK,
    Annex,
    ChecklistForm,
    FormField,
    FormRow,
    SignatureBlock,
)
from tekseru.documents.verification import Seal, qr_code_png, seal_of

__all__ = ["FONT", "MARK", "checklist_docx_bytes"]

# DejaVu Sans has every letter of the Kazakh alphabet (Times New Roman lacks some on many systems, and
# LibreOffice then takes ә, ғ, қ, ң, ү, ұ from another font inside a word). tekseru bundles it for its PDFs
# (tekseru/documents/fonts); on Debian and Ubuntu it is the package fonts-dejavu-core.
FONT = "DejaVu Sans"
_COLUMN_WIDTHS = (Mm(8), Mm(73), Mm(23.5), Mm(23.5), Mm(23.5), Mm(23.5))
_ANNEX_WIDTHS = (Mm(20), Mm(65), Mm(90))  # item, file, SHA-256: 175 mm as the table of items
_BLANK_LINES = {"subject_name": 2, "subject_address": 2}
_NAME_WIDTH = Mm(64)  # the full-name line of a signatory; the other lines share 46 mm beside it
_CENTRE, _RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


@dataclass(frozen=True)
class _Look:
    size: float
    bold: bool = False
    grey: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    before: float = 0
    after: float = 0
    left: Length | None = None
    right: Length | None = None
    rule: bool = False  # a line under the paragraph, to write on
    keep: bool = False  # on the same page as the next paragraph (a signature line and its caption)


_STYLES: Mapping[str, _Look] = {
    "tekseru Reference": _Look(9, align=_CENTRE, left=Mm(95)),
    "tekseru Title": _Look(11, bold=True, align=_CENTRE, before=10, after=4),
    "tekseru Kind": _Look(9, align=_CENTRE, after=8),
    "tekseru Draft": _Look(9, bold=True, grey=True, align=_CENTRE),
    "tekseru Label": _Look(10, before=5),
    "tekseru Value": _Look(10, before=4, rule=True),
    "tekseru Blank": _Look(10, before=8, rule=True),
    "tekseru Heading": _Look(7, bold=True, align=_CENTRE),
    "tekseru Cell": _Look(8.5),
    "tekseru Mark": _Look(8.5, align=_CENTRE),
    "tekseru Comment": _Look(8, grey=True, before=2),
    "tekseru Signatory": _Look(10, bold=True, before=10, keep=True),
    "tekseru Signature": _Look(10, before=12, rule=True, keep=True),
    "tekseru Caption": _Look(8, align=_CENTRE),
    "tekseru Code": _Look(10, bold=True),
    "tekseru Seal": _Look(9),
    "tekseru Fingerprint": _Look(7, grey=True),
    "tekseru Footer": _Look(7, grey=True, align=_CENTRE),
}


def _add(container: DocxDocument | _Cell, text: str, style: str) -> Paragraph:
    """A paragraph in one of the `_STYLES`, set by id: python-docx's lookup by name scans every style."""
    paragraph = container.add_paragraph()
    _style(paragraph, style)
    if text:
        paragraph.add_run(text)
    return paragraph


def _style(paragraph: Paragraph, style: str) -> None:
    paragraph._p.style = style.replace(" ", "")


def checklist_docx_bytes(form: ChecklistForm) -> bytes:
    """The form as DOCX bytes."""
    seal = seal_of(form)
    document = Document(BytesIO(_template()))
    _core_properties(document, form, seal)
    _footer(document, form, seal)
    if form.draft_mark:
        _draft_mark(document, form.draft_mark)
    _add(document, form.appendix_reference, "tekseru Reference")
    _add(document, form.title, "tekseru Title")
    _add(document, form.subject_kind, "tekseru Kind")
    for form_field in form.fields:
        _field(document, form_field)
    _table(document, form)
    for block in form.signature_blocks:
        _signature_block(document, block)
    if seal is not None:
        _seal(document, form, seal)
    if form.annex is not None:
        _annex(document, form.annex)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def _template() -> bytes:
    """An empty document with the page set up and the `_STYLES`, made once per process."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    _set_default_font(document)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10)
    fonts = normal.element.rPr.rFonts
    for script in ("w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0  # the template's default is 1.15
    for name, look in _STYLES.items():
        _add_style(document, name, look)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_default_font(document: DocxDocument) -> None:
    """`FONT` for every script in the document defaults, in place of the template's theme fonts (which
    would name a font without the Kazakh letters to any style that does not set its own)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None, "python-docx's template has document defaults"
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None, "python-docx's template names its default fonts"
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _add_style(document: DocxDocument, name: str, look: _Look) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert style.style_id == name.replace(" ", ""), "`_style` sets styles by this id"
    style.base_style = document.styles["Normal"]
    style.font.size, style.font.bold = Pt(look.size), look.bold
    if look.grey:
        style.font.color.rgb = RGBColor(0x5A, 0x5A, 0x5A)
    paragraph = style.paragraph_format
    paragraph.alignment = look.align
    paragraph.space_before, paragraph.space_after = Pt(look.before), Pt(look.after)
    paragraph.left_indent, paragraph.right_indent = look.left, look.right
    paragraph.keep_with_next = look.keep or None
    if look.rule:
        _rule_below(style.element.get_or_add_pPr())


def _rule_below(properties: BaseOxmlElement) -> None:
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _core_properties(document: DocxDocument, form: ChecklistForm, seal: Seal | None) -> None:
    properties = document.core_properties
    properties.title, properties.subject = form.title, form.appendix_reference
    properties.author = properties.last_modified_by = "tekseru"
    properties.category = f"tekseru checklist {form.edition_id} appendix {form.appendix}"
    properties.keywords = seal.payload if seal else ""
    properties.identifier = seal.code if seal else ""
    properties.language = form.language
    properties.comments = form.notice or ""
    properties.created = properties.modified = datetime.combine(form.document_date, time(0), tzinfo=UTC)
    properties.revision = 1


def _footer(document: DocxDocument, form: ChecklistForm, seal: Seal | None) -> None:
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    _style(paragraph, "tekseru Footer")
    if form.notice:
        paragraph.add_run(form.notice)
        paragraph = footer.add_paragraph()
        _style(paragraph, "tekseru Footer")
    prefix = f"{form.labels.verification_code}: {seal.code}   ·   " if seal else ""
    paragraph.add_run(f"{prefix}tekseru {form.edition_id}   ·   {form.labels.page} ")
    _field_code(paragraph, "PAGE")
    paragraph.add_run("/")
    _field_code(paragraph, "NUMPAGES")


def _draft_mark(document: DocxDocument, mark: str) -> None:
    """The mark in the page header, so that it is on every page."""
    paragraph = document.sections[0].header.paragraphs[0]
    _style(paragraph, "tekseru Draft")
    paragraph.add_run(mark)


def _field_code(paragraph: Paragraph, instruction: str) -> None:
    field, run, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), instruction)
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _field(document: DocxDocument, form_field: FormField) -> None:
    _add(document, form_field.label, "tekseru Label")
    if form_field.value:
        _add(document, form_field.value, "tekseru Value")
    else:
        for _ in range(_BLANK_LINES.get(form_field.key, 1)):
            _add(document, "", "tekseru Blank")


def _table(document: DocxDocument, form: ChecklistForm) -> None:
    _add(document, "", "tekseru Label")
    table = document.add_table(rows=1 + len(form.rows), cols=len(_COLUMN_WIDTHS))
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    headings = [form.number_heading, form.requirements_heading, *(c.label for c in form.answer_columns)]
    rows = table.rows
    for cell, text in zip(rows[0].cells, headings, strict=True):
        _cell_text(cell, text, "tekseru Heading")
        _narrow_margins(cell)
    _repeat_as_heading(table)
    for row, table_row in zip(form.rows, rows[1:], strict=True):
        _item_row(table_row.cells, form, row)
    for column, width in zip(table.columns, _COLUMN_WIDTHS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _cell_text(cell: _Cell, text: str, style: str, *, middle: bool = True) -> None:
    paragraph = cell.paragraphs[0]
    _style(paragraph, style)
    if text:
        paragraph.add_run(text)
    if middle:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


# The side margins of a heading cell: 1 mm (Word's and LibreOffice's default is 1.9 mm), so that the
# longest word of an answer column's heading ("Соответствует", 20.5 mm in 7 pt DejaVu Sans Bold) fits the
# 23.5 mm column whole instead of breaking in the middle.
_HEADING_MARGIN_TWIPS = "57"


def _narrow_margins(cell: _Cell) -> None:
    margins = OxmlElement("w:tcMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), _HEADING_MARGIN_TWIPS)
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    cell._tc.get_or_add_tcPr().append(margins)


def _repeat_as_heading(table: Table) -> None:
    heading = OxmlElement("w:tblHeader")
    heading.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(heading)


def _item_row(cells: list[_Cell], form: ChecklistForm, row: FormRow) -> None:
    _cell_text(cells[0], str(row.number), "tekseru Mark")
    _cell_text(cells[1], row.text, "tekseru Cell", middle=False)
    if row.comment:
        _add(cells[1], f"{form.labels.comment}: {row.comment}", "tekseru Comment")
    for cell, column in zip(cells[2:], form.answer_columns, strict=True):
        _cell_text(cell, MARK if column.key in row.marked_columns else "", "tekseru Mark")


def _annex(document: DocxDocument, annex: Annex) -> None:
    """The files attached, on a page of their own: a table of item, file (name and size) and SHA-256."""
    document.add_page_break()  # type: ignore[no-untyped-call]
    _add(document, annex.title, "tekseru Title")
    table = document.add_table(rows=1 + len(annex.entries), cols=3)
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    headings = (annex.item_heading, annex.file_heading, annex.hash_heading)
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _cell_text(cell, text, "tekseru Heading")
    _repeat_as_heading(table)
    for entry, row in zip(annex.entries, table.rows[1:], strict=True):
        texts = (entry.item or "—", f"{entry.file_name} ({annex.size_text(entry.size)})", entry.sha256)
        for cell, text in zip(row.cells, texts, strict=True):
            _cell_text(cell, text, "tekseru Cell", middle=False)
    for column, width in zip(table.columns, _ANNEX_WIDTHS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _signature_block(document: DocxDocument, block: SignatureBlock) -> None:
    """The block's label, then a row of lines for each signatory, side by side as on the official form
    (and in the PDF), in a table without borders whose rows do not break across pages."""
    _add(document, block.label, "tekseru Signatory")
    table = document.add_table(rows=len(block.signatories), cols=len(block.lines))
    table.alignment, table.autofit = WD_TABLE_ALIGNMENT.LEFT, False
    for row, name in zip(table.rows, block.signatories, strict=True):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, line in zip(row.cells, block.lines, strict=True):
            _cell_text(cell, name if line.key == FULL_NAME else "", "tekseru Signature", middle=False)
            _add(cell, line.label, "tekseru Caption")
    for column, line in zip(table.columns, block.lines, strict=True):
        width = _NAME_WIDTH if line.key == FULL_NAME else Mm(46 / max(len(block.lines) - 1, 1))
        column.width = width
        for cell in column.cells:
            cell.width = width


def _seal(document: DocxDocument, form: ChecklistForm, seal: Seal) -> None:
    """The verification code and its QR code, in a table without borders after the signatures."""
    assert form.identity is not None  # a form has a seal only if it has an identity
    _add(document, "", "tekseru Signatory")
    table = document.add_table(rows=1, cols=2)
    text, picture = table.rows[0].cells
    _cell_text(text, f"{form.labels.verification_code}: {seal.code}", "tekseru Code")
    _add(text, f"{form.labels.document}: {form.identity.reference}", "tekseru Seal")
    _add(text, f"SHA-256: {seal.fingerprint}", "tekseru Fingerprint")
    picture.paragraphs[0].alignment = _RIGHT
    picture.paragraphs[0].add_run().add_picture(BytesIO(qr_code_png(seal)), width=Mm(25))
    text.width, picture.width = Mm(140), Mm(35)
