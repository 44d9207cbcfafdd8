"""The interface's own words in Kazakh, Russian and English, from gettext catalogues managed with Babel.

Every text a user reads that is not the act's own (those stay catalogue data) lives in
`locales/<language>/LC_MESSAGES/*.po` (one file per part of the interface). Message ids are stable keys
(`plans.title`); `{name}` marks a value filled in by `str.format`. A message with plural forms is looked up
with `plural(language, key, n)` and uses the language's CLDR plural rule from the catalogue's header.
Numbers, dates and moments are formatted by CLDR (`format_decimal`, `format_date`, `format_datetime`),
moments in the configured time zone. This package is used by every interface and by documents; it reads its
catalogues once per process. The pure core (scoring, planning) never imports it: its callers hand it the
words it needs (`explain_words`, `list_words`).
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from tekseru.i18n.catalogues import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    OFFICIAL_LANGUAGE,
    MissingMessage,
    messages,
    plural,
    translate,
)

if TYPE_CHECKING:
    from tekseru.i18n.formats import (
        format_date,
        format_datetime,
        format_decimal,
        format_half_year,
        format_half_year_range,
        local_time,
    )
    from tekseru.i18n.stored import say_stored
    from tekseru.i18n.telling import say, say_error
    from tekseru.i18n.words import explain_words, list_words, word_table

# The rest is imported when first asked for (PEP 562): formats and words bring Babel's dates and the
# scoring and planning words, which the command line's start (`tekseru --help`) does not need.
_LAZY = {
    "format_date": "formats",
    "format_datetime": "formats",
    "format_decimal": "formats",
    "format_half_year": "formats",
    "format_half_year_range": "formats",
    "local_time": "formats",
    "say_stored": "stored",
    "say": "telling",
    "say_error": "telling",
    "explain_words": "words",
    "list_words": "words",
    "word_table": "words",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_part(module), name)
    globals()[name] = value
    return value


def _part(name: str) -> ModuleType:
    """One of the parts imported when first asked for, imported by name where readers and tools see it."""
    if name == "formats":
        from tekseru.i18n import formats

        return formats
    if name == "stored":
        from tekseru.i18n import stored

        return stored
    if name == "telling":
        from tekseru.i18n import telling

        return telling
    from tekseru.i18n import words

    return words


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "OFFICIAL_LANGUAGE",
    "MissingMessage",
    "explain_words",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_half_year",
    "format_half_year_range",
    "list_words",
    "local_time",
    "messages",
    "plural",
    "say",
    "say_error",
    "say_stored",
    "translate",
    "word_table",
]
