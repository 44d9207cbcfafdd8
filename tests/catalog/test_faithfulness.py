"""The faithfulness check compares each Kazakh text with its row of the act, strictly.

Only whitespace is normalised, plus the two extraction artefacts the source really has (a row's number or
the severity word moved inside the text); every other change to a row, however small, is refused.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tekseru.catalog import CatalogueEdition
from tekseru.catalog.faithfulness import SEVERITY_WORDS, Row, SourceDocument, unfaithful_texts
from tekseru.catalog.schema import Text

from .source_text import SOURCE


@pytest.fixture(scope="module")
def source() -> SourceDocument:
    return SourceDocument(SOURCE.read_text(encoding="utf-8"))


def with_criterion(edition: CatalogueEdition, number: int, kk: str) -> CatalogueEdition:
    criterion = edition.criteria[number]
    changed = criterion.model_copy(update={"text": Text(kk=kk, ru=criterion.text.ru, en=criterion.text.en)})
    return replace(edition, criteria={**edition.criteria, number: changed})


def with_items(edition: CatalogueEdition, appendix: int, texts: dict[int, str]) -> CatalogueEdition:
    checklist = edition.checklist(appendix)
    items = tuple(
        item.model_copy(update={"text": item.text.model_copy(update={"kk": texts[item.number]})})
        if item.number in texts
        else item
        for item in checklist.items
    )
    changed = checklist.model_copy(update={"items": items})
    return replace(edition, checklists={**edition.checklists, appendix: changed})


def item_text(edition: CatalogueEdition, appendix: int, number: int) -> str:
    return next(item.text.kk for item in edition.checklist(appendix).items if item.number == number)


def test_the_shipped_edition_is_faithful(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    assert list(unfaithful_texts(edition_2022, source)) == []


def test_a_changed_number_fails(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    text = item_text(edition_2022, 7, 12)
    assert "2) " in text
    changed = with_items(edition_2022, 7, {12: text.replace("2) ", "3) ", 1)})
    assert list(unfaithful_texts(changed, source)) == [
        "Appendix 7 item 12: row 12 is not, word for word and number for number, a row of the source"
    ]


def test_a_dropped_word_fails(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    text = edition_2022.criteria[4].text.kk
    assert " толық " in text
    assert list(unfaithful_texts(with_criterion(edition_2022, 4, text.replace(" толық ", " ")), source)) == [
        "criterion 4: row 4 is not, word for word and number for number, a row of the source"
    ]


@pytest.mark.parametrize(("number", "cut"), [(23, "end"), (4, "start"), (90, "end")])
def test_a_shortened_criterion_fails(
    edition_2022: CatalogueEdition, source: SourceDocument, number: int, cut: str
) -> None:
    words = edition_2022.criteria[number].text.kk.split()
    shortened = " ".join(words[:-1] if cut == "end" else words[1:])
    assert list(unfaithful_texts(with_criterion(edition_2022, number, shortened), source)) == [
        f"criterion {number}: row {number} is not, word for word and number for number, a row of the source"
    ]


def test_a_shortened_checklist_row_fails(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    # No severity word closes a checklist row: the next row's number, or the end of the table, does.
    middle = item_text(edition_2022, 3, 5).rsplit(" ", 2)[0]
    last = item_text(edition_2022, 3, 20).rsplit(" ", 1)[0]
    assert list(unfaithful_texts(with_items(edition_2022, 3, {5: middle, 20: last}), source)) == [
        "Appendix 3 item 5: row 5 is shorter than in the source, or row 6 does not follow it there",
        "Appendix 3 item 20: row 20 is shorter than in the source (its table goes on after it)",
    ]


def test_rows_out_of_order_fail(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    checklist = edition_2022.checklist(6)
    first, second, *rest = checklist.items
    swapped = (
        second.model_copy(update={"number": first.number}),
        first.model_copy(update={"number": second.number}),
        *rest,
    )
    edition = replace(
        edition_2022,
        checklists={**edition_2022.checklists, 6: checklist.model_copy(update={"items": swapped})},
    )
    assert len(list(unfaithful_texts(edition, source))) >= 2


def test_a_criterion_in_another_row_fails(edition_2022: CatalogueEdition, source: SourceDocument) -> None:
    # Word for word the text of row 62, but filed as row 63: the row number does not match.
    edition = with_criterion(edition_2022, 63, edition_2022.criteria[62].text.kk)
    assert "criterion 63: row 63 is not, word for word and number for number, a row of the source" in list(
        unfaithful_texts(edition, source)
    )


def test_the_real_extraction_artefacts_are_accepted(
    edition_2022: CatalogueEdition, source: SourceDocument
) -> None:
    # Row 23's number stands inside its text; criterion 13's severity word stands inside its text at a page
    # break. Both rows match, and only with their own number and severity.
    assert "\n23 гигиеналық" in source.text
    for number in (23, 13):
        criterion = edition_2022.criteria[number]
        severity = SEVERITY_WORDS[criterion.severity]
        assert source.match_rows([Row(number, criterion.text.kk, severity)]).mismatches == ()
        assert source.match_rows([Row(number + 1, criterion.text.kk, severity)]).mismatches != ()
        other = next(word for word in SEVERITY_WORDS.values() if word != severity)
        assert source.match_rows([Row(number, criterion.text.kk, other)]).mismatches != ()


def test_a_number_moved_into_the_text_must_be_a_token() -> None:
    moved = SourceDocument("1\nбірінші жол\nелеулі\n\nекінші\n2 жол\nелеулі\n\n3\nүшінші\nелеулі\n")
    rows = [Row(1, "бірінші жол", "елеулі"), Row(2, "екінші жол", "елеулі"), Row(3, "үшінші", "елеулі")]
    assert moved.match_rows(rows).mismatches == ()
    glued = SourceDocument("1\nбірінші жол\nелеулі\n\nекінші2 жол\nелеулі\n\n3\nүшінші\nелеулі\n")
    assert [str(m) for m in glued.match_rows(rows).mismatches] == [
        "row 1 is shorter than in the source, or row 2 does not follow it there",
        "row 2 is not, word for word and number for number, a row of the source",
    ]


def test_the_severity_word_may_stand_inside_the_text_once() -> None:
    page_break = SourceDocument("7\nбірінші бөлігі\nөрескел\nекінші бөлігі\n\n8\nкелесі\nелеулі\n")
    rows = [Row(7, "бірінші бөлігі екінші бөлігі", "өрескел"), Row(8, "келесі", "елеулі")]
    assert page_break.match_rows(rows).mismatches == ()
    twice = SourceDocument("7\nбірінші\nөрескел\nбөлігі\nөрескел\nекінші\n\n8\nкелесі\nелеулі\n")
    assert len(twice.match_rows([Row(7, "бірінші бөлігі екінші", "өрескел")]).mismatches) == 1
