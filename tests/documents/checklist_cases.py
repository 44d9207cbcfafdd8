"""What the checklist form tests share: the appendices and languages printed, a filled-in header, answers
of every kind, and every form of the edition, blank and filled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from tekseru.catalog import CatalogueEdition
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
from tekseru.documents.rendering import render

APPENDICES = (2, 3, 4, 5, 6, 7)
LANGUAGES = ("kk", "ru")
APPENDIX_LANGUAGES = [(a, lang) for a in APPENDICES for lang in LANGUAGES]
CASES = [(a, lang, filled) for a in APPENDICES for lang in LANGUAGES for filled in (False, True)]
"""(appendix, language, filled): every form printed."""
KAZAKH_LETTERS = "әғқңөұүһі"
HEADER = FormHeader(
    ordering_body="Еңбек және әлеуметтік қорғау комитетінің Алматы қаласы бойынша департаменті",
    act_kind=ActKind.INSPECTION,
    act_number="47-ПК",
    act_date=date(2024, 3, 15),
    subject_name="«Шаһар әлеуметтік көмек ғұмыр үйі» КММ",
    subject_identifier="990740000683",
    subject_address="Ақсу қ., Ұлы Дала даңғылы, 12",
    officials=("Ә. Нұрғалиева, бас маман", "Ғ. Құрманұлы"),
)
HEADER_VALUES = (HEADER.subject_name, HEADER.subject_identifier, HEADER.subject_address, HEADER.ordering_body)
"""The values of HEADER that a filled form shows as they are (the act is shown as "№ 47-ПК, 15.03.2024")."""
COMMENT = "Жоспар 5 күн кешіктіріліп бекітілген"


def answer(number: int) -> ItemAnswer:
    """Every kind of answer in turn: compliant, non-compliant with a comment, not required, required only."""
    return [
        ItemAnswer(Requirement.REQUIRED, Compliance.COMPLIANT),
        ItemAnswer(Requirement.REQUIRED, Compliance.NON_COMPLIANT, COMMENT),
        ItemAnswer(Requirement.NOT_REQUIRED),
        ItemAnswer(Requirement.REQUIRED),
    ][(number - 1) % 4]


def filled_form(edition: CatalogueEdition, appendix: int, language: str) -> ChecklistForm:
    """The form with HEADER, every item answered (`answer`) and an identity, so it carries a seal."""
    answers = {item.number: answer(item.number) for item in edition.checklist(appendix).items}
    identity = DocumentIdentity(f"inspection 2024-{appendix:04d}", date(2024, 3, 20))
    return build_checklist_form(
        edition, appendix, language, header=HEADER, answers=answers, identity=identity
    )


def every_form(edition: CatalogueEdition) -> Iterator[tuple[tuple[int, str, bool], ChecklistForm]]:
    """Each of CASES with its form: blank, or filled by `filled_form`."""
    for appendix, language, filled in CASES:
        if filled:
            yield (appendix, language, filled), filled_form(edition, appendix, language)
        else:
            yield (appendix, language, filled), build_checklist_form(edition, appendix, language)


def write_form(form: ChecklistForm, path: Path) -> Path:
    """The form rendered (`documents.rendering.render`) in the format of `path`'s suffix, written there."""
    path.write_bytes(render("checklist", path.suffix.lstrip("."), form))
    return path
