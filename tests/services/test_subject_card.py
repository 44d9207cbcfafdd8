"""The subject card reads in one transaction, each kind in one statement, exactly what the general queries
give (results, history, evidence, inspections, the explanation and the visits), for every role that may read
it; the number of statements does not grow with the subject's evidence. On SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event

from tekseru.services.assessment_subject import explain_in_session
from tekseru.services.inspections import subject_visits
from tekseru.services.permissions import Actor, Role
from tekseru.services.registry_queries import explanation, subject_card
from tekseru.services.subject_card import language_of
from tekseru.store import Database
from tekseru.store.assessments import latest_run
from tekseru.store.evidence import evidence_for_subjects
from tekseru.store.inspection_models import InspectionData
from tekseru.store.inspections import add_inspection, complete, list_inspections
from tekseru.store.records import SubjectData
from tekseru.store.run_results import run_result_rows, score_history
from tekseru.store.subjects import upsert_subjects
from tests.catalogue import CATALOGUE
from tests.web.support import BINS, OWN_BIN, OWN_REGION

NOW = datetime(2024, 6, 20, 9, 0, tzinfo=UTC)
ACTORS = (
    Actor("t-viewer", Role.VIEWER),
    Actor("t-planner", Role.PLANNER),
    Actor("t-inspector", Role.INSPECTOR, OWN_REGION),
)


def _inspected(database: Database, bin: str) -> None:
    """An inspection of the subject completed, then revised and completed again (the first superseded),
    and a draft of another."""
    subject_id = subject_card(database, ACTORS[0], bin, catalogue=CATALOGUE).subject.id
    with database.transaction() as session:
        data = InspectionData(
            subject_id, "e", 3, ("stationary_care",), "unscheduled_inspection", "1", date(2024, 3, 1), ("x",)
        )
        first = add_inspection(session, data, created_by="t", now=NOW)
        complete(session, first.id, inspected_on=date(2024, 3, 2), completed_by="t", now=NOW)
        second = add_inspection(session, data, created_by="t", now=NOW, revises=first, reason="typo")
        complete(session, second.id, inspected_on=date(2024, 3, 3), completed_by="t", now=NOW)
        add_inspection(session, data, created_by="t", now=NOW)


def _what_the_general_queries_read(
    database: Database, actor: Actor, bin: str, language: str
) -> dict[str, Any]:
    card = subject_card(database, actor, bin, catalogue=CATALOGUE)  # the subject only
    subject = card.subject
    with database.reading() as session:
        run = latest_run(session)
        assert run is not None
        return {
            "results": run_result_rows(session, run.id, limit=200, subject_id=subject.id)[0],
            "history": score_history(session, subject.id),
            "evidence": sorted(
                evidence_for_subjects(session, [subject.id]),
                key=lambda e: (e.observed_on, e.id),
                reverse=True,
            ),
            "inspections": list_inspections(session, subject_id=subject.id),
            "explanation": explanation(database, actor, bin, language, catalogue=CATALOGUE),
            "unloaded": explain_in_session(
                session,
                subject,
                run,
                as_of=run.as_of,
                language=language_of(language),
                catalogue=CATALOGUE,
            ).lines(),
            "visits": subject_visits(database, actor, bin),
        }


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.role.value)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_card_reads_what_the_general_queries_read(
    database: Database, seeded: uuid.UUID, actor: Actor, language: str
) -> None:
    _inspected(database, OWN_BIN)
    for bin in BINS:
        if actor.region_scope is not None and bin not in BINS[:3]:
            continue
        wanted = _what_the_general_queries_read(database, actor, bin, language)
        card = subject_card(database, actor, bin, catalogue=CATALOGUE, language=language, visits=True)
        assert card.run is not None and card.run.id == seeded
        assert card.results == wanted["results"] and card.results
        assert card.history == wanted["history"] and card.evidence == wanted["evidence"]
        assert card.inspections == wanted["inspections"]
        assert card.explanation == wanted["explanation"] == wanted["unloaded"] and card.explanation
        assert card.visits == wanted["visits"]
        plain = subject_card(database, actor, bin, catalogue=CATALOGUE)
        assert (plain.explanation, plain.visits) == ([], None)
        assert (plain.results, plain.history, plain.evidence, plain.inspections) == (
            card.results,
            card.history,
            card.evidence,
            card.inspections,
        )
    card = subject_card(database, ACTORS[0], OWN_BIN, catalogue=CATALOGUE, visits=True)
    assert [record.revision for record in card.inspections or []] == [2, 1]  # the superseded one left out
    assert card.visits is not None and len(card.visits.past) == 2


def test_a_group_the_run_did_not_assess_is_scored_now_from_the_evidence(
    database: Database, seeded: uuid.UUID
) -> None:
    subject = subject_card(database, ACTORS[0], OWN_BIN, catalogue=CATALOGUE).subject
    edition = CATALOGUE.edition_at(date(2024, 6, 1))
    other = next(key for key in sorted(edition.groups) if key not in subject.groups)
    changed = SubjectData(
        subject.bin, subject.name, subject.region, subject.address, (*subject.groups, other)
    )
    with database.transaction() as session:
        upsert_subjects(session, [changed], now=NOW)
    wanted = _what_the_general_queries_read(database, ACTORS[0], OWN_BIN, "ru")
    card = subject_card(database, ACTORS[0], OWN_BIN, catalogue=CATALOGUE, language="ru")
    assert other in card.subject.groups and [r.group_key for r in card.results] == ["stationary_care"]
    assert card.explanation == wanted["unloaded"] and "" in card.explanation  # a blank line between groups


def _statements(database: Database, read: Any) -> int:
    counted = []

    def count(*_: object) -> None:
        counted.append(1)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        read()
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return len(counted)


def test_the_card_takes_a_few_statements_however_much_the_subject_has(
    database: Database, seeded: uuid.UUID
) -> None:
    def page(bin: str) -> int:
        return _statements(
            database,
            lambda: subject_card(database, ACTORS[0], bin, catalogue=CATALOGUE, language="kk", visits=True),
        )

    def api(bin: str) -> int:
        return _statements(database, lambda: subject_card(database, ACTORS[0], bin, catalogue=CATALOGUE))

    counts = {bin: (page(bin), api(bin)) for bin in BINS}
    assert len(set(counts.values())) == 1, counts
    page_count, api_count = counts[OWN_BIN]
    # the subject with the run, its results with its history, evidence and inspections (on SQLite also its
    # BEGIN); the page asks the same: no list names these subjects (the subject's statement tells)
    assert api_count <= 5 and page_count == api_count, counts
