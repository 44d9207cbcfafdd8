"""Reading the gettext catalogues (`.po`, parsed by Babel once per process) and looking messages up."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
OFFICIAL_LANGUAGE = "kk"
DOMAIN = "tekseru"


class MissingMessage(KeyError):
    """A message key that the catalogue of a language does not have."""


@dataclass(frozen=True)
class _Catalogue:
    singular: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]
    plural_form: Callable[[int], int]


@cache
def _catalogue(language: str) -> _Catalogue:
    """Every `.po` file of the language's folder, one per part of the interface (`tekseru.po` for the
    web pages, `cli.po` for the command line...), read as one catalogue; a key in two files is an error."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    folder = resources.files("tekseru.i18n") / "locales" / language / "LC_MESSAGES"
    singular: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    # The language's CLDR plural rule, whatever header the last file read carries (a file without one, or
    # with English's two forms, must not change Russian's three).
    plural_expr = get_plural(language).plural_expr
    for path in sorted((entry for entry in folder.iterdir() if entry.name.endswith(".po")), key=str):
        with path.open("rb") as file:
            catalog = read_po(file, locale=language, domain=DOMAIN)
        for message in catalog:
            if not message.id:
                continue
            key = str(message.id[0] if message.pluralizable else message.id)
            if key in singular or key in plurals:
                raise ValueError(f"message {key!r} is in two catalogues of {language} ({path.name})")
            if message.pluralizable:
                plurals[key] = tuple(str(form) for form in message.string or ())
            else:
                singular[key] = str(message.string or "")
    return _Catalogue(singular, plurals, gettext.c2py(plural_expr))


def messages(language: str) -> Mapping[str, str]:
    """Every singular message of `language`, by key (a translation not made yet is an empty text)."""
    return _catalogue(language).singular


def translate(language: str, key: str, **params: object) -> str:
    """Message `key` in `language`, `params` filled in; a message with plural forms takes the form its
    `count` parameter (an int) asks for, as `plural` does."""
    catalogue = _catalogue(language)
    text = catalogue.singular.get(key)
    if not text:
        count = params.get("count")
        if key in catalogue.plurals and isinstance(count, int) and not isinstance(count, bool):
            return plural(language, key, count, **{name: v for name, v in params.items() if name != "count"})
        raise MissingMessage(f"no message {key!r} in the {language} catalogue")
    return text.format(**params) if params else text


def plural(language: str, key: str, count: int, **params: object) -> str:
    """The form of message `key` that `count` takes in `language`; `{count}` is filled in too."""
    catalogue = _catalogue(language)
    forms = catalogue.plurals.get(key)
    if not forms or not all(forms):
        raise MissingMessage(f"no plural message {key!r} in the {language} catalogue")
    return forms[catalogue.plural_form(count)].format(count=count, **params)
