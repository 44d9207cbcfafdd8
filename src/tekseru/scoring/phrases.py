"""The message ids of the words of score explanations; their texts are in the `explain.po` catalogues.

The scoring core reads no catalogue itself: a caller hands `explain` the words of one language, keyed by
these ids (`tekseru.i18n.explain_words` gives them). Kazakh and Russian follow the terms of the act and of
DOMAIN.md's glossary; numbers use a decimal comma in those languages, as official documents do.
"""

from __future__ import annotations

from typing import Literal

from tekseru.catalog.schema import Severity
from tekseru.scoring.result import IgnoreReason
from tekseru.scoring.rules import RiskClass

Language = Literal["kk", "ru", "en"]

PREFIX = "explain."

_KEYS = (
    "date_format",
    "decimal_separator",
    "headline",
    "gross",
    "formula",
    "no_significant",
    "no_minor",
    "normalised",
    "counted_heading",
    "counted",
    "none_counted",
    "ignored_heading",
    "ignored",
    "none_ignored",
    "no_text",
    *(risk_class.value for risk_class in RiskClass),
    *(f"{severity.value}_severity" for severity in Severity),
    *(reason.value for reason in IgnoreReason),
)

# Every message id `explain` reads from the words it is given.
EXPLAIN_WORDS: tuple[str, ...] = tuple(PREFIX + key for key in _KEYS)
