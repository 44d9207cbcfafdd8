"""Tables of subjects in any column's order, on SQLite and PostgreSQL: equal scores are ordered by the
planning order's tie-break (gross, significant, minor counts, then the longest since the last visit) exactly
as the semi-annual list orders them (`tekseru.planning.priority_key`), every page is a slice of one order,
and a subject without a score comes last in either direction."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tekseru.planning import CandidateScore, VisitHistory, priority_key
from tekseru.store import AssessmentResultData, Database, run_results
from tekseru.store import registry_queries as queries
from tekseru.store.assessments import add_results, finish_run, start_run
from tekseru.store.inspection_models import InspectionData
from tekseru.store.inspections import add_inspection, complete
from tekseru.store.subject_classes import record_tie_breaks
from tekseru.store.subject_order import SORT_KEYS, SubjectSort
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tests.store.factories import BINS, NOW, subject

SEVERITY = {1: "gross", 2: "gross", 3: "significant", 4: "significant", 5: "minor", 6: "minor"}
# (name, region, groups, [(group, score, violated)], last visit): six at 100.00 told apart by the tie-break
SUBJECTS = (
    ("Ақ жол", "east_kazakhstan", ("stationary",), [("stationary", 100.0, (1, 3))], None),
    ("Береке", "east_kazakhstan", ("stationary",), [("stationary", 100.0, (1, 3))], date(2024, 1, 10)),
    ("Үміт", "east_kazakhstan", ("home_care",), [("home_care", 100.0, (1, 2))], date(2023, 5, 1)),
    ("Nur Care", "east_kazakhstan", ("stationary",), [("stationary", 100.0, (1, 3, 4, 5))], None),
    ("Қамқор", "astana", ("stationary",), [("stationary", 100.0, (1,))], None),
    ("Дом", "east_kazakhstan", ("stationary",), [("stationary", 100.0, (1, 3))], date(2022, 2, 2)),
    (
        "Мейірім",
        "astana",
        ("home_care", "stationary"),
        [("stationary", 40.0, (3,)), ("home_care", 70.0, (5,))],
        None,
    ),
    ("Шапағат", "almaty_city", ("stationary",), [("stationary", 70.0, (6,))], date(2024, 3, 3)),
    ("Жаңа", "almaty_city", ("stationary",), [], None),  # not assessed
)


def _class(score: float) -> str:
    return "high" if score >= 100 else "medium" if score >= 60 else "low"


def _store(database: Database) -> tuple[uuid.UUID, dict[str, int]]:
    with database.transaction() as session:
        upsert_subjects(
            session,
            [subject(i, name=n, region=r, groups=g) for i, (n, r, g, _, _) in enumerate(SUBJECTS)],
            now=NOW,
        )
        ids = subject_ids_by_bin(session, BINS[: len(SUBJECTS)])
        run = start_run(
            session, as_of=date(2024, 6, 1), edition_id="e", inputs_fingerprint="f", subjects_total=9, now=NOW
        )
        results = [
            AssessmentResultData(ids[BINS[i]], group, score, _class(score), 0, 0, 0, violated)
            for i, (_, _, _, scored, _) in enumerate(SUBJECTS)
            for group, score, violated in scored
        ]
        add_results(session, run.id, results)
        finish_run(session, run.id, now=NOW)
        record_tie_breaks(session, run.id, SEVERITY)
        for i, (*_, visit) in enumerate(SUBJECTS):
            if visit is not None:
                data = InspectionData(
                    ids[BINS[i]], "e", 3, ("stationary",), "unscheduled_inspection", "1", visit, ("x",)
                )
                record = add_inspection(session, data, created_by="t", now=NOW)
                complete(session, record.id, inspected_on=visit, completed_by="t", now=NOW)
    return run.id, {BINS[i]: ids[BINS[i]] for i in range(len(SUBJECTS))}


def _names(database: Database, run_id: uuid.UUID, sort: SubjectSort, **filters: str) -> list[str]:
    with database.reading() as session:
        rows, total = queries.search_subjects(
            session, queries.SubjectSearch(**filters), run_id=run_id, limit=50, offset=0, sort=sort
        )
    assert total == len(rows)
    return [row.name for row in rows]


def _planning_order() -> list[str]:
    """The names of the assessed subjects as the semi-annual list would order them."""

    def key(entry: tuple[int, tuple[object, ...]]) -> tuple[object, ...]:
        index, (name, _, _, scored, visit) = entry
        lead = min(
            (
                CandidateScore(
                    subject_id=str(index),
                    bin=BINS[index],
                    name=str(name),
                    region="r",
                    address="a",
                    group=group,
                    objective_high_risk=True,
                    score=score,
                    risk_class=_class(score),
                    gross_count=sum(SEVERITY[n] == "gross" for n in violated),
                    significant_count=sum(SEVERITY[n] == "significant" for n in violated),
                    minor_count=sum(SEVERITY[n] == "minor" for n in violated),
                    main_reasons=(),
                )
                for group, score, violated in scored  # type: ignore[attr-defined]
            ),
            key=lambda s: priority_key(s, VisitHistory(str(index))),
        )
        return priority_key(lead, VisitHistory(str(index), last_visit_on=visit))  # type: ignore[arg-type]

    assessed = [(i, entry) for i, entry in enumerate(SUBJECTS) if entry[3]]
    return [str(entry[0]) for _, entry in sorted(assessed, key=key)]


def test_by_score_is_the_planning_order_with_the_unassessed_last(database: Database) -> None:
    run_id, _ = _store(database)
    by_score = _names(database, run_id, SubjectSort("score"))
    assert by_score == [*_planning_order(), "Жаңа"]
    assert by_score[:6] == ["Үміт", "Nur Care", "Ақ жол", "Дом", "Береке", "Қамқор"]
    assert _names(database, run_id, SubjectSort("score", reverse=True)) == [
        *reversed(_planning_order()),
        "Жаңа",
    ]


def test_the_six_of_east_kazakhstan_have_one_answer_to_highest_risk(database: Database) -> None:
    run_id, _ = _store(database)
    east = _names(database, run_id, SubjectSort("score"), region="east_kazakhstan")
    assert east == ["Үміт", "Nur Care", "Ақ жол", "Дом", "Береке"]
    with database.reading() as session:
        rows, _ = queries.search_subjects(
            session,
            queries.SubjectSearch(region="east_kazakhstan"),
            run_id=run_id,
            limit=2,
            offset=0,
            sort=SubjectSort("score"),
        )
    assert [(r.gross_count, r.significant_count, r.minor_count) for r in rows] == [(2, 0, 0), (1, 2, 1)]
    assert (rows[0].last_visit_on, rows[1].last_visit_on) == (date(2023, 5, 1), None)


def test_other_columns_break_ties_by_the_planning_order(database: Database) -> None:
    run_id, _ = _store(database)
    assert _names(database, run_id, SubjectSort("class"))[:6] == _planning_order()[:6]
    assert _names(database, run_id, SubjectSort("region")) == [
        "Шапағат",
        "Жаңа",
        "Қамқор",
        "Мейірім",
        "Үміт",
        "Nur Care",
        "Ақ жол",
        "Дом",
        "Береке",
    ]
    by_visit = _names(database, run_id, SubjectSort("last_visit"))
    assert by_visit[-4:] == ["Дом", "Үміт", "Береке", "Шапағат"]  # never visited first, then the oldest
    assert _names(database, run_id, SubjectSort("last_visit", reverse=True))[:4] == [
        "Шапағат",
        "Береке",
        "Үміт",
        "Дом",
    ]
    by_group = _names(database, run_id, SubjectSort("group"))
    assert set(by_group[:2]) == {"Үміт", "Мейірім"}  # home_care before stationary
    # By name as people read it: Қ with К, Ү with У, a Latin name among the Cyrillic ones by its sound.
    assert _names(database, run_id, SubjectSort("name")) == [
        "Ақ жол",
        "Береке",
        "Дом",
        "Жаңа",
        "Қамқор",
        "Мейірім",
        "Nur Care",
        "Үміт",
        "Шапағат",
    ]


@pytest.mark.parametrize("key", SORT_KEYS)
def test_pages_are_slices_of_one_order_with_a_text_search_too(database: Database, key: str) -> None:
    run_id, _ = _store(database)
    for text in ("", "а"):
        whole = _names(database, run_id, SubjectSort(key), text=text)
        pages = []
        with database.reading() as session:
            for offset in range(0, len(whole), 2):
                rows, total = queries.search_subjects(
                    session,
                    queries.SubjectSearch(text=text),
                    run_id=run_id,
                    limit=2,
                    offset=offset,
                    sort=SubjectSort(key),
                )
                assert total == len(whole)
                pages += [row.name for row in rows]
        assert pages == whole


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="sort by one of"):
        SubjectSort("bin; drop table")


@pytest.mark.parametrize("key", SORT_KEYS)
def test_a_runs_results_sort_and_page_alike(database: Database, key: str) -> None:
    run_id, _ = _store(database)
    with database.reading() as session:
        whole, total = run_results.run_result_rows(session, run_id, limit=50, sort=SubjectSort(key))
        pages = [
            row
            for offset in range(0, total, 3)
            for row in run_results.run_result_rows(
                session, run_id, limit=3, offset=offset, sort=SubjectSort(key)
            )[0]
        ]
    assert total == 9 and pages == whole  # one row per subject and group: Мейірім has two
    if key == "score":
        assert [row.name for row in whole[:6]] == ["Үміт", "Nur Care", "Ақ жол", "Дом", "Береке", "Қамқор"]
    if key == "last_visit":
        assert [row.last_visit_on for row in whole][-4:] == sorted(
            day for *_, day in SUBJECTS if day is not None
        )
