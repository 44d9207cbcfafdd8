"""The cut fonts of a document, embedded as PDF objects prepared once per process.

A checklist form whose text keeps to the letters of the cut fonts (`pdf_text._BASE_CHARS`: Latin, the
Russian and Kazakh alphabets, digits and the signs forms use) embeds each cut font whole, with one fixed
glyph map: every letter of the font has the same code in every document. So what fpdf2 builds for every
document from the glyphs it used (the subset font file, the glyph widths, the ToUnicode map that lets a
reader extract the text, the CIDToGIDMap) is the same for every document, and is built and compressed here
once per process (`_prepared`); the writer (`PreparedFontsOutput`) puts those bytes in place. The text of a
page is encoded with one `str.translate` (`_PreparedFont.encode_text`) instead of a glyph look-up per letter.

A document embeds letters it does not show (a checklist form is a few KiB larger than with a font cut to
the letters it shows); what a reader sees and extracts is what fpdf2 writes by itself
(tests/documents/test_pdf_prepared_fonts.py). A letter outside the cut font is dropped as fpdf2 drops it
(and logs it), which `pdf_text.add_fonts` avoids by giving such a document the whole fonts instead.

fpdf2 has no public hook for its font objects: `PreparedFontsOutput` overrides
`fpdf.output.OutputProducer._add_fonts` (fpdf2 2.8, pinned in requirements.lock) for these fonts only,
handing every other font to fpdf2.
"""

from __future__ import annotations

import copy
import logging
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFFont,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream

from tekseru.documents.pdf_fonts import deferred_cut, font_template

__all__ = ["PreparedFontsOutput", "add_prepared_font", "prepared_letters"]

_FPDF_LOG = logging.getLogger("fpdf.output")
_ESCAPED = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)", ord("\r"): "\\r"}  # as fpdf2 escapes


@dataclass(frozen=True)
class _Prepared:
    """One font file's fixed glyph map and the PDF objects every document embeds for it."""

    glyphs: dict[Glyph | None, int]  # each glyph's code, the same in every document
    next_code: int  # the first code not given, and the codes kept back (fpdf2's SubsetMap)
    reserved: tuple[int, ...]
    codes: _Codes  # a letter's code point: its code as the two escaped bytes of a PDF string
    widths: str  # the /W array
    to_unicode: bytes  # compressed, as each stream below
    cid_to_gid: bytes
    font_file: bytes
    font_file_length: int


def prepared_letters(path: Path | str) -> frozenset[str]:
    """The letters font file `path` prints with a prepared glyph map."""
    return frozenset(chr(code) for code in _prepared(str(path)).codes)


class _Outside(Exception):
    """A letter the prepared glyph map does not have."""


class _Codes(dict[int, str]):
    """A table for `str.translate` that stops at a letter it does not have (rather than keep it as it is)."""

    def __missing__(self, code: int) -> str:
        raise _Outside


@cache
def _prepared(path: str) -> _Prepared:
    font = _document_font(path, None)
    subset = font.subset
    for code in sorted(font.cmap):  # in code point order, every letter the font has
        subset.pick(code)
    glyphs = dict(subset.items())
    codes = _Codes((code, _escaped(subset.pick(code))) for code in font.cmap if subset.pick(code) is not None)
    subset.pick.cache_clear()  # fpdf2's cache of picks is one for all documents (by SubsetMap)
    subset.get_glyph.cache_clear()
    cid_to_gid = bytearray(256 * 256 * 2)
    embedded = TTFont(path, lazy=True)  # the glyph numbers of the file embedded, by name, as fpdf2 reads them
    for glyph, cid in glyphs.items():
        if glyph is not None:
            cid_to_gid[2 * cid : 2 * cid + 2] = embedded.getGlyphID(glyph.glyph_name).to_bytes(2, "big")
    embedded.close()
    font_file = Path(path).read_bytes()
    return _Prepared(
        glyphs=glyphs,
        next_code=subset._next,
        reserved=tuple(subset._reserved),
        codes=codes,
        widths=_tt_font_widths(font),
        to_unicode=_compressed(_to_unicode(glyphs)),
        cid_to_gid=_compressed(bytes(cid_to_gid)),
        font_file=_compressed(font_file),
        font_file_length=len(font_file),
    )


def _escaped(code: int | None) -> str:
    assert code is not None
    return "".join(_ESCAPED.get(byte, chr(byte)) for byte in code.to_bytes(2, "big"))


def _compressed(data: bytes) -> bytes:
    return zlib.compress(data, 9)  # once per process: the smallest stream is worth it


def _to_unicode(glyphs: dict[Glyph | None, int]) -> bytes:
    """The ToUnicode CMap, as fpdf2 writes it (`OutputProducer._add_fonts`)."""
    entries = [
        f"<{code:04X}> <{''.join(_utf16(point) for point in glyph.unicode)}>\n"
        for glyph, code in glyphs.items()
        if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
    ]
    return (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo\n"
        "<</Registry (Adobe)\n"
        "/Ordering (UCS)\n"
        "/Supplement 0\n"
        ">> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n"
        f"{_build_cmap_blocks(entries, 'bfchar')}"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end"
    ).encode("latin-1")


def _utf16(point: int) -> str:
    if point > 0xFFFF:  # a surrogate pair
        return f"{0xD800 | (point - 0x10000) >> 10:04X}{0xDC00 | (point & 0x3FF):04X}"
    return f"{point:04X}"


class _PreparedFont(TTFFont):
    """A document's copy of a font with the prepared glyph map (`_Prepared`)."""

    __slots__ = ("prepared",)
    prepared: _Prepared

    def encode_text(self, text: str) -> str:
        try:
            return f"({text.translate(self.prepared.codes)}) Tj"
        except _Outside:  # fpdf2 drops (and logs) the letters the font lacks
            return super().encode_text(text)

    def untouched(self) -> bool:
        """Whether the document's glyph map is still the prepared one (it cannot grow: the font has no
        letter outside it; if it ever did, fpdf2 would write the font its own way)."""
        return len(self.subset) == len(self.prepared.glyphs)


def _document_font(path: str, prepared: _Prepared | None) -> _PreparedFont:
    """A copy of the font parsed once per process (`pdf_fonts.font_template`), with its own glyph map:
    the prepared one, or (`prepared` None) an empty one."""
    template = font_template(path)
    font = _PreparedFont.__new__(_PreparedFont)
    for name in TTFFont.__slots__:
        if hasattr(template, name):
            setattr(font, name, getattr(template, name))
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.ttfont = deferred_cut(path)
    font.subset = SubsetMap(font)
    if prepared is not None:
        font.prepared = prepared
        font.subset._char_id_per_glyph = dict(prepared.glyphs)
        font.subset._next = prepared.next_code
        font.subset._reserved = list(prepared.reserved)
    return font


def add_prepared_font(pdf: FPDF, family: str, style: str, path: Path | str) -> None:
    """Font file `path` as `family` in `style` ("" or "B") of `pdf`, with the prepared glyph map: written
    from prepared bytes by `PreparedFontsOutput` (and correctly, if more slowly, by fpdf2's own writer)."""
    font = _document_font(str(path), _prepared(str(path)))
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.emphasis = TextEmphasis.coerce(style)
    pdf.fonts[font.fontkey] = font


class _PreparedStream(PDFContentStream):
    """A stream compressed beforehand."""

    def __init__(self, compressed: bytes, length1: int | None = None) -> None:
        super().__init__(contents=compressed, compress=False)
        self.filter = Name("FlateDecode")
        if length1 is not None:
            self.length1 = length1


class PreparedFontsOutput(OutputProducer):
    """fpdf2's writer (`FPDF.output(output_producer_class=PreparedFontsOutput)`), the fonts added by
    `add_prepared_font` written from their prepared objects."""

    def _add_fonts(self, *resources: Any) -> dict[int, Any]:
        fonts = self.fpdf.fonts  # fpdf2's registry, lent to fpdf2's writer without the prepared fonts
        everything = dict(fonts)
        prepared = [
            font for font in everything.values() if isinstance(font, _PreparedFont) and font.untouched()
        ]
        for font in prepared:
            del fonts[font.fontkey]
        try:
            objects = super()._add_fonts(*resources)
        finally:
            fonts.clear()
            fonts.update(everything)
        for font in sorted(prepared, key=lambda font: font.i):
            objects[font.i] = self._add_prepared_font(font)
        return objects

    def _add_prepared_font(self, font: _PreparedFont) -> PDFFont:
        """The objects fpdf2 writes for a TrueType font, in its order, the streams from `_Prepared`."""
        prepared = font.prepared
        name = f"MPDFAA+{font.name}"
        if font.missing_glyphs:  # as fpdf2 says it
            letters = ", ".join(f"'{chr(code)}' (U+{code:04X})" for code in font.missing_glyphs[:10])
            _FPDF_LOG.warning("Font %s is missing the following glyphs: %s", name, letters)
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2", base_font=name, d_w=font.desc.missing_width, w=prepared.widths
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        to_unicode = _PreparedStream(prepared.to_unicode)
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = font.desc
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        cid_to_gid = _PreparedStream(prepared.cid_to_gid)
        self._add_pdf_obj(cid_to_gid, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid
        font_file = _PreparedStream(prepared.font_file, length1=prepared.font_file_length)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]
        return composite
