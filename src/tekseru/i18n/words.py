"""The word tables handed to the pure core, which reads no catalogue itself.

`explain` (scoring) and `plan_table` (planning) take the words of one language as a mapping from message
id to text; the ids they read are listed next to them (`EXPLAIN_WORDS`, `LIST_WORDS`) and the texts are in
`explain.po` and `documents.po`. A missing or empty message raises `MissingMessage` here, before anything
is printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType

from tekseru.i18n.catalogues import translate


def word_table(language: str, keys: Iterable[str]) -> Mapping[str, str]:
    """The messages `keys` of `language`, unfilled (`{placeholders}` kept), by message id."""
    return MappingProxyType({key: translate(language, key) for key in keys})


@cache
def explain_words(language: str) -> Mapping[str, str]:
    """What `tekseru.scoring.explain` needs to explain a score in `language`."""
    from tekseru.scoring.phrases import EXPLAIN_WORDS  # here: the scoring package is not light to import

    return word_table(language, EXPLAIN_WORDS)


@cache
def list_words(language: str) -> Mapping[str, str]:
    """What `tekseru.planning.table.plan_table` needs to lay out a semi-annual list in `language`."""
    from tekseru.planning.table_words import LIST_WORDS  # here: the planning package is not light to import

    return word_table(language, LIST_WORDS)


@cache
def half_year_words(language: str) -> Mapping[str, str]:
    """The half-year's wording (`half_year_title`), shared by the web pages and the documents."""
    from tekseru.planning.table_words import HALF_YEAR_WORDS

    return word_table(language, HALF_YEAR_WORDS)
