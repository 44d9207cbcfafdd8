"""What a backtest reads from the store, on SQLite and PostgreSQL: the visits of a period with their
violations, and the visit histories as they stood before a day (visits and eliminations after it left out)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tekseru.services.backtest_history import HistoryDesign, write_history
from tekseru.store import Database
from tekseru.store.backtest import visits_between
from tekseru.store.inspection_edits import update_violation
from tekseru.store.inspection_models import InspectionViolation
from tekseru.store.inspections import visit_histories
from tests.catalogue import CATALOGUE
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]

DESIGN = HistoryDesign(half_years=2, subjects_per_region=4, visits_per_region=2, tiers=(1.0,))


def test_visits_of_a_period_and_histories_before_a_day(database: Database) -> None:
    # every subject's risk is 1: every visit finds a violation
    write_history(database, DESIGN, catalogue=CATALOGUE)
    with database.reading() as session:
        first = visits_between(session, date(2024, 1, 1), date(2024, 6, 30))
        both = visits_between(session, date(2024, 1, 1), date(2024, 12, 31))
        stored = session.execute(select(InspectionViolation.inspection_id)).scalars().all()
    assert len(first) == 6 and len(both) == 12
    assert all(date(2024, 1, 1) <= visit.visited_on <= date(2024, 6, 30) for visit in first)
    assert [visit.visited_on for visit in both] == sorted(visit.visited_on for visit in both)
    assert all(visit.violations and visit.kind == "preventive_control" for visit in both)
    assert sum(len(visit.violations) for visit in both) == len(stored)
    assert {visit.region for visit in both} == set(DESIGN.regions)

    with database.reading() as session:
        assert visit_histories(session, before=date(2024, 1, 1)) == {}
        mid = visit_histories(session, before=date(2024, 7, 1))
        now = visit_histories(session)
    assert set(mid) == {visit.subject_id for visit in first}
    assert all(history.last_visit_on and history.last_visit_on < date(2024, 7, 1) for history in mid.values())
    assert set(now) == {visit.subject_id for visit in both}

    # Eliminate every violation of one visit on 1 March 2025: before that day they were not eliminated.
    visit = first[0]
    with database.transaction() as session:
        items = session.execute(
            select(InspectionViolation.item).where(InspectionViolation.inspection_id == visit.inspection_id)
        ).scalars()
        for item in list(items):
            changes = {"status": "eliminated", "eliminated_on": date(2025, 3, 1)}
            update_violation(session, visit.inspection_id, item, changes, by="t", now=datetime.now(UTC))
    with database.reading() as session:
        before = visit_histories(session, before=date(2025, 3, 1))[visit.subject_id]
        after = visit_histories(session, before=date(2025, 3, 2))[visit.subject_id]
        today = visit_histories(session)[visit.subject_id]
    assert before.last_visit_on == visit.visited_on  # the frequency limit kept it from a second visit
    assert before.violations_of_last_preventive_control_eliminated_in_full is False
    assert after.violations_of_last_preventive_control_eliminated_in_full is True
    assert today.violations_of_last_preventive_control_eliminated_in_full is True
