"""The card's table rows and document links made in Python (`web.pages.subject_rows`) are the markup
the template's loops wrote (kept as they were in subject_loops.html), in each language, for results,
history, evidence of every kind (confirmed or not, a roster report's, text to escape) and several
appendices."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from markupsafe import Markup, escape

from tekseru.i18n import translate
from tekseru.store import EvidenceRecord
from tekseru.store.run_results import ResultRow, ScorePoint
from tekseru.web.pages import PAGES
from tekseru.web.pages.subject_rows import document_links, evidence_rows, history_rows, result_rows
from tekseru.web.templating import templates

# The loops as registry/subject.html wrote them, each after its comment `{# name #}`.
LOOPS = dict(
    re.findall(
        r"\{# (\w+) #\}\n(.*?)\n(?=\{#|$)", (Path(__file__).parent / "subject_loops.html").read_text(), re.S
    )
)
IMPORTS = '{% from "macros.html" import risk_badge with context %}'
RESULTS = templates.env.from_string(IMPORTS + LOOPS["results"])
HISTORY = templates.env.from_string(IMPORTS + LOOPS["history"])
EVIDENCE = templates.env.from_string(LOOPS["evidence"])
DOCUMENTS = templates.env.from_string(LOOPS["documents"])


def _app() -> FastAPI:
    app = FastAPI()
    for page in PAGES:
        app.include_router(page.router)
    return app


APP = _app()
ROOT = "/under <root>"
EDITION = SimpleNamespace(
    groups={
        "home_care": SimpleNamespace(name=SimpleNamespace(in_language=lambda lang: f"Home & care <{lang}>"))
    }
)
RUNS = (UUID("2f751add-ab76-4670-8e67-90638e079872"), UUID("c555c95f-44f9-4dfe-a980-b57c9401bc88"))


def _result(group: str, score: float, risk: str, violated: tuple[int, ...]) -> ResultRow:
    return ResultRow(1, "100140597880", "A & B", "astana", group, score, risk, 0, violated, 0.0, 0.0)


def _evidence(number: int, reference: str, confirmed: bool | None, entered_by: str) -> EvidenceRecord:
    day = date(2024, 6, number)
    moment = datetime(2024, 6, 30, tzinfo=UTC)
    return EvidenceRecord(number, 1, number, 1, day, reference, confirmed, entered_by, moment, "manual", None)


RESULT_ROWS = [
    _result("home_care", 100.0, "high", (1, 2, 78)),
    _result("gone_group <x>", 1234.5, "low", ()),
    _result("home_care", 0.125, "medium", (3,)),
]
HISTORY_ROWS = [
    ScorePoint(
        RUNS[0], date(2024, 1, 1), datetime(2024, 1, 1, tzinfo=UTC), "e", "home_care", 55.5, "medium", ()
    ),
    ScorePoint(RUNS[1], date(2024, 7, 1), datetime(2024, 7, 1, tzinfo=UTC), "e", "gone", 100.0, "high", (1,)),
]
EVIDENCE_ROWS = [
    _evidence(1, "SYN-000000006", None, "bench"),
    _evidence(2, "system-report:0123456789abcdef", True, ""),
    _evidence(3, 'a <b> & "c"', False, "cli:admin"),
]


def _context(lang: str, **values: Any) -> dict[str, Any]:
    return {"lang": lang, "request": SimpleNamespace(app=APP, scope={"root_path": ROOT}), **values}


def _confirmed(lang: str) -> dict[bool | None, Markup]:
    return {
        True: escape(translate(lang, "form.yes")),
        False: escape(translate(lang, "form.no")),
        None: Markup("\u2014"),
    }


def _rows(made: Markup) -> str:
    return "  <tbody>\n" + str(made) + "\n  </tbody>"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_results_and_history_rows_are_the_loops(lang: str) -> None:
    card = SimpleNamespace(results=RESULT_ROWS, history=HISTORY_ROWS)
    context = _context(lang, card=card, edition=EDITION)
    assert _rows(result_rows(RESULT_ROWS, EDITION, lang)) == RESULTS.render(context)
    assert _rows(history_rows(HISTORY_ROWS, EDITION, lang, APP, ROOT)) == HISTORY.render(context)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_evidence_rows_are_the_loop(lang: str) -> None:
    card = SimpleNamespace(evidence=EVIDENCE_ROWS)
    confirmed = _confirmed(lang)
    context = _context(lang, card=card, confirmed_words=confirmed)
    context["confirmed_word"] = translate(lang, "evidence.confirmed")
    made = evidence_rows(EVIDENCE_ROWS, confirmed, lang, APP, ROOT)
    assert _rows(made) == EVIDENCE.render(context)
    assert "/rosters/reports/0123456789abcdef" in made and "&lt;b&gt; &amp;" in made  # the branches ran


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("appendices", [[3], [1, 4]])
def test_document_links_are_the_loop(lang: str, appendices: list[int]) -> None:
    words = {
        (kind, written_in): f"{kind} <{written_in}> & {lang}"
        for kind in ("pdf", "docx")
        for written_in in ("kk", "ru")
    }
    subject = SimpleNamespace(bin="100140597880")
    context = _context(lang, appendices=appendices, subject=subject, document_words=words)
    made = document_links(appendices, subject.bin, words, lang, APP, ROOT)
    assert '<ul class="documents">\n' + str(made) + "\n</ul>" == DOCUMENTS.render(context)
