"""Each integrity rule catches the mistake it is there for, and the loader refuses such an edition."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tekseru.catalog import CatalogueEdition
from tekseru.catalog.faithfulness import SourceDocument
from tekseru.catalog.integrity import check_edition, official_texts
from tekseru.catalog.parse import CatalogueDataError
from tekseru.catalog.schema import Text
from tekseru.catalog_files import load_edition

from .source_text import SOURCE

TEST_EDITION = Path(__file__).parent / "editions" / "2030-test"


def problems_of(edition: CatalogueEdition, source: SourceDocument | None = None) -> list[str]:
    ordered = [edition.criteria[n] for n in sorted(edition.criteria)]
    return check_edition(edition, ordered, source)


def with_criterion_text(edition: CatalogueEdition, number: int, kk: str) -> CatalogueEdition:
    criterion = edition.criteria[number]
    changed = criterion.model_copy(update={"text": Text(kk=kk, ru=criterion.text.ru, en=criterion.text.en)})
    return replace(edition, criteria={**edition.criteria, number: changed})


def test_the_shipped_edition_is_sound(edition_2022: CatalogueEdition) -> None:
    assert problems_of(edition_2022, SourceDocument(SOURCE.read_text(encoding="utf-8"))) == []


def test_gap_in_numbering(edition_2022: CatalogueEdition) -> None:
    ordered = [c for n, c in sorted(edition_2022.criteria.items()) if n != 40]
    assert any("no gap (missing [40]" in p for p in check_edition(edition_2022, ordered))


def test_unknown_source_group(edition_2022: CatalogueEdition) -> None:
    criterion = edition_2022.criteria[72].model_copy(update={"source_group": 9})
    broken = replace(edition_2022, criteria={**edition_2022.criteria, 72: criterion})
    assert any("criterion 72: source group 9" in p for p in problems_of(broken))


def test_item_link_that_does_not_resolve(edition_2022: CatalogueEdition) -> None:
    checklist = edition_2022.checklist(2)
    items = (checklist.items[0].model_copy(update={"criterion": 999}), *checklist.items[1:])
    broken = replace(
        edition_2022, checklists={**edition_2022.checklists, 2: checklist.model_copy(update={"items": items})}
    )
    found = problems_of(broken)
    assert "Appendix 2 item 1: criterion 999 does not exist" in found
    assert "criterion 1 (source group 1) is on no checklist" in found


def test_group_with_unknown_criterion_or_checklist(edition_2022: CatalogueEdition) -> None:
    group = edition_2022.group("home_care").model_copy(
        update={"applicable_criteria": (3, 500), "checklist_appendix": 9}
    )
    broken = replace(edition_2022, groups={**edition_2022.groups, "home_care": group})
    found = problems_of(broken)
    assert "group home_care: applicable criteria [500] do not exist" in found
    assert "group home_care: checklist Appendix 9 does not exist" in found


def test_parameter_citing_an_unknown_act(edition_2022: CatalogueEdition) -> None:
    parameters = tuple(
        p.model_copy(update={"source_act": "nowhere"}) if p.key == "minor_weight" else p
        for p in edition_2022.methodology.parameters
    )
    broken = replace(
        edition_2022, methodology=edition_2022.methodology.model_copy(update={"parameters": parameters})
    )
    assert any(p.startswith("parameter minor_weight: source act 'nowhere'") for p in problems_of(broken))


def test_extraction_artefacts_are_refused(edition_2022: CatalogueEdition) -> None:
    text = edition_2022.criteria[15].text.kk.replace("бойынша", "б о й ы н ш а")
    found = problems_of(with_criterion_text(edition_2022, 15, text))
    assert any(p.startswith("criterion 15: extraction artefact, letter spacing") for p in found)


def test_a_changed_word_is_unfaithful(edition_2022: CatalogueEdition) -> None:
    source = SourceDocument(SOURCE.read_text(encoding="utf-8"))
    text = edition_2022.criteria[4].text.kk.replace("толық", "жартылай")
    found = problems_of(with_criterion_text(edition_2022, 4, text), source)
    assert "criterion 4: row 4 is not, word for word and number for number, a row of the source" in found


def test_identical_kazakh_has_identical_translations(edition_2022: CatalogueEdition) -> None:
    translations: dict[str, set[tuple[str, str]]] = {}
    for _, text in official_texts(edition_2022):
        translations.setdefault(text.kk, set()).add((text.ru, text.en))
    assert {kk: found for kk, found in translations.items() if len(found) > 1} == {}
    shared = [
        item
        for cl in edition_2022.checklists.values()
        for item in cl.items
        if item.criterion and edition_2022.criteria[item.criterion].text.kk == item.text.kk
    ]
    assert len(shared) >= 54, "the checklists repeat at least 54 rows of Appendix 1 word for word"


def test_a_second_translation_of_one_kazakh_text_is_refused(edition_2022: CatalogueEdition) -> None:
    checklist = edition_2022.checklist(7)
    item = checklist.items[3]
    assert item.text.kk == edition_2022.criteria[64].text.kk
    plural = item.text.model_copy(
        update={"ru": item.text.ru.replace("креслом-коляской", "креслами-колясками")}
    )
    assert plural.ru != item.text.ru
    items = (*checklist.items[:3], item.model_copy(update={"text": plural}), *checklist.items[4:])
    broken = replace(
        edition_2022, checklists={**edition_2022.checklists, 7: checklist.model_copy(update={"items": items})}
    )
    assert problems_of(broken) == [
        "Appendix 7 item 4: the Kazakh text is that of criterion 64, but its ru translation differs from it"
    ]


def test_loader_names_the_file_that_breaks_the_schema(tmp_path: Path) -> None:
    folder = tmp_path / "edition"
    shutil.copytree(TEST_EDITION, folder)
    criteria = folder / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace("severity: gross", "severity: awful"), "utf-8"
    )
    with pytest.raises(CatalogueDataError, match=r"criteria\.yaml: does not match the catalogue schema"):
        load_edition(folder)  # type: ignore[arg-type]


def test_loader_refuses_an_edition_that_breaks_integrity(tmp_path: Path) -> None:
    folder = tmp_path / "edition"
    shutil.copytree(TEST_EDITION, folder)
    groups = folder / "groups.yaml"
    groups.write_text(groups.read_text(encoding="utf-8").replace("[1, 2, 3]", "[1, 2, 3, 4]"), "utf-8")
    with pytest.raises(CatalogueDataError, match=r"applicable criteria \[4\] do not exist"):
        load_edition(folder)  # type: ignore[arg-type]
