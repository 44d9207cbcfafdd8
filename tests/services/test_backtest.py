"""Backtesting on synthetic histories written through the real use cases, on SQLite and PostgreSQL: the known
effect is recovered, no effect is invented, and the figures are reproducible and read-only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from tekseru.planning import HalfYear
from tekseru.planning.backtest import RANDOM, TEKSERU, BacktestReport
from tekseru.services import audit
from tekseru.services.audit import AuditFilter
from tekseru.services.backtest import BacktestError, half_years, run_backtest
from tekseru.services.backtest_history import HistoryDesign, write_history
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database
from tekseru.store.database import open_database, sqlite_url
from tekseru.store.inspection_models import Inspection
from tekseru.store.models import Assessment, Evidence
from tekseru.store.plan_models import PlanList
from tests.catalogue import CATALOGUE
from tests.databases import (
    DATABASE_KINDS,
    PostgresTestServer,
    database,
    database_url,
    postgres_server,
    shared_database,
)

__all__ = ["database", "database_url", "postgres_server"]

SYSTEM = Actor.system("backtest test")
DESIGN = HistoryDesign()
START, END = str(DESIGN.periods[0]), str(DESIGN.periods[-1])
FIRST_N = DESIGN.visits_per_region  # a third of each half-year's visits


def replay(db: Database, **options: object) -> BacktestReport:
    options.setdefault("catalogue", CATALOGUE)
    return run_backtest(db, SYSTEM, start=START, end=END, first_n=FIRST_N, **options)  # type: ignore[arg-type]


def margin(report: BacktestReport) -> float:
    tekseru, random = report.overall[TEKSERU].hit_rate, report.overall[RANDOM].hit_rate
    assert tekseru is not None and random is not None
    return tekseru - random


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def designed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresTestServer | None,
) -> Iterator[Database]:
    """A database holding the history of DESIGN, written once per database kind: the tests that use it only
    read it (writing it took most of this file's time, and it was written anew for each of them)."""
    with shared_database(request.param, tmp_path_factory.mktemp("designed"), postgres_server) as (_, db):
        loaded = write_history(db, DESIGN, catalogue=CATALOGUE)
        assert loaded.loaded and loaded.inspections == DESIGN.half_years * 3 * DESIGN.visits_per_region
        assert loaded.lists == DESIGN.half_years
        yield db


@pytest.fixture(scope="module")
def figures_of_another_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The figures of DESIGN written into a new SQLite file of its own, and replayed there."""
    other = open_database(sqlite_url(tmp_path_factory.mktemp("again") / "again.sqlite3"))
    try:
        write_history(other, DESIGN, catalogue=CATALOGUE)
        return replay(other).to_dict()
    finally:
        other.close()


def test_the_backtest_recovers_the_designed_effect(designed: Database) -> None:
    report = replay(designed)
    assert [str(half.half_year) for half in report.half_years] == [str(p) for p in DESIGN.periods]
    assert all(half.visits == 3 * DESIGN.visits_per_region for half in report.half_years)
    assert margin(report) >= DESIGN.designed_margin
    # Violations are found earlier in the half-year, and the score is calibrated: the high class finds
    # violations more often than the low one, beyond both 95 % intervals.
    tekseru_days = report.overall[TEKSERU].mean_days_to_discovery
    random_days = report.overall[RANDOM].mean_days_to_discovery
    assert tekseru_days is not None and random_days is not None and tekseru_days < random_days
    classes = {rate.label: rate for rate in report.by_class}
    low, high = classes["low"].interval, classes["high"].interval
    assert low is not None and high is not None and high[0] > low[1]
    # Each signal the design ties to the latent risk raises the chance of a finding.
    lifts = {lift.criterion: lift.lift for lift in report.lift}
    assert all(lifts[criterion] is not None and lifts[criterion] > 1 for criterion in (73, 78, 80))
    # Rows the history never gives evidence for (other groups' rows) never fire.
    assert {1, 2, 23, 90} <= set(report.never_fired) and 73 not in report.never_fired


def test_a_history_without_relation_shows_no_effect(database: Database) -> None:
    write_history(database, HistoryDesign(related=False), catalogue=CATALOGUE)
    report = replay(database)
    assert abs(margin(report)) < DESIGN.designed_margin
    classes = {rate.label: rate for rate in report.by_class}
    low, high = classes["low"].interval, classes["high"].interval
    assert low is not None and high is not None
    assert high[0] <= low[1] and low[0] <= high[1]  # the intervals overlap: no difference shown


def test_the_figures_are_reproducible_and_reading_changes_nothing(
    designed: Database, figures_of_another_database: dict[str, Any]
) -> None:
    def counts() -> tuple[int, ...]:
        with designed.reading() as session:
            return tuple(
                session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (Evidence, Inspection, Assessment, PlanList)
            )

    before = counts()
    first = replay(designed).to_dict()
    assert replay(designed).to_dict() == first
    assert counts() == before
    # The same design written into another database gives the same figures.
    assert figures_of_another_database == first
    # Another seed of the random baseline changes only that baseline.
    reseeded = replay(designed, seed=99).to_dict()
    assert reseeded["overall"][TEKSERU] == first["overall"][TEKSERU]
    assert reseeded["seed"] == 99


def test_the_history_is_written_only_into_an_empty_registry_and_audited(database: Database) -> None:
    small = HistoryDesign(half_years=2, subjects_per_region=3, visits_per_region=1)
    write_history(database, small, actor=Actor.system("planner-7"), catalogue=CATALOGUE)
    entries = audit.browse(database, SYSTEM, AuditFilter(action="history.write")).entries
    assert sorted((entry.actor, entry.entity_key) for entry in entries) == [
        ("planner-7", "2024-H1"),
        ("planner-7", "2024-H2"),
    ]
    again = write_history(database, DESIGN, catalogue=CATALOGUE)
    assert not again.loaded and again.subjects == 9 and again.inspections == 0


def test_a_half_year_without_visits_has_no_figures_to_invent(database: Database) -> None:
    write_history(
        database, HistoryDesign(half_years=1, subjects_per_region=3, visits_per_region=1), catalogue=CATALOGUE
    )
    report = run_backtest(database, SYSTEM, start="2030-H1", end="2030-H2", first_n=5, catalogue=CATALOGUE)
    assert [half.visits for half in report.half_years] == [0, 0]
    assert report.overall[TEKSERU].hit_rate is None and report.overall[TEKSERU].mean_days_to_discovery is None


def test_who_may_run_a_backtest(database: Database) -> None:
    viewer = Actor("viewer", Role.VIEWER)
    assert run_backtest(
        database, viewer, start="2024-H1", end="2024-H1", first_n=1, catalogue=CATALOGUE
    ).half_years
    with pytest.raises(PermissionDenied):
        run_backtest(
            database,
            Actor("inspector", Role.INSPECTOR, region="astana"),
            start="2024-H1",
            end="2024-H1",
            catalogue=CATALOGUE,
        )


def test_bad_periods_are_refused_with_their_reason() -> None:
    with pytest.raises(BacktestError) as later:
        half_years("2026-H1", "2024-H2")
    assert later.value.message is not None
    assert later.value.message.key == "backtest.error.order" and later.value.message.params == {
        "start": "2026-H1",
        "end": "2024-H2",
    }
    with pytest.raises(BacktestError) as long:
        half_years("2000-H1", "2030-H1")
    assert long.value.message is not None and long.value.message.key == "backtest.error.too_long"
    assert half_years(HalfYear(2024, 2), "2025-H2") == [
        HalfYear(2024, 2),
        HalfYear(2025, 1),
        HalfYear(2025, 2),
    ]
