"""The word tables of score explanations, lists, checklist forms and import errors come from the catalogues
(explain.po, documents.po, intake.po): each message the code reads is there, filled in, in kk and ru."""

from __future__ import annotations

import string
from dataclasses import fields

import pytest

from tekseru.documents.checklist_form import ANNEX_WORDS, ActKind, FormLabels
from tekseru.i18n import LANGUAGES, MissingMessage, explain_words, format_half_year, list_words, messages
from tekseru.i18n.words import half_year_words, word_table
from tekseru.intake.messages import KEYS as INTAKE_KEYS
from tekseru.intake.messages import PREFIX as INTAKE_PREFIX
from tekseru.planning import HalfYear
from tekseru.planning.table import half_year_title
from tekseru.planning.table_words import HALF_YEAR_WORDS, LIST_WORDS
from tekseru.scoring.phrases import EXPLAIN_WORDS

FORM_WORDS = (
    *(f"document.form.{label.name}" for label in fields(FormLabels)),
    *(f"document.form.act_kind.{kind.value}" for kind in ActKind),
    "document.form.reference",
    "document.form.inspection_number",  # the header field of an inspection's number (checklist_form)
    *ANNEX_WORDS,
)
INTAKE_WORDS = tuple(INTAKE_PREFIX + key for key in sorted(INTAKE_KEYS))
EVERY_WORD = EXPLAIN_WORDS + LIST_WORDS + FORM_WORDS + INTAKE_WORDS + ("explain.unknown_group",)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_the_code_reads_is_translated(language: str) -> None:
    catalogue = messages(language)
    missing = [key for key in EVERY_WORD if not catalogue.get(key, "").strip()]
    assert not missing, f"{language}: no text for {missing}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_same_placeholders_as_english(language: str) -> None:
    english = messages("en")
    differ = [
        key for key in EVERY_WORD if placeholders(messages(language)[key]) != placeholders(english[key])
    ]
    assert not differ


@pytest.mark.parametrize("prefix", ["explain.", "document.", "intake."])
def test_the_catalogues_hold_no_word_the_code_does_not_read(prefix: str) -> None:
    known = set(EVERY_WORD)
    for language in LANGUAGES:
        unread = sorted(key for key in messages(language) if key.startswith(prefix) and key not in known)
        assert not unread, f"{language}: {unread}"


def test_a_missing_word_is_an_error_naming_it() -> None:
    with pytest.raises(MissingMessage, match=r"explain\.nope"):
        word_table("kk", ("explain.headline", "explain.nope"))
    with pytest.raises(ValueError, match="unknown language"):
        explain_words("de")


def test_the_tables_are_the_languages_own() -> None:
    assert explain_words("kk")["explain.high"] == "жоғары"
    assert explain_words("ru")["explain.high"] == "высокая"
    assert list_words("kk")["document.list.approve"] == "БЕКІТЕМІН"
    assert list_words("ru")["document.month.5"] == "май"
    assert FormLabels.in_language("kk").page == "Бет"
    with pytest.raises(TypeError):
        list_words("ru")["document.list.approve"] = "x"  # type: ignore[index]


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_pages_and_printed_lists_say_the_half_year_alike(language: str) -> None:
    for half_year in (HalfYear(2027, 1), HalfYear(2027, 2)):
        printed = half_year_title(half_year, list_words(language))
        assert format_half_year(str(half_year), language) == printed
        assert printed == half_year_title(half_year, half_year_words(language))
    assert set(HALF_YEAR_WORDS) <= set(LIST_WORDS)
