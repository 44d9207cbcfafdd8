"""The texts of every intake error in Kazakh, Russian and English: the `intake.*` messages of the
`intake.po` catalogues (src/tekseru/i18n/locales/<language>/LC_MESSAGES/intake.po).

Each message has a key (`KEYS`; its message id is `intake.<key>`) and a template per language; an error
keeps its key and parameters, so that it is shown in the reader's language wherever it is shown (command
line, job page, API). Column names and values from the file are quoted as they are.
tests/intake/test_messages.py checks that every key has all three languages with the same parameters.
"""

from __future__ import annotations

from datetime import date

from tekseru.i18n import translate

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "en"
PREFIX = "intake."

KEYS: frozenset[str] = frozenset(
    (
        "row",
        "not_imported",
        "nothing_stored",
        "more_errors",
        "no_file",
        "bad_extension",
        "no_extension",
        "not_utf8",
        "cp1251",
        "truncated_utf8",
        "utf16_no_mark",
        "field_too_long",
        "cannot_read",
        "not_xlsx",
        "not_a_table",
        "utf32",
        "empty_file",
        "too_many_rows",
        "too_many_columns",
        "unclosed_quote",
        "control_character",
        "formula",
        "missing_column",
        "missing_column_no_names",
        "too_many_values",
        "missing_value",
        "value_too_long",
        "bin_empty",
        "bin_not_digits",
        "bin_length",
        "bin_no_check_digit",
        "bin_check_digit",
        "unknown_region",
        "unknown_group",
        "invalid_criterion_number",
        "invalid_source_group_number",
        "unknown_criterion",
        "source_group_mismatch",
        "invalid_date",
        "future_date",
        "date_out_of_range",
        "invalid_boolean",
        "duplicate_bin",
        "duplicate_region",
        "invalid_visits",
        "duplicate_evidence",
        "unknown_subject",
        "answer_unknown_item",
        "answer_twice",
        "answer_unknown",
        "comment_too_long",
        "no_answers",
        "json_unreadable",
        "json_too_deep",
        "json_not_list",
        "json_bad_entry",
        "json_not_text",
        "not_in_encoding",
        "several_sheets",
        "no_such_sheet",
        "server_setting",
        "setting_named",
    )
) | frozenset(  # the information systems' formats (intake/rosters.py; texts in rosters.po)
    (
        "iin_not_digits",
        "iin_length",
        "iin_no_check_digit",
        "iin_check_digit",
        "unknown_value",
        "invalid_quantity",
        "end_before_start",
        "duplicate_record",
    )
)


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


# Parameters that are amounts (a limit, a length, a count): written with the language's digit groups
# (131 072 in kk and ru), as the pages write numbers. Row numbers, years and criterion numbers are not.
AMOUNTS = frozenset({"limit", "length", "count"})


def render(key: str, language: str | None = None, /, **params: object) -> str:
    """The message `key` in `language` (English when it is not one of kk, ru, en), filled in: a date as
    the pages write it (07.12.2026), an amount with digit groups."""
    language = language_or_default(language)
    return translate(language, PREFIX + key).format(
        **{name: _local(name, value, language) for name, value in params.items()}
    )


def _local(name: str, value: object, language: str) -> object:
    if isinstance(value, date):
        from tekseru.i18n.formats import format_date  # Babel's dates: loaded when an error is shown

        return format_date(value, language)
    if name in AMOUNTS and isinstance(value, int) and not isinstance(value, bool):
        from tekseru.i18n.formats import format_decimal

        return format_decimal(value, language, 0)
    return value


def language_from_locale(value: str | None) -> str:
    """kk, ru or en from a locale name such as `ru_RU.UTF-8` (LANG); English for any other."""
    code = (value or "").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
