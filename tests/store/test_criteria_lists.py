"""Violated criteria stored as the UTF-8 of characters numbered as the criteria (migration 0026): a list
reads back as it was written, whatever its numbers; a criterion's bytes are found in a list only where that
criterion is (UTF-8 marks where each character starts); and the registry's criterion filter finds the
subjects by them on SQLite and PostgreSQL, numbers of two bytes too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tekseru.store import AssessmentResultData, Database
from tekseru.store.assessments import add_results, finish_run, results_for_run, start_run
from tekseru.store.criteria_lists import NOTHING, needle, packed, unpacked
from tekseru.store.registry_queries import SubjectSearch, search_subjects
from tests.store.factories import NOW, add_subjects

LISTS = [(), (1,), (1, 2, 5, 78), (127, 128), (5, 200, 2047, 2048, 9999), (130, 2)]


@pytest.mark.parametrize("numbers", LISTS)
def test_a_list_reads_back_as_written(numbers: tuple[int, ...]) -> None:
    stored = packed(numbers)
    assert unpacked(stored) == list(numbers)
    assert len(stored) == sum(1 if n < 128 else 2 if n < 2048 else 3 for n in numbers)


def test_a_criterion_is_found_only_where_it_is() -> None:
    for numbers in LISTS:
        stored = packed(numbers)
        for number in range(1, 2100):
            assert (needle(number) in stored) == (number in numbers), (numbers, number)
    assert needle(0) == needle(-3) == needle(0xD800) == NOTHING and NOTHING not in packed(range(1, 3000))


def _run(database: Database, ids: list[int]) -> object:
    with database.transaction() as session:
        run = start_run(
            session, as_of=date(2024, 6, 1), edition_id="e", inputs_fingerprint="v", subjects_total=3, now=NOW
        )
        results = [
            AssessmentResultData(subject_id, "stationary", 10.0, "low", 10.0, 0.0, 0, numbers)
            for subject_id, numbers in zip(ids, [(130, 2), (2,), (200, 9999)], strict=True)
        ]
        add_results(session, run.id, results)
        finish_run(session, run.id, now=NOW)
    return run.id


@pytest.mark.parametrize(("criterion", "found"), [(2, [0, 1]), (130, [0]), (9999, [2]), (3, []), (66, [])])
def test_the_criterion_filter_finds_the_subjects_by_their_bytes(
    database: Database, criterion: int, found: list[int]
) -> None:
    ids = add_subjects(database, 3)
    run = _run(database, ids)
    with database.reading() as session:
        assert [r.violated_criteria for r in results_for_run(session, run)] == [(130, 2), (2,), (200, 9999)]
        rows, total = search_subjects(
            session,
            SubjectSearch(criterion=criterion),
            run_id=run,
            limit=10,
            offset=0,  # type: ignore[arg-type]
        )
    assert [row.id for row in rows] == [ids[i] for i in found] and total == len(found)
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT violated_criteria FROM assessment_results")).scalars()
        assert sorted(bytes(value) for value in stored) == sorted(
            [b"\xc2\x82\x02", b"\x02", packed([200, 9999])]
        )
