"""Message catalogues: the same keys and placeholders in every language, every key the templates use."""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest

from tekseru.catalog import LANGUAGES
from tekseru.web.i18n import DEFAULT_LANGUAGE, MissingMessage, choose_language, messages, translate

TEMPLATES = resources.files("tekseru.web") / "templates"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def template_sources() -> list[str]:
    found = []
    stack = [TEMPLATES]
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".html"):
                found.append(entry.read_text(encoding="utf-8"))
    return found


def test_every_language_has_the_same_keys() -> None:
    keys = {language: set(messages(language)) for language in LANGUAGES}
    for language in LANGUAGES:
        assert keys[language] == keys["kk"], (
            f"{language}.yaml: missing {sorted(keys['kk'] - keys[language])}, "
            f"extra {sorted(keys[language] - keys['kk'])}"
        )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_has_the_same_placeholders(language: str) -> None:
    for key, text in messages("kk").items():
        assert placeholders(messages(language)[key]) == placeholders(text), key


def test_every_literal_key_in_the_templates_exists() -> None:
    used = {
        key
        for source in template_sources()
        for key in re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'\s*[,)]""", source)
    }
    used |= {
        key for source in template_sources() for key in re.findall(r"""_key = '([a-z0-9_.]+)'""", source)
    }
    assert used and used <= set(messages("kk")), sorted(used - set(messages("kk")))


def test_messages_are_not_empty() -> None:
    for language in LANGUAGES:
        assert all(text.strip() for text in messages(language).values()), language


def test_translate() -> None:
    assert translate("en", "criterion.title", number=7) == "Criterion 7"
    assert translate("kk", "criterion.title", number=7) == "7-өлшемшарт"
    with pytest.raises(MissingMessage, match=r"no message 'nope' in ru\.yaml"):
        translate("ru", "nope")
    with pytest.raises(ValueError, match="unknown language"):
        messages("de")


@pytest.mark.parametrize(
    ("query", "cookie", "language", "remember"),
    [
        (None, None, DEFAULT_LANGUAGE, False),
        ("ru", None, "ru", True),
        ("ru", "ru", "ru", False),
        ("en", "ru", "en", True),
        (None, "en", "en", False),
        ("de", "en", "en", False),
        ("de", "xx", "kk", False),
        ("", None, "kk", False),
    ],
)
def test_choose_language(query: str | None, cookie: str | None, language: str, remember: bool) -> None:
    choice = choose_language(query, cookie)
    assert (choice.language, choice.remember) == (language, remember)
