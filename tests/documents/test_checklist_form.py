"""The checklist form as a value: every text resolved from the catalogue, blank or filled in."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from tekseru.catalog import CatalogueEdition, UnknownCatalogueEntry
from tekseru.documents.checklist_form import (
    ActKind,
    ChecklistForm,
    Compliance,
    DocumentIdentity,
    FormHeader,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tests.documents import checklist_cases
from tests.documents.checklist_cases import APPENDICES, LANGUAGES

# The mark of an unsealed form, in both languages of the country (the catalogue's `document.form.draft_mark`).
DRAFT_MARK = "ЖОБА / ПРОЕКТ"

HEADER = dataclasses.replace(checklist_cases.HEADER, act_kind=ActKind.PREVENTIVE_CONTROL)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("appendix", APPENDICES)
def test_a_blank_form_prints_the_catalogue_checklist(
    edition: CatalogueEdition, appendix: int, language: str
) -> None:
    checklist = edition.checklist(appendix)
    form = build_checklist_form(edition, appendix, language)

    assert form.is_blank and form.identity is None
    assert form.title == checklist.title.in_language(language)
    assert [(row.number, row.text) for row in form.rows] == [
        (item.number, item.text.in_language(language)) for item in checklist.items
    ]
    assert [f.key for f in form.fields] == list(checklist.header_fields)
    assert all(f.label and not f.value for f in form.fields)
    assert [c.key for c in form.answer_columns] == ["required", "not_required", "compliant", "non_compliant"]
    assert [b.key for b in form.signature_blocks] == ["officials", "subject_head"]
    assert str(appendix) in form.appendix_reference and "1021" in form.appendix_reference


def test_only_a_form_not_in_kazakh_carries_the_unofficial_translation_notice(
    edition: CatalogueEdition,
) -> None:
    notice = edition.edition.unofficial_translation_notice
    assert build_checklist_form(edition, 2, "kk").notice is None
    assert build_checklist_form(edition, 2, "ru").notice == notice.ru
    assert build_checklist_form(edition, 2, "en").notice == notice.en


def test_the_header_values_fill_the_fields(edition: CatalogueEdition) -> None:
    values = {f.key: f.value for f in build_checklist_form(edition, 3, "kk", header=HEADER).fields}
    assert values == {
        "ordering_body": HEADER.ordering_body,
        "appointing_act": "бару арқылы профилактикалық бақылау, № 47-ПК, 15.03.2024",
        "subject_name": HEADER.subject_name,
        "subject_identifier": "990740000683",
        "subject_address": HEADER.subject_address,
    }
    russian = {f.key: f.value for f in build_checklist_form(edition, 3, "ru", header=HEADER).fields}
    assert russian["appointing_act"] == "профилактический контроль с посещением, № 47-ПК, 15.03.2024"


def test_a_partly_filled_header_leaves_the_rest_blank(edition: CatalogueEdition) -> None:
    form = build_checklist_form(edition, 2, "ru", header=FormHeader(act_number="5"))
    values = {f.key: f.value for f in form.fields}
    assert values["appointing_act"] == "№ 5" and values["subject_name"] == ""
    assert not form.is_blank


def test_answers_mark_their_columns_and_carry_comments(edition: CatalogueEdition) -> None:
    answers = {
        1: ItemAnswer(Requirement.REQUIRED, Compliance.NON_COMPLIANT, "Мерзім 3 күнге өтіп кеткен"),
        3: ItemAnswer(Requirement.NOT_REQUIRED),
    }
    rows = build_checklist_form(edition, 2, "kk", answers=answers).rows
    assert rows[0].marked_columns == {"required", "non_compliant"}
    assert rows[0].comment == "Мерзім 3 күнге өтіп кеткен"
    assert rows[1].marked_columns == frozenset() and rows[1].answer is None
    assert rows[2].marked_columns == {"not_required"} and rows[2].comment == ""


def test_an_item_not_required_cannot_be_compliant() -> None:
    with pytest.raises(ValueError, match="not required"):
        ItemAnswer(Requirement.NOT_REQUIRED, Compliance.COMPLIANT)


def test_an_answer_to_an_item_the_checklist_lacks_is_refused(edition: CatalogueEdition) -> None:
    with pytest.raises(UnknownCatalogueEntry, match=r"no items \[4\]"):
        build_checklist_form(edition, 2, "kk", answers={4: ItemAnswer(Requirement.REQUIRED)})


def test_unknown_appendix_and_language_are_refused(edition: CatalogueEdition) -> None:
    with pytest.raises(UnknownCatalogueEntry):
        build_checklist_form(edition, 8, "kk")
    with pytest.raises(ValueError, match="unknown language"):
        build_checklist_form(edition, 2, "de")


def test_an_identity_needs_a_reference() -> None:
    with pytest.raises(ValueError, match="reference"):
        DocumentIdentity("  ")


def test_the_form_is_frozen(edition: CatalogueEdition) -> None:
    form = build_checklist_form(edition, 2, "kk")
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.title = "x"  # type: ignore[misc]


def test_the_canonical_json_is_stable_and_complete(edition: CatalogueEdition) -> None:
    identity = DocumentIdentity("inspection 42", date(2024, 3, 20))
    answers = {1: ItemAnswer(Requirement.REQUIRED, Compliance.COMPLIANT)}

    def build() -> ChecklistForm:
        return build_checklist_form(edition, 2, "ru", header=HEADER, answers=answers, identity=identity)

    text = build().canonical_json()
    assert text == build().canonical_json()
    data = json.loads(text)
    assert data["kind"] == "tekseru.checklist-form" and data["version"] == 1
    assert data["form"]["identity"] == {"reference": "inspection 42", "issued_on": "2024-03-20"}
    assert data["form"]["rows"][0]["answer"] == {
        "requirement": "required",
        "compliance": "compliant",
        "comment": "",
    }
    assert HEADER.subject_name in text  # not escaped: the JSON holds the letters as printed


def test_the_document_date_is_the_issue_date_else_the_edition_date(edition: CatalogueEdition) -> None:
    assert build_checklist_form(edition, 2, "kk").document_date == edition.effective_from
    issued = build_checklist_form(edition, 2, "kk", identity=DocumentIdentity("x", date(2024, 5, 1)))
    assert issued.document_date == date(2024, 5, 1)


def test_appendices_2_and_3_share_a_title_but_not_their_kind_of_subject(edition: CatalogueEdition) -> None:
    two, three = (build_checklist_form(edition, appendix, "kk") for appendix in (2, 3))
    assert two.title == three.title  # as the act has it
    assert two.subject_kind != three.subject_kind
    assert three.subject_kind.startswith("Бақылау субъектілерінің түрі: Стационар және жартылай стационар")
    note = edition.checklist(3).title_note or ""
    assert "Appendix 2" in note and "Editorial note" in note
    assert build_checklist_form(edition, 3, "ru").subject_kind.startswith("Вид субъектов контроля: Субъекты")


def test_the_officials_of_the_act_fill_their_signature_block(edition: CatalogueEdition) -> None:
    header = FormHeader(officials=(" Ә. Нұрғалиева ", "", "Ғ. Құрманұлы"))
    officials, head = build_checklist_form(edition, 4, "kk", header=header).signature_blocks
    assert officials.signatories == ("Ә. Нұрғалиева", "Ғ. Құрманұлы")
    assert head.signatories == ("",)  # the head of the subject signs on a blank set of lines
    assert build_checklist_form(edition, 4, "kk").signature_blocks[0].signatories == ("",)


def test_only_a_sealed_form_has_no_draft_mark(edition: CatalogueEdition) -> None:
    assert build_checklist_form(edition, 2, "ru").draft_mark == DRAFT_MARK
    assert build_checklist_form(edition, 2, "kk").draft_mark == DRAFT_MARK
    assert build_checklist_form(edition, 2, "en").draft_mark == f"DRAFT / {DRAFT_MARK}"
    identity = DocumentIdentity("inspection 7", date(2024, 3, 1))
    assert build_checklist_form(edition, 2, "ru", identity=identity).draft_mark is None
