"""A group's code in the results (migration 0025): given once, kept, and each key its own; the results read
back their keys."""

from __future__ import annotations

from tekseru.store import Database
from tekseru.store.assessments import results_for_run
from tekseru.store.result_groups import coded, group_codes
from tests.store.factories import add_subjects
from tests.store.test_pggrow10_migration import _coded_run


def test_each_key_gets_one_code_and_keeps_it(database: Database) -> None:
    with database.transaction() as session:
        first = group_codes(session, ["home_care", "stationary_care"])
        assert len(set(first.values())) == 2
        again = coded(session, ["stationary_care", "home_care", "home_care", "новая_группа"])
    assert again[:3] == [first["stationary_care"], first["home_care"], first["home_care"]]
    assert again[3] not in first.values()
    with database.transaction() as session:
        assert group_codes(session, ["новая_группа", "home_care"]) == {
            "новая_группа": again[3],
            "home_care": first["home_care"],
        }
        assert group_codes(session, []) == {}


def test_results_read_back_their_groups_keys(database: Database) -> None:
    ids = add_subjects(database, 3)
    with database.transaction() as session:
        group_codes(session, ["access_high_risk_objects"])  # a code given before, to another key
    run = _coded_run(database, ids)
    with database.reading() as session:
        stored = results_for_run(session, run)
        assert [(result.subject_id, result.group_key) for result in stored] == [
            (ids[1], "home_care"),
            (ids[0], "home_care"),
            (ids[2], "temporary_stay"),
        ]
        assert [result.group_key for result in results_for_run(session, run, group_key="temporary_stay")] == [
            "temporary_stay"
        ]
