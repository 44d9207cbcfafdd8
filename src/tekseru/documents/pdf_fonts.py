"""The bundled fonts in a PDF, parsed once per process and subset once per set of letters.

fpdf2 parses a font file for every document that adds it (`FPDF.add_font`), and when it writes the
document it cuts the font to the glyphs used (fontTools' subsetter) and saves the cut font: together more
than half of a checklist form's time. Here each font file is parsed once per process (`font_template`) and
every document gets a light copy of it (`add_shared_font`: its own glyph map, nothing read again). When the
document is written, fpdf2's subsetter is handed, for these fonts, the cut made earlier for the same
glyphs (`_cut`, kept for the process). The glyphs asked for are rounded up to whole groups of letters
(`_GROUPS`: digits, ASCII signs, Latin, Russian and Kazakh capitals and small letters, the rest), so that
the documents of a process share a handful of cuts rather than one per set of letters their texts happen
to use: a document embeds glyphs it does not show (a checklist form is about 45 KiB rather than 32), and
nothing it shows is missing. What a reader sees and extracts is the same glyphs and the same ToUnicode
map as fpdf2 writes by itself (tests/documents/test_pdf_fonts.py).

fpdf2 writes a document's fonts in `fpdf.output.OutputProducer._add_fonts` through the module it imports
as `ftsubset` (fontTools.subset); `_Subsetting` stands in for it: every font not added here is subset by
fontTools as before.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import fpdf.output
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["add_shared_font", "deferred_cut", "font_template"]

# The groups a cut takes whole: a form that uses one small Kazakh letter embeds all nine.
_GROUPS = (
    "".join(chr(code) for code in range(0x20, 0x7F) if chr(code).isdigit()),
    "".join(chr(code) for code in range(0x20, 0x7F) if not chr(code).isalnum()),
    "".join(chr(code) for code in range(0x20, 0x7F) if chr(code).isupper()),
    "".join(chr(code) for code in range(0x20, 0x7F) if chr(code).islower()),
    "".join(chr(code) for code in range(0x410, 0x430)) + "Ё",
    "".join(chr(code) for code in range(0x430, 0x450)) + "ё",
    "ӘҒҚҢӨҰҮҺІ",
    "әғқңөұүһі",
    "ЄєЇїЎў\u00a0§«°·»×–—‘’‚“”„•…‰‹›€₸№✓",
)


@dataclass(frozen=True)
class _Cut:
    """A font cut to some glyphs: the file to embed and the new number of each glyph kept."""

    data: bytes
    glyph_ids: dict[str, int]


class _CutFont:
    """What fpdf2's writer uses of a document's font (`ttfont`) once it is subset: the cut's glyph numbers
    and its file. Until then (`cut` is None) the document's glyph map is all that is used."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cut: _Cut | None = None

    def __contains__(self, table: str) -> bool:
        return False  # asked for "CFF " only: the bundled fonts are TrueType

    def getGlyphID(self, name: str) -> int:
        assert self.cut is not None, "the font is subset before its glyph numbers are read"
        return self.cut.glyph_ids[name]

    def save(self, file: IO[bytes]) -> None:
        assert self.cut is not None, "the font is subset before it is saved"
        file.write(self.cut.data)

    def close(self) -> None:
        self.cut = None


@cache
def font_template(path: str) -> TTFFont:
    """The font file parsed by fpdf2, once per process (the document it was parsed for is thrown away)."""
    parser = FPDF()
    parser.add_font("template", fname=path)
    font = parser.fonts["template"]
    assert isinstance(font, TTFFont)
    return font


@cache
def _groups(path: str) -> dict[str, frozenset[str]]:
    """Each glyph of the font's groups (`_GROUPS`), by name, with its whole group."""
    cmap = font_template(path).cmap
    found: dict[str, frozenset[str]] = {}
    for group in _GROUPS:
        names = frozenset(cmap[ord(char)] for char in group if ord(char) in cmap)
        for name in names:
            found[name] = names
    return found


def _rounded(path: str, glyphs: Iterable[str]) -> frozenset[str]:
    groups, kept = _groups(path), set[str]()
    for name in glyphs:
        kept |= groups.get(name, {name})
    return frozenset(kept)


_CUTS: dict[tuple[str, frozenset[str], tuple[tuple[str, str], ...]], _Cut] = {}
_MOST_CUTS = 64  # a process keeps this many cuts at most (a few hundred KiB)


def _cut(path: str, glyphs: frozenset[str], options: subset.Options) -> _Cut:
    """Font `path` cut to `glyphs` with fontTools' `options`, made once per process."""
    key = (path, glyphs, tuple(sorted((name, repr(value)) for name, value in vars(options).items())))
    found = _CUTS.get(key)
    if found is None:
        font = TTFont(path, recalcTimestamp=False, lazy=True)
        font.recalcBBoxes = False  # the glyph boxes are in the font already
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=sorted(glyphs))
        subsetter.subset(font)
        output = BytesIO()
        font.save(output)
        found = _Cut(output.getvalue(), {name: font.getGlyphID(name) for name in font.getGlyphOrder()})
        font.close()
        if len(_CUTS) >= _MOST_CUTS:
            _CUTS.clear()
        _CUTS[key] = found
    return found


class _Subsetter:
    """fontTools' Subsetter for fpdf2's writer: a font added by `add_shared_font` takes its cut from
    `_cut`; any other font is subset by fontTools."""

    def __init__(self, options: subset.Options | None = None) -> None:
        self.options = options
        self.glyphs: list[str] = []
        self.subsetter = subset.Subsetter(options)

    def populate(self, *, glyphs: Iterable[str] = (), **others: Any) -> None:
        self.glyphs = list(glyphs)
        self.subsetter.populate(glyphs=self.glyphs, **others)

    def subset(self, font: Any) -> None:
        if not isinstance(font, _CutFont):
            self.subsetter.subset(font)
            return
        font.cut = _cut(font.path, _rounded(font.path, self.glyphs), self.options or subset.Options())


class _Subsetting:
    """Stands in for the fontTools.subset module in fpdf2's writer (`fpdf.output.ftsubset`)."""

    Options = subset.Options
    Subsetter = _Subsetter


fpdf.output.ftsubset = _Subsetting  # type: ignore[attr-defined]


def deferred_cut(path: str) -> Any:
    """What a document's copy of font file `path` has for fpdf2's writer to subset (its `ttfont`): the cut
    made once per process for the groups of the glyphs the document used (`_cut`)."""
    return _CutFont(path)


def add_shared_font(pdf: FPDF, family: str, style: str, path: Path | str) -> None:
    """Font file `path` as `family` in `style` ("" or "B") of `pdf`: a copy of the font parsed once per
    process, with a glyph map of the document's own, as `FPDF.add_font` would add it."""
    path = str(path)
    template = font_template(path)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.emphasis = TextEmphasis.coerce(style)
    font.ttfont = deferred_cut(path)
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
