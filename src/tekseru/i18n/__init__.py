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

from tekseru.i18n.catalogues import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    OFFICIAL_LANGUAGE,
    MissingMessage,
    messages,
    plural,
    translate,
)
from tekseru.i18n.formats import (
    format_date,
    format_datetime,
    format_decimal,
    format_half_year,
    format_half_year_range,
    local_time,
)
from tekseru.i18n.stored import say_stored
from tekseru.i18n.telling import region_name, say, say_error
from tekseru.i18n.words import explain_words, list_words, word_table

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
    "region_name",
    "say",
    "say_error",
    "say_stored",
    "translate",
    "word_table",
]
