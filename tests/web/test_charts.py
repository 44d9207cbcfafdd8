"""Charts drawn on the server: well-formed SVG, scaled to the longest bar, text escaped, named for AT."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tekseru.web.charts import LABEL_CHARACTERS, LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, Segment, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_stacked_chart() -> None:
    bars = [
        Bar("Astana <city>", (Segment(3, "bar-high", "High"), Segment(1, "bar-low", "Low"))),
        Bar("Shymkent", (Segment(0, "bar-high", "High"), Segment(2, "bar-low", "Low"))),
    ]
    svg = ET.fromstring(
        str(bar_chart("c", bars, title="Subjects & classes", description="By region", language="en"))
    )
    assert svg.attrib["role"] == "img" and svg.attrib["aria-labelledby"] == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Subjects & classes"  # type: ignore[union-attr]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:2] == ["High", "Low"]  # the legend
    assert "Astana <city>" in texts and "4" in texts and "2" in texts
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = [float(r.attrib["width"]) for r in rects]
    assert len(rects) == 3  # an empty segment draws nothing
    assert abs(sum(widths[:2]) - (WIDTH - LABEL_WIDTH - VALUE_WIDTH)) < 0.5  # the longest bar fills the space
    assert abs(widths[2] - widths[0] * 2 / 3) < 0.5


def test_a_chart_with_no_bars_or_only_zeros() -> None:
    assert (
        ET.fromstring(str(bar_chart("e", [], title="t", description="d", language="en"))).attrib["role"]
        == "img"
    )
    zero = bar_chart(
        "z", [Bar("a", (Segment(0, "bar-plain", ""),))], title="t", description="d", language="en"
    )
    assert "<rect" not in str(zero)


def test_long_labels_are_shortened_but_named_in_full_in_the_tooltip() -> None:
    svg = ET.fromstring(
        str(
            bar_chart(
                "l",
                [Bar("x" * 50, (Segment(1, "bar-plain", "n"),))],
                title="t",
                description="d",
                language="en",
            )
        )
    )
    assert next(t.text for t in svg.iter(f"{SVG}text")) == "x" * (LABEL_CHARACTERS - 1) + "…"
    assert svg.find(f"{SVG}rect/{SVG}title").text == "x" * 50 + ": n 1"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("language", "tips"),
    [
        ("ru", ["Астана: высокий 82,50", "Астана: низкий 10\xa0000"]),
        ("kk", ["Астана: высокий 82,50", "Астана: низкий 10\xa0000"]),
        ("en", ["Астана: высокий 82.50", "Астана: низкий 10,000"]),
    ],
)
def test_tooltips_and_values_write_numbers_as_the_reader_s_language_does(
    language: str, tips: list[str]
) -> None:
    """A score of 82.5 is "82,50" in kk and ru, a count of 10000 is "10 000"; never Python's "82.5"."""
    segments = (Segment(82.5, "bar-high", "высокий"), Segment(10_000, "bar-low", "низкий"))
    svg = ET.fromstring(
        str(bar_chart("n", [Bar("Астана", segments)], title="t", description="d", language=language))
    )
    namespace = "{http://www.w3.org/2000/svg}"
    assert [title.text for title in svg.iter(f"{namespace}title")][1:] == tips
    written = [text.text for text in svg.iter(f"{namespace}text")][-1]
    assert written == {"en": "10,082.50"}.get(language, "10\xa0082,50")
