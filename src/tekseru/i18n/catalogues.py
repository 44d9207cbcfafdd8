"""Reading the gettext catalogues (`.po`, read once per process by `po_files`) and looking messages up."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tekseru.i18n.po_files import read_po_entries

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


@cache
def _catalogue(language: str) -> _Catalogue:
    """Every `.po` file of the language's folder, one per part of the interface (`tekseru.po` for the
    web pages, `cli.po` for the command line...), read as one catalogue; a key in two files is an error."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    folder = resources.files("tekseru.i18n") / "locales" / language / "LC_MESSAGES"
    singular: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for path in sorted((entry for entry in folder.iterdir() if entry.name.endswith(".po")), key=str):
        for message in read_po_entries(path.read_text(encoding="utf-8")):
            key = message.id
            if key in singular or key in plurals:
                raise ValueError(f"message {key!r} is in two catalogues of {language} ({path.name})")
            if message.pluralizable:
                plurals[key] = message.plural_forms
            else:
                singular[key] = message.string
    return _Catalogue(singular, plurals)


@cache
def _plural_form(language: str) -> Callable[[int], int]:
    """The language's CLDR plural rule, whatever header a catalogue file carries (a file without one, or
    with English's two forms, must not change Russian's three); Babel's plural tables are imported only
    when a plural is said (they bring its dates, which `tekseru --help` does not need)."""
    from babel.messages.plurals import get_plural

    return gettext.c2py(get_plural(language).plural_expr)


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
    return forms[_plural_form(language)(count)].format(count=count, **params)
