"""The gettext catalogues: every key the code and the templates use is translated in kk and ru (and en),
with the same placeholders, and plural messages follow each language's CLDR rule."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from tekseru.i18n import LANGUAGES, MissingMessage, messages, plural, translate

ROOT = Path(__file__).parents[2]
# `saying` and `tell` give the message keys of refusals and stored records (`tekseru.message`).
KEYWORDS = {"t": None, "tn": (1,), "translate": (2,), "plural": (2,), "saying": None, "tell": None}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys() -> set[str]:
    """Every literal message key in the code and the templates, found by Babel's own extraction."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(ROOT / "src"),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    )
    keys = set()
    for _, _, message, _, _ in found:
        key = message[0] if isinstance(message, tuple) else message
        if key and "." in key and key == key.lower() and " " not in key:
            keys.add(key)
    return keys


def test_extraction_finds_the_keys_of_templates_and_code() -> None:
    keys = used_keys()
    assert {"layout.skip_to_content", "dashboard.class_link", "format.date"} <= keys or len(keys) > 300


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_key_is_translated(language: str) -> None:
    from tekseru.i18n.catalogues import _catalogue

    catalogue = _catalogue(language)
    known = {key for key, text in catalogue.singular.items() if text.strip()}
    known |= {key for key, forms in catalogue.plurals.items() if all(form.strip() for form in forms)}
    missing = sorted(used_keys() - known)
    assert not missing, f"{language}: no translation for {missing}"


def test_every_language_has_the_same_keys() -> None:
    keys = {language: set(messages(language)) for language in LANGUAGES}
    for language in LANGUAGES:
        assert keys[language] == keys["kk"], (
            f"{language}: missing {sorted(keys['kk'] - keys[language])}, "
            f"extra {sorted(keys[language] - keys['kk'])}"
        )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_has_the_same_placeholders(language: str) -> None:
    for key, text in messages("kk").items():
        assert placeholders(messages(language)[key]) == placeholders(text), key


def literal_text(text: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(text))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_kazakh_and_russian_messages_are_not_english(language: str) -> None:
    english = messages("en")
    same = [
        key
        for key, text in messages(language).items()
        if text == english[key]
        and any(letter.isalpha() and letter.isascii() for letter in literal_text(text))
        and not key.startswith("format.")
    ]
    assert not same, f"{language} texts left in English: {same}"


def test_translate_and_its_errors() -> None:
    assert translate("en", "criterion.title", number=7) == "Criterion 7"
    assert translate("kk", "criterion.title", number=7) == "7-өлшемшарт"
    with pytest.raises(MissingMessage, match=r"no message 'nope' in the ru catalogue"):
        translate("ru", "nope")
    with pytest.raises(ValueError, match="unknown language"):
        messages("de")


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 субъект со степенью"),
        (2, "2 субъекта со степенью"),
        (5, "5 субъектов со степенью"),
        (21, "21 субъект со степенью"),
        (12, "12 субъектов со степенью"),
    ],
)
def test_russian_plural_forms_follow_cldr(count: int, expected: str) -> None:
    assert plural("ru", "dashboard.class_link", count, risk_class="высокая").startswith(expected)


def test_english_and_kazakh_plural_forms() -> None:
    assert plural("en", "dashboard.class_link", 1, risk_class="high").startswith("1 subject of")
    assert plural("en", "dashboard.class_link", 3, risk_class="high").startswith("3 subjects of")
    assert "5 субъект" in plural("kk", "dashboard.class_link", 5, risk_class="жоғары")
    with pytest.raises(MissingMessage):
        plural("kk", "layout.tagline", 2)
