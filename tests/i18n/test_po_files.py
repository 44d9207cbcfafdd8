"""The quick `.po` reader finds exactly what Babel's `read_po` finds, in every catalogue of the project."""

from __future__ import annotations

import io
from importlib import resources

import pytest
from babel.messages.pofile import read_po

from tekseru.i18n.catalogues import LANGUAGES
from tekseru.i18n.po_files import read_po_entries


def _babel_messages(data: bytes, language: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for message in read_po(io.BytesIO(data), locale=language):
        if not message.id:
            continue
        if message.pluralizable:
            found[str(message.id[0])] = (str(message.id[1]), tuple(str(form) for form in message.string))
        else:
            found[str(message.id)] = str(message.string or "")
    return found


def _quick_messages(data: bytes) -> dict[str, object]:
    return {
        entry.id: (entry.plural_id, entry.plural_forms) if entry.pluralizable else entry.string
        for entry in read_po_entries(data.decode("utf-8"))
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_file_reads_as_babel_reads_it(language: str) -> None:
    folder = resources.files("tekseru.i18n") / "locales" / language / "LC_MESSAGES"
    files = [entry for entry in folder.iterdir() if entry.name.endswith(".po")]
    assert files
    for path in files:
        data = path.read_bytes()
        assert _quick_messages(data) == _babel_messages(data, language), path.name


def test_escapes_continued_lines_plurals_and_the_header() -> None:
    text = (
        "# a comment\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Language: ru\\n"\n'
        "\n"
        "#. en: two lines\n"
        'msgid "a.key"\n'
        'msgstr ""\n'
        '"first \\"quoted\\"\\n"\n'
        '"second\\tend \\\\ back"\n'
        "\n"
        'msgid "a.count"\n'
        'msgid_plural "a.count_plural"\n'
        'msgstr[0] "{count} файл"\n'
        'msgstr[1] "{count} файла"\n'
        'msgstr[2] "{count} файлов"\n'
        "\n"
        '#~ msgid "gone"\n'
        '#~ msgstr "ушло"\n'
    )
    assert _quick_messages(text.encode()) == _babel_messages(text.encode(), "ru")
    entries = read_po_entries(text)
    assert entries[0].string == 'first "quoted"\nsecond\tend \\ back'
    assert entries[1].plural_forms == ("{count} файл", "{count} файла", "{count} файлов")


@pytest.mark.parametrize(
    "text",
    ['msgstr "no id"\n', 'msgid "a"\nmsgstr "unterminated\n', 'msgid "a"\nmsgfoo "b"\n', '"loose"\n'],
)
def test_a_broken_file_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_po_entries(text)
