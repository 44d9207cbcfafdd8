"""Free room for a signature's stamp on the last page of a PDF, so that a stamp never covers what the page
shows.

The page's content stream is read (pyHanko's parser) for the boxes of what it draws: text (its line, as
wide as its bytes could make it at most), paths that are stroked or filled, images and forms. The slots of
`tekseru.documents.stamps` are tried from the foot of the page up, three to a row; the stamps of a page's
signatures take its free slots in the order of signing (stamps are annotations, not content, so every
signer finds the same free slots). A page whose content cannot be read has no free slot: the signature is
then made without a stamp, which `tekseru verify` reports all the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content_stream_parser import parse_content_stream
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from tekseru.documents import stamps

__all__ = ["Box", "content_boxes", "free_slots", "stamp_box"]

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT_WIDTH = 0.75  # of the font size for each byte a text shows: wider than any glyph it may draw
_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def stamp_box(reader: PdfFileReader, position: int) -> Box | None:
    """Where the stamp of the signature at `position` (0 for the first) goes on the last page, or None when
    the page has no free room for it."""
    count = int(reader.root["/Pages"]["/Count"])
    page = reader.find_page_for_modification(count - 1)[0].get_object()  # type: ignore[no-untyped-call]
    try:
        media = [float(v) for v in page.get("/MediaBox", reader.root["/Pages"].get("/MediaBox", []))]
        page_box: Box = (media[0], media[1], media[2], media[3])
        occupied = list(content_boxes(page))
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError):
        return None
    slots = free_slots(page_box, occupied)
    return slots[position] if position < len(slots) else None


def free_slots(page: Box, occupied: Sequence[Box]) -> list[Box]:
    """The stamp slots of the page that no box of `occupied` comes near, from the foot up, left to right."""
    left, bottom, right, top = page
    found: list[Box] = []
    y = bottom + stamps.FOOT
    while y + stamps.HEIGHT + stamps.MARGIN <= top:
        for column in range(stamps.PER_ROW):
            x = left + stamps.LEFT + column * (stamps.WIDTH + stamps.GAP)
            slot = (x, y, x + stamps.WIDTH, y + stamps.HEIGHT)
            if slot[2] <= right and not any(_near(slot, box) for box in occupied):
                found.append(slot)
        y += stamps.HEIGHT + stamps.GAP
    return found


def _near(slot: Box, box: Box) -> bool:
    m = stamps.MARGIN
    return box[0] < slot[2] + m and box[2] > slot[0] - m and box[1] < slot[3] + m and box[3] > slot[1] - m


def content_boxes(page: generic.DictionaryObject) -> Iterator[Box]:
    """The boxes (in the page's space) of what the page's content stream draws."""
    contents = page.get("/Contents")
    if contents is None:
        return
    contents = contents.get_object()
    many = isinstance(contents, generic.ArrayObject)
    parts = [part.get_object() for part in contents] if many else [contents]
    resources = page.get("/Resources")
    yield from _Painter(resources.get_object() if resources is not None else {}).run(parts)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m × n: first m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _bounds(points: Sequence[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _byte_length(text: Any) -> int:
    """How many bytes a string of a content stream holds (a glyph takes one or two)."""
    original = getattr(text, "original_bytes", None)
    if isinstance(original, bytes):
        return len(original)
    return len(text) if isinstance(text, bytes | str) else 0


def _numbers(args: Sequence[Any]) -> list[float]:
    return [float(arg) for arg in args]


class _Painter:
    """Follows the graphics state of a content stream far enough to know where things are drawn."""

    def __init__(self, resources: Any) -> None:
        self.resources = resources
        self.ctm: Matrix = _IDENTITY
        self.stack: list[Matrix] = []
        self.path: list[tuple[float, float]] = []
        self.tm: Matrix = _IDENTITY
        self.tlm: Matrix = _IDENTITY
        self.size, self.leading = 0.0, 0.0

    def run(self, parts: list[Any]) -> Iterator[Box]:
        for operator in parse_content_stream(parts):
            yield from self.step(operator.op, operator.args)

    def step(self, op: str, args: list[Any]) -> Iterator[Box]:
        if op == "q":
            self.stack.append(self.ctm)
        elif op == "Q":
            self.ctm = self.stack.pop() if self.stack else _IDENTITY
        elif op == "cm":
            self.ctm = _times(tuple(_numbers(args)), self.ctm)  # type: ignore[arg-type]
        elif op in ("m", "l"):
            self.path.append(_apply(self.ctm, *_numbers(args)))
        elif op in ("c", "v", "y"):
            values = _numbers(args)
            self.path.extend(_apply(self.ctm, values[i], values[i + 1]) for i in range(0, len(values), 2))
        elif op == "re":
            x, y, w, h = _numbers(args)
            corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
            self.path.extend(_apply(self.ctm, px, py) for px, py in corners)
        elif op in _PAINT or op == "n":
            if op != "n" and self.path:
                yield _bounds(self.path)
            self.path = []
        elif op == "Do":
            yield from self._xobject(args[0])
        else:
            yield from self._text(op, args)

    def _text(self, op: str, args: list[Any]) -> Iterator[Box]:
        if op == "BT":
            self.tm = self.tlm = _IDENTITY
        elif op == "Tf":
            self.size = float(args[1])
        elif op == "TL":
            self.leading = float(args[0])
        elif op in ("Td", "TD"):
            tx, ty = _numbers(args)
            if op == "TD":
                self.leading = -ty
            self.tm = self.tlm = _times((1, 0, 0, 1, tx, ty), self.tlm)
        elif op == "Tm":
            self.tm = self.tlm = tuple(_numbers(args))  # type: ignore[assignment]
        elif op == "T*":
            self.tm = self.tlm = _times((1, 0, 0, 1, 0, -self.leading), self.tlm)
        elif op in ("Tj", "TJ", "'", '"'):
            if op in ("'", '"'):
                self.tm = self.tlm = _times((1, 0, 0, 1, 0, -self.leading), self.tlm)
            shown = args[-1]
            strings = [item for item in shown if not isinstance(item, int | float)] if op == "TJ" else [shown]
            width = sum(_byte_length(text) for text in strings) * self.size * _TEXT_WIDTH
            low, high = -0.3 * self.size, self.size  # from under the baseline to the top of a capital
            corners = ((0.0, low), (width, low), (0.0, high), (width, high))
            matrix = _times(self.tm, self.ctm)
            yield _bounds([_apply(matrix, x, y) for x, y in corners])
            self.tm = _times((1, 0, 0, 1, width, 0), self.tm)

    def _xobject(self, name: Any) -> Iterator[Box]:
        xobjects = self.resources.get("/XObject")
        xobject = xobjects.get_object().get(name) if xobjects is not None else None
        xobject = xobject.get_object() if xobject is not None else None
        if xobject is not None and xobject.get("/Subtype") == "/Form" and "/BBox" in xobject:
            x0, y0, x1, y1 = _numbers(xobject["/BBox"])
            inner: Matrix = tuple(_numbers(xobject.get("/Matrix", _IDENTITY)))  # type: ignore[assignment]
            matrix = _times(inner, self.ctm)
        else:  # an image fills the unit square
            (x0, y0, x1, y1), matrix = (0.0, 0.0, 1.0, 1.0), self.ctm
        yield _bounds([_apply(matrix, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))])
