"""The shipped 2022 edition is complete and agrees with the source document."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tekseru.catalog import CatalogueEdition, Severity
from tekseru.catalog.faithfulness import SEVERITY_WORDS, SourceDocument, squash, unfaithful_texts
from tekseru.catalog.integrity import kazakh_texts
from tekseru.catalog_files import load_catalogue

from .source_text import SOURCE


@pytest.fixture(scope="module")
def source() -> SourceDocument:
    return SourceDocument(SOURCE.read_text(encoding="utf-8"))


def test_ninety_criteria_numbered_without_gap(edition_2022: CatalogueEdition) -> None:
    assert sorted(edition_2022.criteria) == list(range(1, 91))


def test_source_groups_follow_the_headings_of_appendix_1(edition_2022: CatalogueEdition) -> None:
    groups = {n: c.source_group for n, c in edition_2022.criteria.items()}
    assert {n for n, g in groups.items() if g == 1} == set(range(1, 72))
    assert {n for n, g in groups.items() if g == 2} == set(range(72, 78))
    assert {n for n, g in groups.items() if g == 3} == set(range(78, 85))
    assert {n for n, g in groups.items() if g == 4} == set(range(85, 91))


def test_severities_are_the_words_of_the_source_in_order(
    edition_2022: CatalogueEdition, source: SourceDocument
) -> None:
    # Appendix 1 ends where Appendix 2 begins; every severity word in it belongs to one row, in row order.
    appendix_1 = source.text[source.text.index("1-қосымша\n\nАрнаулы") : source.text.index("2-қосымша")]
    words = {word: severity for severity, word in SEVERITY_WORDS.items()}
    found = [words[token] for token in appendix_1.split() if token in words]
    assert found == [edition_2022.criteria[n].severity for n in range(1, 91)]


def test_severity_counts(edition_2022: CatalogueEdition) -> None:
    counts = Counter(c.severity for c in edition_2022.criteria.values())
    assert counts == {Severity.GROSS: 31, Severity.SIGNIFICANT: 47, Severity.MINOR: 12}


def test_every_kazakh_text_is_its_row_of_the_source(
    edition_2022: CatalogueEdition, source: SourceDocument
) -> None:
    assert list(unfaithful_texts(edition_2022, source)) == []


def test_every_text_has_three_languages(edition_2022: CatalogueEdition) -> None:
    for where, text in kazakh_texts(edition_2022):
        assert squash(text), where
    for criterion in edition_2022.criteria.values():
        assert criterion.text.ru != criterion.text.kk and criterion.text.en != criterion.text.kk


def test_six_checklists_for_appendices_2_to_7(edition_2022: CatalogueEdition) -> None:
    assert sorted(edition_2022.checklists) == [2, 3, 4, 5, 6, 7]
    assert {a: len(c.items) for a, c in edition_2022.checklists.items()} == {
        2: 3,
        3: 20,
        4: 20,
        5: 18,
        6: 8,
        7: 16,
    }


def test_items_without_a_criterion_are_kept_honestly(edition_2022: CatalogueEdition) -> None:
    unlinked = [
        (a, i.number) for a, c in edition_2022.checklists.items() for i in c.items if i.criterion is None
    ]
    assert unlinked == [(7, 12), (7, 13), (7, 14), (7, 15), (7, 16)]


def test_every_inspection_criterion_is_on_a_checklist(edition_2022: CatalogueEdition) -> None:
    linked = {i.criterion for c in edition_2022.checklists.values() for i in c.items}
    assert set(range(1, 72)) <= linked


def test_groups_model_paragraphs_4_and_5(edition_2022: CatalogueEdition) -> None:
    high = {g.key for g in edition_2022.groups.values() if g.objective_high_risk}
    assert "access_other_objects" not in high
    assert "access_high_risk_objects" in high
    same_form = edition_2022.groups_for_checklist(6)
    assert {g.key for g in same_form} == {"access_high_risk_objects", "access_other_objects"}
    assert len({g.applicable_criteria for g in same_form}) == 1


def test_each_group_applies_the_criteria_its_checklist_links_to(edition_2022: CatalogueEdition) -> None:
    for group in edition_2022.groups.values():
        linked = {i.criterion for i in edition_2022.checklist(group.checklist_appendix).items if i.criterion}
        assert linked <= set(group.applicable_criteria), group.key


def test_provisions_quote_the_amended_paragraphs(edition_2022: CatalogueEdition) -> None:
    keys = {p.key for p in edition_2022.edition.provisions}
    assert {
        "criteria-p2-sp2-significant",
        "criteria-p2-sp3-gross",
        "criteria-p4-sp2",
        "criteria-p5",
        "criteria-p8-sp5",
    } <= keys


def test_acts_carry_their_registration_numbers(edition_2022: CatalogueEdition) -> None:
    numbers = {act.registration_number for act in edition_2022.edition.acts}
    assert {"29983", "12701", "17371"} <= numbers


def test_every_methodology_number_names_an_act_of_the_edition(edition_2022: CatalogueEdition) -> None:
    acts = {act.key for act in edition_2022.edition.acts}
    for parameter in edition_2022.methodology.parameters:
        assert parameter.source_act in acts, parameter.key
    assert edition_2022.value("significant_weight") == 0.7
    assert edition_2022.value("complaint_threshold") == 2


def test_the_2022_edition_is_in_force_from_its_effective_date() -> None:
    catalogue = load_catalogue()
    edition = catalogue.edition("2022-29983")
    assert catalogue.edition_at(edition.effective_from).id == "2022-29983"
    assert catalogue.edition_at(date(2030, 1, 1)).id == catalogue.latest().id
