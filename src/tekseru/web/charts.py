"""Charts drawn on the server as inline SVG: no script, no external file, nothing for the CSP to refuse.

One kind of chart serves every figure: horizontal bars, each made of one or more segments (a stacked bar),
with the value written after each bar. A chart is `role="img"` with a `<title>` and a `<desc>`; the page
shows the same figures in a table beside it, which is the text alternative. Colours come from classes in
app.css (`bar-high`, `bar-medium`, `bar-low`, `bar-none`, `bar-plain`), each with at least 3:1 contrast
on white, and a legend names them in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tekseru.i18n import format_decimal

WIDTH = 460  # the chart's own width in px: legible at 390 px wide screens (scaled down by 0.8 at most)
# A bar's label is written on its own line above the bar, across the chart's whole width: beside the bar,
# a long region name (Шығыс Қазақстан облысы) ran out of the chart's left edge and was cut off on phones.
LABEL_WIDTH = 0
LABEL_LINE = 16
VALUE_WIDTH = 62  # room for a score written after a full bar (100,00)
LABEL_CHARACTERS = 48
ROW_HEIGHT = LABEL_LINE + 26
BAR_HEIGHT = 18
LEGEND_HEIGHT = 28
FONT_SIZE = 13


@dataclass(frozen=True)
class Segment:
    value: float
    css: str  # a class of app.css: bar-high, bar-medium, bar-low, bar-none, bar-plain
    name: str  # what the segment counts, for the legend and the tooltip


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    shown: str | None = None  # the value written after the bar, in the reader's format (a score: 82,50)
    longest: float | None = None  # the value the chart scales to, when fixed (a score's 100)

    @property
    def total(self) -> float:
        return sum(segment.value for segment in self.segments)


def _text(x: float, y: float, text: str, anchor: str = "start", css: str = "chart-text") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">{escape(text)}</text>'


def _legend(segments: Sequence[Segment]) -> list[str]:
    parts, x = [], 0.0
    for segment in segments:
        parts.append(f'<rect x="{x:.1f}" y="6" width="14" height="14" class="{segment.css}"/>')
        parts.append(_text(x + 20, 18, segment.name))
        x += 30 + 7.5 * len(segment.name)
    return parts


def _number(value: float, language: str) -> str:
    """A count as a whole number (10 000), any other value with two decimals (82,50), in `language`."""
    return format_decimal(value, language, 0 if float(value).is_integer() else 2)


def _bar(index: int, bar: Bar, scale: float, top: float, language: str) -> list[str]:
    y = top + index * ROW_HEIGHT
    label = bar.label if len(bar.label) <= LABEL_CHARACTERS else bar.label[: LABEL_CHARACTERS - 1] + "…"
    parts = [_text(2, y + LABEL_LINE - 4, label)]  # 2 px in: some letters (Т) reach left of their x
    y += LABEL_LINE
    x = float(LABEL_WIDTH)
    for segment in bar.segments:
        if segment.value <= 0:
            continue
        width = max(segment.value * scale, 1.0)
        tip = f"{bar.label}: {segment.name} {_number(segment.value, language)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" class="{segment.css}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        x += width
    parts.append(_text(x + 6, y + BAR_HEIGHT - 4, bar.shown or _number(bar.total, language)))
    return parts


def bar_chart(chart_id: str, bars: Sequence[Bar], *, title: str, description: str, language: str) -> Markup:
    """An SVG of the bars, scaled to the longest; `chart_id` makes the ids of its title and description;
    the values of the tooltips and after the bars are written as `language` writes numbers."""
    legend = _legend(bars[0].segments) if bars and len(bars[0].segments) > 1 else []
    top = LEGEND_HEIGHT if legend else 4
    longest = max((bar.longest or bar.total for bar in bars), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / longest if longest else 0.0
    height = top + len(bars) * ROW_HEIGHT + 4
    body = legend + [part for i, bar in enumerate(bars) for part in _bar(i, bar, scale, top, language)]
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{''.join(body)}</svg>"
    )
