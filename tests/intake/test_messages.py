"""The intake messages (intake.po): every one in kk, ru and en with the same parameters, and errors shown
in each."""

from __future__ import annotations

import string

import pytest

from tekseru.i18n import messages
from tekseru.intake import ErrorKind, RowError, language_from_locale, render
from tekseru.intake.messages import KEYS, LANGUAGES, PREFIX


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_message_has_every_language_with_the_same_parameters(key: str) -> None:
    texts = {language: messages(language).get(PREFIX + key, "") for language in LANGUAGES}
    assert all(text.strip() for text in texts.values()), texts
    assert _fields(texts["kk"]) == _fields(texts["ru"]) == _fields(texts["en"])
    assert texts["kk"] != texts["en"] and texts["ru"] != texts["en"] and texts["kk"] != texts["ru"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_has_no_intake_message_the_code_does_not_know(language: str) -> None:
    found = {key.removeprefix(PREFIX) for key in messages(language) if key.startswith(PREFIX)}
    assert found == KEYS


def test_a_message_with_literal_braces_is_filled_in() -> None:
    assert (
        render("json_not_list", "kk")
        == 'JSON жауаптар файлы — {"item", "answer", "comment"} объектілерінің тізімі'
    )
    assert render("no_file", "ru", path="a.csv") == "файла 'a.csv' нет"


def test_an_error_reads_in_the_readers_language() -> None:
    error = RowError.of("e.csv", 3, "bin", ErrorKind.UNKNOWN_SUBJECT, "unknown_subject", bin="990140000384")
    assert str(error) == (
        "e.csv, row 3, bin: no subject with BIN 990140000384 in the registry; "
        "import it with the subjects first"
    )
    assert error.describe("ru") == (
        "e.csv, строка 3, bin: в реестре нет субъекта с БИН 990140000384; "
        "сначала импортируйте его в файле субъектов"
    )
    assert error.describe("kk") == (
        "e.csv, 3-жол, bin: тізілімде 990140000384 БСН бар субъект жоқ; "
        "алдымен оны субъектілер файлымен импорттаңыз"
    )
    assert error.texts()["en"] == error.message


def test_an_error_made_with_a_message_only_stays_as_it_is() -> None:
    error = RowError("c.csv", 2, "x", ErrorKind.MISSING_VALUE, "some text")
    assert error.describe("kk") == "c.csv, 2-жол, x: some text"


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ru_RU.UTF-8", "ru"), ("kk_KZ.UTF-8", "kk"), ("en_US.UTF-8", "en"), ("C.UTF-8", "en"), (None, "en")],
)
def test_the_language_of_a_terminal(locale: str | None, language: str) -> None:
    assert language_from_locale(locale) == language


def test_an_unknown_language_falls_back_to_english() -> None:
    assert render("missing_value", "de") == "a value is required"


def test_dates_and_amounts_are_written_as_the_pages_write_them() -> None:
    from datetime import date

    from tekseru.i18n.formats import format_decimal

    error = RowError.of(
        "e.csv",
        2,
        "observed_on",
        ErrorKind.FUTURE_DATE,
        "future_date",
        text="2030-01-01",
        today=date(2026, 12, 7),
    )
    assert error.text("ru") == "2030-01-01 — дата в будущем (сегодня 07.12.2026)"
    assert error.message == "2030-01-01 is in the future (today is 07.12.2026)"
    grouped = format_decimal(131072, "ru", 0)
    assert grouped != "131072" and grouped.replace("\u00a0", " ").replace("\u202f", " ") == "131 072"
    assert render("value_too_long", "ru", length=131073, limit=131072).endswith(f"не более {grouped}")
    # A row number is a place, not an amount: as the spreadsheet numbers it.
    assert render("row", "ru", row=131073) == "строка 131073"


def test_a_yes_no_error_names_the_words_accepted() -> None:
    from tekseru.intake import SourceRow
    from tekseru.intake.fields import RowCheck

    check = RowCheck("e.csv", SourceRow(2, ("maybe",), {"confirmed": "maybe"}))
    assert check.optional_boolean("confirmed") is None
    [error] = check.errors
    assert error.text("ru") == (
        "'maybe' — не значение «да/нет»: "
        "пишите иә/жоқ, да/нет, true/false, yes/no, 1/0 (или оставьте ячейку пустой)"
    )
    assert "true да, false да емес" not in error.text("kk") and "иә/жоқ" in error.text("kk")
