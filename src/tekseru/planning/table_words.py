"""The message ids of the printed semi-annual list's words; their texts are in the `documents.po` catalogues.

Planning reads no catalogue itself: the renderers hand `plan_table` the words of one language keyed by
these ids (`tekseru.i18n.list_words` gives them). Kazakh is the official text, Russian a translation. The
half-year is said with the interface's own `half_year.*` messages, so the web pages and the documents
name it alike.
"""

from __future__ import annotations

from tekseru.planning.model import ExclusionReason

HALF_YEAR_WORDS: tuple[str, ...] = ("half_year.first", "half_year.second")

_LIST_KEYS = (
    "title",
    "state_body",
    "period",
    "number",
    "status",
    "approved",
    "not_approved",
    "included",
    "overflow",
    "excluded",
    "excluded_summary",
    "count",
    "none",
    "annex",
    "sheet_included",
    "sheet_overflow",
    "sheet_excluded",
    "sheet_annex",
    "page",
    "approve",
    "position",
    "signature",
    "blank_date",
    "unofficial_translation",
    "rank",
    "region",
    "name",
    "bin",
    "address",
    "groups",
    "score",
    "class",
    "reasons",
    "month",
    "group",
    "reason",
    "criterion_number",
    "criterion",
    "remedied",
    "sheet_remedied",
    "proof",
)

MONTHS: tuple[str, ...] = tuple(f"document.month.{month}" for month in range(1, 13))
RISK_CLASSES: tuple[str, ...] = tuple(f"document.risk_class.{name}" for name in ("high", "medium", "low"))
STATUSES: tuple[str, ...] = tuple(f"document.status.{name}" for name in ("draft", "approved", "published"))
EXCLUSIONS: tuple[str, ...] = tuple(f"document.exclusion.{reason.value}" for reason in ExclusionReason)

# Every message id `plan_table` reads from the words it is given.
LIST_WORDS: tuple[str, ...] = (
    tuple(f"document.list.{key}" for key in _LIST_KEYS)
    + MONTHS
    + RISK_CLASSES
    + STATUSES
    + EXCLUSIONS
    + HALF_YEAR_WORDS
)
