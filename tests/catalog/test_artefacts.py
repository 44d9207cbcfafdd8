"""The extraction-artefact detector, tried on real broken lines of the source document."""

from __future__ import annotations

import pytest

from tekseru.catalog import CatalogueEdition
from tekseru.catalog.artefacts import find_artefacts, vocabulary_of
from tekseru.catalog.integrity import kazakh_texts

from .source_text import SOURCE

VOCABULARY = vocabulary_of([SOURCE.read_text(encoding="utf-8")])


def naive_join(lines: str) -> str:
    """What a careless cleaner would produce: line breaks turned into spaces, nothing else."""
    return " ".join(lines.split())


@pytest.mark.parametrize(
    ("broken", "kind"),
    [
        ("б о й ы н ш а  \nәлеуметтік-медициналық", "letter spacing"),
        ("кейін жеке \nж ұ м ы с  \nжоспарын", "letter spacing"),
        ("Е-собес  \nавтоматтандыры\nлған ақпараттық", "word split by a space"),
        ("әлеуметтік-тұрмыстық және \n\n23 гигиеналық сипаттағы", "number inside the text"),
        ("дәлелді тоқтатыла тұруын және (\nнемесе) тоқтатылуын", "space around punctuation"),
        ("сондай-ақ оңалту\n, емдік, білім беру", "space around punctuation"),
        ("субъектілердің (ұйымдардың\n) арнайы спорт", "space around punctuation"),
        ("Әлеуметтік-тұрмыстық, әлеуметтік- медициналық \nқызметтердің", "word split after a hyphen"),
    ],
)
def test_detects_real_broken_lines(broken: str, kind: str) -> None:
    assert broken.replace(" ", "").replace("\n", "") in SOURCE.read_text(encoding="utf-8").replace(
        " ", ""
    ).replace("\n", ""), "the example must come from the source"
    assert kind in {artefact.kind for artefact in find_artefacts(naive_join(broken), VOCABULARY)}


@pytest.mark.parametrize(
    "clean",
    [
        "Е-собес автоматтандырылған ақпараттық жүйесінің және әлеуметтік қызметтер порталының деректеріне",
        "дәлелді тоқтатыла тұруын және (немесе) тоқтатылуын растайтын құжаттардың болуы",
        "1) тармақша бойынша; 2) тармақша",
    ],
)
def test_clean_text_has_no_artefacts(clean: str) -> None:
    assert find_artefacts(clean, VOCABULARY) == []


def test_split_word_needs_the_vocabulary() -> None:
    assert find_artefacts("автоматтандыры лған", frozenset()) == []
    assert find_artefacts("автоматтандыры лған", frozenset({"автоматтандырылған"}))


def test_no_kazakh_text_of_the_edition_has_artefacts(edition_2022: CatalogueEdition) -> None:
    vocabulary = VOCABULARY | vocabulary_of(text for _, text in kazakh_texts(edition_2022))
    problems = {where: find_artefacts(text, vocabulary) for where, text in kazakh_texts(edition_2022)}
    assert {where: found for where, found in problems.items() if found} == {}
