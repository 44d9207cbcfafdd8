"""A usage error of the command line (a missing argument, a bad value, an unknown option or command, an
extra argument) is said in the reader's language, like every other refusal: kk and ru, by `--lang` or by
the language setting, and nothing of Typer's English is left in the panel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tests.cli.reader_language import assert_reader_language

# The words after `tekseru`, and what the kk and the ru answers must say.
USAGE_ERRORS: dict[str, tuple[list[str], str, str]] = {
    "missing argument": (["plan"], "Аргумент берілмеген: 'ЖАРТЫЖЫЛДЫҚ'.", "Не указан аргумент 'ПОЛУГОДИЕ'."),
    "missing option": (
        ["backtest", "--from", "2026-H1"],
        "Опция берілмеген: '--to'.",
        "Не указан параметр '--to'.",
    ),
    "bad choice": (
        ["plan", "2027-H1", "--format", "docx"],
        "'--format' мәні жарамсыз: 'docx' мына мәндердің бірі емес: 'table', 'json', 'xlsx', 'pdf'.",
        "Недопустимое значение '--format': 'docx' – не одно из значений: 'table', 'json', 'xlsx', 'pdf'.",
    ),
    "not a number": (["plans", "show", "abc"], "мәні жарамсыз: бүтін сан болуы керек", "нужно целое число"),
    "unknown option": (
        ["plan", "2027-H1", "--frobnicate"],
        "--frobnicate опциясы жоқ",
        "Нет параметра --frobnicate",
    ),
    "no such command": (["nosuch"], "'nosuch' пәрмені жоқ.", "Нет команды 'nosuch'."),
    "a command's near miss": (
        ["roster"],
        "'roster' пәрмені жоқ. Мүмкін, 'rosters', 'restore' керек пе?",
        "Нет команды 'roster'. Возможно, вы имели в виду 'rosters', 'restore'?",
    ),
    "extra arguments": (
        ["plans", "list", "one", "two"],
        "Артық аргумент(тер) берілді (one two)",
        "Лишние аргументы (one two)",
    ),
}
ENGLISH = (
    "Missing",
    "Invalid value",
    "No such",
    "Usage:",
    "Error",
    "Try ",
    "Got unexpected",
    "is not one of",
    "Did you mean",
)


def _run(words: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    environment = {
        "TEKSERU_DATABASE_URL": f"sqlite:///{tmp_path / 'tekseru.sqlite3'}",
        "COLUMNS": "250",
        **env,
    }
    result = CliRunner().invoke(app, words, env=environment)
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_a_usage_error_is_said_in_kk_and_in_ru(case: str, tmp_path: Path) -> None:
    words, kk_phrase, ru_phrase = USAGE_ERRORS[case]
    kk_code, kk = _run([*words, "--lang", "kk"], tmp_path, {})
    ru_code, ru = _run(words, tmp_path, {"TEKSERU_LANGUAGE": "ru"})  # the setting, no --lang
    assert (kk_code, ru_code) == (2, 2), (kk, ru)
    assert kk_phrase in kk and ru_phrase in ru, (kk, ru)
    assert "Қолданылуы: tekseru" in kk and "Использование: tekseru" in ru
    assert "Қате" in kk and "Ошибка" in ru
    for said in (kk, ru):
        assert not [english for english in ENGLISH if english in said], said
    # The panel's message, without what the user typed or may type (quoted values, options, arguments).
    panel = " ".join(line.strip("│ ") for line in kk.splitlines() if line.startswith("│"))
    assert_reader_language(re.sub(r"'[^']*'|--\w+|\([^)]*\)", " ", panel))


def test_in_english_the_usage_error_stays_typers(tmp_path: Path) -> None:
    code, said = _run(["plan", "--lang", "en"], tmp_path, {})
    assert code == 2 and "Missing argument 'HALF_YEAR'." in said and "Usage: tekseru plan" in said
    code, said = _run(["plans", "list", "--lang", "xx"], tmp_path, {"TEKSERU_LANGUAGE": "ru"})
    assert code == 2 and "Недопустимое значение '--lang': 'xx' – не одно из значений" in said
