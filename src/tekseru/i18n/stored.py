"""Texts tekseru itself writes into records, said in the reader's language where they are shown.

Some records keep a text that tekseru wrote, not a person: the reference of the evidence a completed
inspection gives ("inspection 12 (act № 7 of 2024-07-01), Appendix 2 item 5"), the references of the demo's
evidence, and why a job ended ("cancelled by aliya", "interrupted: ..."). Each has one fixed form (the
writer's template, in English), which is also what the database, the API's data and exports keep: the
evidence reference is part of the evidence's natural key, so changing it would duplicate evidence, and rows
written before any of this must read the same. Where a person reads one, `say_stored` recognises the form
and says it from the catalogues (`stored.*`), dates as the reader writes them; any other text (what a
person typed) is shown as it is. tests/i18n/test_stored.py makes each form with the code that writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from tekseru.i18n.catalogues import LANGUAGES, MissingMessage, translate
from tekseru.i18n.formats import format_date


@dataclass(frozen=True)
class StoredForm:
    pattern: re.Pattern[str]
    key: str
    then: tuple[str, ...] = ()  # messages (without parameters) said after it, as the command line says them


def _form(pattern: str, key: str, *then: str) -> StoredForm:
    return StoredForm(re.compile(pattern, re.DOTALL), key, then)


FORMS: tuple[StoredForm, ...] = (
    _form(
        r"inspection (?P<inspection>\d+) \(act № (?P<act>.+) of (?P<date>\d{4}-\d{2}-\d{2})\), "
        r"Appendix (?P<appendix>\d+) item (?P<item>\d+)",
        "stored.evidence.inspection",
    ),
    _form(r"inspection act No\. (?P<number>[\w-]+)", "stored.demo.inspection_act"),
    _form(r"media publication (?P<number>[\w-]+)", "stored.demo.publication"),
    _form(r"E-Sobes record (?P<number>[\w-]+)", "stored.demo.e_sobes"),
    _form(r"complaint No\. (?P<number>[\w-]+)", "stored.demo.complaint"),
    _form(
        r"interrupted: the server stopped before the job finished; nothing of it was kept",
        "stored.job.interrupted",
    ),
    _form(r"cancelled by (?P<user>.+)", "stored.job.cancelled_by"),
    _form(r"stopped after its time limit of (?P<seconds>\d+) s", "stored.job.time_limit"),
    _form(r"the job's process ended unexpectedly \(exit code (?P<code>[-\w]+)\)", "stored.job.died"),
    _form(r"failed unexpectedly: (?P<detail>.+)", "stored.job.crashed"),
    # Jobs that crashed before the form above kept only the exception: "ValueError: ...".
    _form(r"(?P<detail>[A-Za-z_][\w.]*(?:Error|Exception): .+)", "stored.job.crashed"),
    _form(
        r"(?P<file>.+) was not imported: (?P<count>\d+) error\(s\); the first: .*",
        "intake.not_imported",
        "intake.nothing_stored",
    ),
)


# Texts tekseru writes in the language of the document they belong to (a printed form's reference, kept with
# its verification code): recognised in any language's words, said again in the reader's.
PRINTED_FORMS = ("document.form.reference",)


def _placeholder(found: re.Match[str]) -> str:
    """What a placeholder of a printed form matches: a revision is a number; an inspection's number is its
    region-year-sequence, or its id on a form printed before inspections were numbered."""
    name = found.group(1)
    return rf"(?P<{name}>\d+)" if name == "revision" else rf"(?P<{name}>[^\s,]+)"


@cache
def _printed_forms() -> tuple[StoredForm, ...]:
    forms = []
    for key in PRINTED_FORMS:
        for language in LANGUAGES:
            template = translate(language, key)
            pattern = re.sub(r"\\\{(\w+)\\\}", _placeholder, re.escape(template))
            forms.append(StoredForm(re.compile(pattern), key))
    return tuple(forms)


def say_stored(language: str, text: str | None) -> str:
    """`text` in `language` when tekseru wrote it in one of its `FORMS` (or, in any language, in one of its
    `PRINTED_FORMS`); else `text` as it is."""
    if not text:
        return text or ""
    for printed in _printed_forms():
        match = printed.pattern.fullmatch(text)
        if match is not None:
            return translate(language, printed.key, **match.groupdict())
    for form in FORMS:
        found = form.pattern.fullmatch(text)
        if found is None:
            continue
        params = dict(found.groupdict())
        try:
            if "date" in params:
                params["date"] = format_date(date.fromisoformat(params["date"]), language)
            return " ".join(
                [translate(language, form.key, **params), *(translate(language, k) for k in form.then)]
            )
        except (MissingMessage, ValueError):
            return text
    return text
