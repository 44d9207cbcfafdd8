"""What an audit entry keeps, as a reader of the page's language reads it, and who did it.

An entry keeps values as the code wrote them (keys, ISO dates and moments, lists and mappings); the audit
page shows them in words: yes/no, a region's, a role's, a group's name, a status, an inspection's kind, an
answer, a half-year, a date or moment in the reader's format. Numbers, names and texts a person typed stay
as they are. `who` names the command line's and the demo's own identities in words too. Regions and groups
are named from the catalogue the caller holds (the application's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from tekseru.catalog import Catalogue, UnknownCatalogueEntry
from tekseru.i18n import (
    format_date,
    format_datetime,
    format_half_year,
    messages,
    say_stored,
    translate,
)
from tekseru.i18n.actors import who

YES_NO = {True: "form.yes", False: "form.no"}
# The words of a stored status, by the kind of record an audit entry is about.
STATUS_WORDS = {
    "plan": "plans.status.",
    "job": "job.status.",
    "inspection": "inspection.status.",
    "assessment": "run.status.",
}
# Other fields whose values are codes with words: the prefix of their messages.
CODE_WORDS = {"kind": "inspection.kind.", "role": "role.", "risk_class": "risk."}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
HALF_YEAR = re.compile(r"^\d{4}-H[12]$")


def _word(lang: str, key: str, value: str) -> str:
    return translate(lang, key) if messages(lang).get(key) else value


def group_name(key: str, lang: str, catalogue: Catalogue) -> str:
    try:
        return catalogue.latest().group(key).name.in_language(lang)
    except UnknownCatalogueEntry:
        return key


def audit_value(lang: str, zone: str, value: object, key: str, entity: str, catalogue: Catalogue) -> str:
    """`value` of field `key` of an entry about `entity`, in words of `lang` (moments in time zone `zone`),
    regions and groups named from `catalogue`."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate(lang, YES_NO[value])
    if isinstance(value, Mapping):
        return _mapping(lang, zone, value, key, entity, catalogue)
    if isinstance(value, list | tuple):
        if key in ("group_keys", "groups"):
            return ", ".join(group_name(str(item), lang, catalogue) for item in value)
        return ", ".join(audit_value(lang, zone, item, key, entity, catalogue) for item in value) or "—"
    if not isinstance(value, str):
        return str(value)
    return _text(lang, zone, value, key, entity, catalogue)


def _mapping(
    lang: str, zone: str, value: Mapping[str, object], key: str, entity: str, catalogue: Catalogue
) -> str:
    if key == "capacity":
        regions = catalogue.regions
        return ", ".join(
            f"{regions.name_of(str(region), lang)}: {visits}" for region, visits in value.items()
        )
    if key == "answers":  # item number: answer

        def said(answer: object) -> str:
            return _word(lang, f"inspections.answer.{answer}", str(answer))

        return "; ".join(f"{item}: {said(answer)}" for item, answer in value.items())
    return "; ".join(
        f"{_word(lang, f'audit.field.{name}', str(name))}: "
        f"{audit_value(lang, zone, item, str(name), entity, catalogue)}"
        for name, item in value.items()
    )


def _text(lang: str, zone: str, value: str, key: str, entity: str, catalogue: Catalogue) -> str:
    if key == "region":
        return catalogue.regions.name_of(value, lang)
    if key == "status":
        return _word(lang, STATUS_WORDS.get(entity, "-") + value, value)
    if key in CODE_WORDS:
        return _word(lang, CODE_WORDS[key] + value, value)
    if key.endswith("_by") or key == "actor":
        return who(lang, value)
    if HALF_YEAR.match(value):
        return format_half_year(value, lang)
    if DAY.match(value):
        return format_date(date.fromisoformat(value), lang)
    if MOMENT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value), lang, zone)
        except ValueError:
            return value
    return say_stored(lang, value)


def audit_subject(lang: str, zone: str, entity: str, key: str, after: Mapping[str, object] | None) -> str:
    """What an entry is about, as the "what" column names it: an assessment by its as-of date and when it
    was made (kept in the entry's `after`, so no query per row; an entry written before `made` was kept:
    by the date alone), anything else by its key."""
    kept = after or {}
    as_of = kept.get("as_of")
    if entity != "assessment" or not isinstance(as_of, str) or not DAY.match(as_of):
        return key
    day = format_date(date.fromisoformat(as_of), lang)
    made = kept.get("made")
    if isinstance(made, str) and MOMENT.match(made):
        moment = format_datetime(datetime.fromisoformat(made), lang, zone)
        return translate(lang, "last13.audit.assessment", date=day, made=moment)
    return translate(lang, "last13.audit.assessment_as_of", date=day)


# Roster records (`tekseru.services.rosters`, the stored reports of rows 78-84) ---------------------------

ROSTER_CODES = ("form", "kind", "element")


def roster_value(lang: str, zone: str, value: object, key: str) -> str:
    """A value of a roster record: a service form, a kind of service or an accessibility element in
    words, a date or moment in the reader's format; an IIN, a count, a name as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, date | datetime) or (
        isinstance(value, str) and (DAY.match(value) or MOMENT.match(value))
    ):
        return _day_or_moment(lang, zone, value)
    if key in ROSTER_CODES and isinstance(value, str):
        return _word(lang, f"lang13.roster.kind.{value}", value)
    return str(value)


def _day_or_moment(lang: str, zone: str, value: object) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, lang, zone)
    if isinstance(value, date):
        return format_date(value, lang)
    text = str(value)
    try:
        if DAY.match(text):
            return format_date(date.fromisoformat(text), lang)
        return format_datetime(datetime.fromisoformat(text), lang, zone)
    except ValueError:
        return text
