"""One thing, one word: every catalogue uses the act's and DOMAIN.md's term, never a second one.

Russian: evidence is "сведения" (as the pages, imports and audit log say), never "доказательство"; the risk
degree is "степень риска", never "класс риска". Kazakh: a criterion is "өлшемшарт", as in the act, never
"критерий"; the risk degree is "тәуекел дәрежесі", never "сынып".
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tekseru.i18n.po_files import read_po_entries

_FORBIDDEN = {
    "ru": {
        "доказательство": re.compile(r"доказательств", re.IGNORECASE),
        "класс (риска)": re.compile(r"\bкласс", re.IGNORECASE),
    },
    "kk": {
        "критерий": re.compile(r"\bкритери", re.IGNORECASE),
        "сынып": re.compile(r"\bсыны[пб]", re.IGNORECASE),
    },
}


def _texts(language: str) -> list[tuple[str, str, str]]:
    """(file, message id, text) of every translated text of a language, plural forms included."""
    folder = resources.files("tekseru.i18n") / "locales" / language / "LC_MESSAGES"
    found = []
    for path in folder.iterdir():
        if not path.name.endswith(".po"):
            continue
        for entry in read_po_entries(path.read_text(encoding="utf-8")):
            for text in entry.plural_forms if entry.pluralizable else (entry.string,):
                found.append((path.name, entry.id, text))
    return found


@pytest.mark.parametrize("language", sorted(_FORBIDDEN))
def test_no_second_word_for_a_term(language: str) -> None:
    texts = _texts(language)
    assert len(texts) > 500, "the catalogues were not read"
    wrong = [
        f"{name} {message_id}: {term!r} in {text!r}"
        for name, message_id, text in texts
        for term, pattern in _FORBIDDEN[language].items()
        if pattern.search(text)
    ]
    assert wrong == []


def test_the_patterns_catch_the_old_words() -> None:
    # The words as they stood before (explain.po, intake.po): each pattern must catch them.
    assert _FORBIDDEN["ru"]["доказательство"].search("Неучтённых доказательств нет.")
    assert _FORBIDDEN["ru"]["класс (риска)"].search("Класс риска")
    assert _FORBIDDEN["kk"]["критерий"].search("999 критерийі 2022-29983 редакциясында жоқ")
    assert _FORBIDDEN["kk"]["сынып"].search("Тәуекел сыныбы")
    assert not _FORBIDDEN["kk"]["критерий"].search("999 өлшемшарты 2022-29983 редакциясында жоқ")
