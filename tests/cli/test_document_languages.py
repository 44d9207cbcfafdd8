"""The commands that make documents (a checklist form, a printed inspection, a list as XLSX or PDF, a signed
PDF whose stamp is in the command's language) offer
only the languages the official forms have, Kazakh and Russian: their help lists `<kk|ru>`, another
language asked is refused in the reader's words (kk, ru, or English to a reader who asked for English),
never with a traceback; an English setting gets the sentence that says which languages documents have."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app

# The words after `tekseru` of each document command (its required arguments given).
DOCUMENT_COMMANDS = {
    "checklist render": ["checklist", "render", "2"],
    "inspection print": ["inspection", "print", "1"],
    "plans export": ["plans", "export", "1"],
    "sign": ["sign", "{folder}/form.pdf", "--pkcs12", "{folder}/head.p12"],  # files `_run` makes
}
HELP = {
    "kk": "Құжаттың тілі: `kk` (ресми) немесе `ru`",
    "ru": "Язык документа: `kk` (официальный) или `ru`",
}
REFUSED = {
    "kk": "'--lang' мәні жарамсыз: 'fr' мына мәндердің бірі емес: 'kk', 'ru'.",
    "ru": "Недопустимое значение '--lang': 'fr' – не одно из значений: 'kk', 'ru'.",
}


def _run(words: list[str], tmp_path: Path, language: str) -> tuple[int, str]:
    environment = {
        "TEKSERU_DATABASE_URL": f"sqlite:///{tmp_path / 'tekseru.sqlite3'}",
        "TEKSERU_LANGUAGE": language,
        "COLUMNS": "250",
    }
    (tmp_path / "form.pdf").write_bytes(b"%PDF-1.7\n")  # what `sign` is given: it must exist
    (tmp_path / "head.p12").write_bytes(b"not read: the language is refused first")
    words = [word.format(folder=tmp_path) for word in words]
    result = CliRunner().invoke(app, words, env=environment)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("command", sorted(DOCUMENT_COMMANDS))
def test_the_help_of_a_document_command_lists_kk_and_ru_only(
    command: str, language: str, tmp_path: Path
) -> None:
    code, page = _run([*command.split(), "--help"], tmp_path, language)
    assert code == 0, page
    (line,) = [line for line in page.splitlines() if "--lang" in line]
    assert "<kk|ru>" in line and "en" not in line.split("--lang")[1].split()[0], line
    assert HELP[language] in page


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("command", sorted(DOCUMENT_COMMANDS))
def test_a_language_documents_are_not_made_in_is_refused_in_the_readers_words(
    command: str, language: str, tmp_path: Path
) -> None:
    code, said = _run([*DOCUMENT_COMMANDS[command], "--lang", "fr"], tmp_path, language)
    assert code == 2 and REFUSED[language] in said, said
    code, said = _run([*DOCUMENT_COMMANDS[command], "--lang", "en"], tmp_path, language)
    assert code == 2 and "Invalid value for '--lang': 'en' is not one of 'kk', 'ru'." in said, said
    assert "Traceback" not in said


@pytest.mark.parametrize("command", sorted(DOCUMENT_COMMANDS))
def test_an_english_setting_is_told_which_languages_documents_have(command: str, tmp_path: Path) -> None:
    code, said = _run(DOCUMENT_COMMANDS[command], tmp_path, "en")
    assert code == 1, said
    assert "Documents are printed in Kazakh (kk) or Russian (ru): choose --lang kk or --lang ru." in said


def test_commands_that_show_a_list_on_screen_still_speak_english(tmp_path: Path) -> None:
    code, page = _run(["plans", "show", "--help"], tmp_path, "en")
    assert code == 0 and "<kk|ru|en>" in page
