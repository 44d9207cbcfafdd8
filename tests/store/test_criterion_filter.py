"""The registry's criterion filter, on SQLite and PostgreSQL: the subjects in whose score of the run a
criterion was counted as violated, exactly those the dashboard counts for it, with the other filters, in
any order, and read out whole by the export's iterator."""

from __future__ import annotations

import pytest

from tekseru.store import Database
from tekseru.store import registry_queries as queries
from tekseru.store.dashboard_figures import violated_criteria
from tekseru.store.subject_order import SubjectSort
from tests.store.test_subject_order import _store


def _found(
    database: Database, run_id: object, sort: SubjectSort | None = None, **filters: object
) -> list[str]:
    with database.reading() as session:
        rows, total = queries.search_subjects(
            session, queries.SubjectSearch(**filters), run_id=run_id, limit=50, offset=0, sort=sort
        )  # type: ignore[arg-type]
        every = list(queries.iter_subjects(session, queries.SubjectSearch(**filters), run_id=run_id))  # type: ignore[arg-type]
    assert total == len(rows) and sorted(row.name for row in every) == sorted(row.name for row in rows)
    return [row.name for row in rows]


def test_the_filter_finds_the_subjects_the_dashboard_counts(database: Database) -> None:
    run_id, _ = _store(database)
    with database.reading() as session:
        counted = violated_criteria(session, run_id)
        in_astana = violated_criteria(session, run_id, region="astana")
    for criterion in range(1, 7):
        assert len(_found(database, run_id, criterion=criterion)) == counted[criterion], criterion
        assert len(_found(database, run_id, criterion=criterion, region="astana")) == in_astana[criterion]
    # criterion 3: counted in one of Мейірім's two groups (stationary, 40.00), and in four subjects at 100
    assert sorted(_found(database, run_id, criterion=3)) == sorted(
        ["Ақ жол", "Береке", "Nur Care", "Дом", "Мейірім"]
    )
    assert _found(database, run_id, criterion=99) == []


@pytest.mark.parametrize("sort", [None, SubjectSort("score"), SubjectSort("name"), SubjectSort("class")])
def test_the_filter_holds_with_a_class_a_text_and_any_order(
    database: Database, sort: SubjectSort | None
) -> None:
    run_id, _ = _store(database)
    high = _found(database, run_id, sort, criterion=3, risk_class="high")
    assert sorted(high) == sorted(["Ақ жол", "Береке", "Nur Care", "Дом"])
    assert _found(database, run_id, sort, criterion=5, risk_class="medium") == ["Мейірім"]
    assert _found(database, run_id, sort, criterion=1, text="Үміт") == ["Үміт"]
    assert _found(database, run_id, sort, criterion=1, group="home_care") == ["Үміт"]


def test_without_a_run_the_filter_finds_nobody(database: Database) -> None:
    _store(database)
    assert _found(database, None, criterion=1) == []
