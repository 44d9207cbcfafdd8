"""The assessment use case on SQLite and PostgreSQL: what is stored, reproducibility, failure, explaining."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from tekseru.catalog_files import load_catalogue
from tekseru.scoring import NEVER_USED, EvidenceFact, GroupProfile, ScoringRules, day_number, score_group
from tekseru.services.assessment_subject import stored_score
from tekseru.services.assessments import (
    NoAssessment,
    UnknownSubject,
    assessment_results,
    class_counts,
    run_assessment,
    subject_explanation,
)
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import AssessmentResultData, Database, SubjectData, open_database, sqlite_url
from tekseru.store.assessment_load import (
    load_evidence,
    load_registry,
    parse_dates,
    parse_fixed_digits,
    parse_numbers,
)
from tekseru.store.assessments import get_run, latest_run, results_for_run
from tekseru.store.evidence import evidence_for_subjects
from tekseru.store.snapshots import sqlite_file
from tekseru.store.subjects import upsert_subjects
from tests.catalogue import CATALOGUE
from tests.databases import PostgresTestServer
from tests.services.assessment_fixtures import (
    AS_OF,
    BINS,
    FACTS,
    NOW,
    SUBJECTS,
    Fact,
    Registry,
    add_evidence,
    add_registry,
    random_registry,
)

EDITION = load_catalogue().edition_at(AS_OF)
RULES = ScoringRules.from_edition(EDITION)
SYSTEM = Actor.system()


def clock() -> Any:
    return NOW


@pytest.fixture
def registry(database: Database) -> Registry:
    return add_registry(database)


def results(database: Database, run_id: uuid.UUID) -> dict[tuple[int, str], AssessmentResultData]:
    with database.transaction() as session:
        return {(r.subject_id, r.group_key): r for r in results_for_run(session, run_id)}


def test_scores_and_explanations_are_stored(database: Database, registry: Registry) -> None:
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (summary.status, summary.reused, summary.edition_id) == ("finished", False, EDITION.id)
    assert (summary.subjects, summary.subject_groups, summary.evidence) == (5, 6, len(FACTS))
    assert summary.classes == {"low": 4, "medium": 1, "high": 1}
    stored = results(database, summary.run_id)
    ids, subject = registry.evidence_ids, registry.subject_ids
    stationary = stored[(subject[0], "stationary_care")]
    assert stationary.violated_criteria == (3, 9)
    assert stationary.explanation == {
        "counted": {"3": [ids["both_groups"]], "9": [ids["stationary_only"]]},
        "ignored": {
            "after_as_of": {"6": [ids["after_as_of"]]},
            "outside_period": {"4": [ids["too_old"]]},
            "already_used": {"73": [ids["used"]]},
            "not_applicable_to_group": {"25": [ids["home_only"]]},
            "unconfirmed_complaint": {"86": [ids["unconfirmed"]]},
            "below_complaint_threshold": {"86": [ids["single_complaint"]]},
        },
    }
    assert list(stationary.explanation["ignored"]) == [
        "after_as_of",
        "outside_period",
        "already_used",
        "not_applicable_to_group",
        "unconfirmed_complaint",
        "below_complaint_threshold",
    ]
    assert (stationary.score, stationary.risk_class, stationary.gross_found) == (9.33, "low", 0)
    assert stationary.significant_part == pytest.approx(2 / 15 * 70)
    assert stationary.minor_part == 0.0
    complaints = stored[(subject[1], "stationary_care")]
    assert complaints.explanation["counted"] == {
        "5": [ids["minor"]],
        "86": sorted([ids["complaint_a"], ids["complaint_b"]]),
    }
    assert complaints.explanation["ignored"] == {}
    local = stored[(subject[2], "local_executive_body")]
    assert (local.score, local.risk_class) == (53.33, "medium")
    gross = stored[(subject[3], "home_care")]
    assert (gross.score, gross.risk_class, gross.gross_found, gross.violated_criteria) == (
        100.0,
        "high",
        1,
        (23,),
    )
    nothing = stored[(subject[4], "stationary_care")]
    assert (nothing.score, nothing.risk_class, nothing.violated_criteria) == (0.0, "low", ())
    assert nothing.explanation == {"counted": {}, "ignored": {}}


def test_evidence_counts_in_every_group_of_a_subject_where_its_criterion_applies(
    database: Database, registry: Registry
) -> None:
    stored = results(database, run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE).run_id)
    ids, first = registry.evidence_ids, registry.subject_ids[0]
    home = stored[(first, "home_care")]
    assert home.explanation["counted"] == {"3": [ids["both_groups"]], "25": [ids["home_only"]]}
    assert home.explanation["ignored"]["not_applicable_to_group"] == {"9": [ids["stationary_only"]]}
    assert home.violated_criteria == (3, 25)
    assert home.score == round(1 / 13 * 70 + 1 / 7 * 30, 2)
    assert stored[(first, "stationary_care")].violated_criteria == (3, 9)


def assert_same_as_reference_engine(database: Database, run_id: uuid.UUID, as_of: date) -> int:
    """Every stored result equals `score_group` on the subject's evidence; how many were compared."""
    with database.transaction() as session:
        stored = results_for_run(session, run_id)
        facts: dict[int, list[EvidenceFact]] = {}
        for record in evidence_for_subjects(session, {result.subject_id for result in stored}):
            facts.setdefault(record.subject_id, []).append(
                EvidenceFact(
                    record.id,
                    record.criterion,
                    record.source_group,
                    record.observed_on,
                    record.confirmed,
                    record.used_on,
                )
            )
    for result in stored:
        profile = GroupProfile.from_edition(EDITION, result.group_key)
        expected = score_group(RULES, profile, facts.get(result.subject_id, []), as_of)
        assert stored_score(RULES, profile, as_of, result) == expected
        assert result.violated_criteria == expected.counted_criteria
        assert (result.score, result.risk_class) == (expected.score, expected.risk_class.value)
    return len(stored)


def test_stored_results_equal_the_reference_engine(database: Database, registry: Registry) -> None:
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert assert_same_as_reference_engine(database, summary.run_id, AS_OF) == 6


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_registry_scores_as_the_reference_engine(database: Database, seed: int) -> None:
    subjects, facts = random_registry(seed)
    add_registry(database, subjects, facts)
    summary = run_assessment(database, as_of=AS_OF, clock=clock, chunk=7, catalogue=CATALOGUE)
    assert assert_same_as_reference_engine(database, summary.run_id, AS_OF) == summary.subject_groups
    assert summary.subject_groups == sum(len(subject.groups) for subject in subjects)


def test_the_same_inputs_reuse_the_finished_run(database: Database, registry: Registry) -> None:
    first = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    again = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (again.reused, again.run_id, again.fingerprint) == (True, first.run_id, first.fingerprint)
    assert again.classes == first.classes
    recomputed = run_assessment(database, as_of=AS_OF, clock=clock, reuse=False, catalogue=CATALOGUE)
    assert (recomputed.reused, recomputed.fingerprint) == (False, first.fingerprint)
    assert recomputed.run_id != first.run_id
    assert results(database, recomputed.run_id) == results(database, first.run_id)


@pytest.fixture
def other_database(
    database_url: str, tmp_path: Path, postgres_server: PostgresTestServer | None
) -> Iterator[Database]:
    """A second empty database of the same kind as `database` (another SQLite file or PostgreSQL schema)."""
    if database_url.startswith("sqlite"):
        opened = open_database(sqlite_url(tmp_path / "other.sqlite3"))
        yield opened
        opened.close()
        return
    assert postgres_server is not None
    schema, url = postgres_server.new_schema()
    opened = open_database(url.render_as_string(hide_password=False))
    try:
        yield opened
    finally:
        opened.close()
        postgres_server.drop_schema(schema)


def test_the_fingerprint_does_not_depend_on_the_order_rows_were_stored_in(
    database: Database, other_database: Database
) -> None:
    add_registry(database)
    last = len(SUBJECTS) - 1
    reversed_facts = [replace(fact, subject=last - fact.subject) for fact in reversed(FACTS)]
    add_registry(other_database, tuple(reversed(SUBJECTS)), reversed_facts)
    first = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    second = run_assessment(other_database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64


def test_new_evidence_changes_the_fingerprint(database: Database, registry: Registry) -> None:
    first = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    new = add_evidence(database, registry, Fact("late_gross", 4, 7, 1, date(2024, 6, 15)))
    second = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (second.reused, second.fingerprint != first.fingerprint) == (False, True)
    after = results(database, second.run_id)[(registry.subject_ids[4], "stationary_care")]
    assert (after.score, after.explanation["counted"]) == (100.0, {"7": [new["late_gross"]]})
    other_day = run_assessment(database, as_of=date(2024, 7, 2), clock=clock, catalogue=CATALOGUE)
    assert other_day.fingerprint not in (first.fingerprint, second.fingerprint)


def test_an_assessment_in_the_past_ignores_later_evidence(database: Database, registry: Registry) -> None:
    past = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    later = run_assessment(database, as_of=date(2024, 9, 1), clock=clock, catalogue=CATALOGUE)
    ids, first = registry.evidence_ids, registry.subject_ids[0]
    before = results(database, past.run_id)[(first, "stationary_care")]
    after = results(database, later.run_id)[(first, "stationary_care")]
    assert before.explanation["ignored"]["after_as_of"] == {"6": [ids["after_as_of"]]}
    assert after.explanation["counted"]["6"] == [ids["after_as_of"]]
    august = add_evidence(database, registry, Fact("august", 1, 7, 1, date(2024, 8, 15)))["august"]
    again = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (again.reused, again.fingerprint != past.fingerprint) == (False, True)
    reproduced, original = results(database, again.run_id), results(database, past.run_id)
    assert reproduced.keys() == original.keys()
    for key, result in original.items():
        now = reproduced[key]
        assert (now.score, now.risk_class, now.violated_criteria) == (
            result.score,
            result.risk_class,
            result.violated_criteria,
        )
    ignored = reproduced[(registry.subject_ids[1], "stationary_care")].explanation["ignored"]
    assert ignored == {"after_as_of": {"7": [august]}}


def test_a_failed_run_is_marked_failed_with_the_error(database: Database, registry: Registry) -> None:
    def broken(done: int, total: int) -> None:
        if done:
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="the disk is full"):
        run_assessment(database, as_of=AS_OF, clock=clock, progress=broken, catalogue=CATALOGUE)
    with database.transaction() as session:
        run = latest_run(session, status=None)
        assert run is not None
        assert (run.status, run.message) == ("failed", "RuntimeError: the disk is full")
        assert results_for_run(session, run.id) == []
    with pytest.raises(NoAssessment):
        assessment_results(database, SYSTEM)


def test_progress_is_reported_while_storing(database: Database, registry: Registry) -> None:
    calls: list[tuple[int, int]] = []
    run_assessment(
        database,
        as_of=AS_OF,
        clock=clock,
        progress=lambda done, total: calls.append((done, total)),
        chunk=4,
        catalogue=CATALOGUE,
    )
    assert calls == [(0, 6), (4, 6), (6, 6)]


def test_an_empty_registry_gives_a_finished_run_without_results(database: Database) -> None:
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (summary.status, summary.subject_groups, summary.evidence) == ("finished", 0, 0)
    assert assessment_results(database, SYSTEM) == []


def test_groups_unknown_to_the_edition_are_skipped_and_counted(
    database: Database, registry: Registry
) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [SubjectData(BINS[50], "School", "astana", "", ("school",))], now=NOW)
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert (summary.skipped_groups, summary.subject_groups) == ({"school": 1}, 6)


def test_evidence_with_gaps_in_its_ids_is_read_whole(database: Database, registry: Registry) -> None:
    with database.transaction() as session:
        session.execute(text("DELETE FROM evidence WHERE id = :id"), {"id": registry.evidence_ids["too_old"]})
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    assert summary.evidence == len(FACTS) - 1
    assert assert_same_as_reference_engine(database, summary.run_id, AS_OF) == 6


def test_results_and_class_counts_of_the_latest_run(database: Database, registry: Registry) -> None:
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    rows = assessment_results(database, SYSTEM)
    assert [row.result.score for row in rows] == sorted((row.result.score for row in rows), reverse=True)
    assert rows[0].to_json() == {
        "bin": BINS[3],
        "name": "«Үміт» ЖШС",
        "region": "shymkent",
        "group": "home_care",
        "score": 100.0,
        "risk_class": "high",
        "violated_criteria": [23],
        "significant_part": 0.0,
        "minor_part": 0.0,
        "gross_found": True,
        "as_of": "2024-07-01",
        "run_id": str(summary.run_id),
    }
    assert len(assessment_results(database, SYSTEM, summary.run_id, limit=2)) == 2
    counts = {
        (c.group, c.region, c.risk_class): c.count for c in class_counts(database, SYSTEM, summary.run_id)
    }
    assert counts[("stationary_care", "astana", "low")] == 1
    assert sum(counts.values()) == 6
    with database.transaction() as session:
        run = get_run(session, summary.run_id)
    assert run is not None and (run.subjects_total, run.subjects_done) == (6, 6)
    started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=UTC)
    assert started == NOW


def test_an_inspector_reads_the_results_of_its_own_region(database: Database, registry: Registry) -> None:
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    inspector = Actor("a-inspector", Role.INSPECTOR, "shymkent")
    everyone = assessment_results(database, SYSTEM, summary.run_id)
    own = [row for row in everyone if row.result.region == "shymkent"]
    assert own and len(own) < len(everyone)
    assert assessment_results(database, inspector, summary.run_id) == own
    assert assessment_results(database, inspector, summary.run_id, limit=1) == own[:1]
    counts = class_counts(database, inspector, summary.run_id)
    assert {count.region for count in counts} == {"shymkent"} and sum(c.count for c in counts) == len(own)
    assert subject_explanation(database, inspector, BINS[3], as_of=AS_OF, catalogue=CATALOGUE).groups
    other = next(row.result.bin for row in everyone if row.result.region != "shymkent")
    with pytest.raises(PermissionDenied):
        subject_explanation(database, inspector, other, as_of=AS_OF, catalogue=CATALOGUE)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ("тәуекел балы", "Стационар және жартылай стационар", "ескіру мерзімі өткен")),
        ("ru", ("балл риска", "в условиях стационара", "истёк срок давности")),
        ("en", ("risk score", "in stationary and semi-stationary", "limitation period")),
    ],
)
def test_explain_subject_in_each_language(
    database: Database, registry: Registry, language: Any, words: tuple[str, ...]
) -> None:
    fresh = subject_explanation(
        database, SYSTEM, BINS[0], as_of=AS_OF, language=language, catalogue=CATALOGUE
    ).lines()
    run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    stored = subject_explanation(
        database, SYSTEM, BINS[0], as_of=AS_OF, language=language, catalogue=CATALOGUE
    ).lines()
    assert stored == fresh
    text_of_3 = EDITION.criterion(3).text.in_language(language)
    joined = "\n".join(stored)
    assert all(word in joined for word in words), joined
    assert text_of_3 in joined
    assert sum(line == "" for line in stored) == 1  # two groups
    assert str(registry.evidence_ids["both_groups"]) in joined


def test_explain_subject_says_where_its_scores_come_from(database: Database, registry: Registry) -> None:
    assert all(
        group.run_id is None
        for group in subject_explanation(database, SYSTEM, BINS[1], as_of=AS_OF, catalogue=CATALOGUE).groups
    )
    summary = run_assessment(database, as_of=AS_OF, clock=clock, catalogue=CATALOGUE)
    explained = subject_explanation(
        database, SYSTEM, f" {BINS[1]} ", as_of=AS_OF, language="en", catalogue=CATALOGUE
    )
    assert [(group.group, group.run_id) for group in explained.groups] == [
        ("stationary_care", summary.run_id)
    ]
    assert explained.groups[0].score is not None and explained.groups[0].score.score == 14.67
    later = subject_explanation(
        database, SYSTEM, BINS[1], as_of=date(2024, 7, 5), language="en", catalogue=CATALOGUE
    )
    assert later.groups[0].run_id is None


def test_explaining_an_unknown_bin_names_it(database: Database, registry: Registry) -> None:
    with pytest.raises(UnknownSubject, match=BINS[99]):
        subject_explanation(database, SYSTEM, BINS[99], as_of=AS_OF, catalogue=CATALOGUE).lines()


def test_dates_bins_and_numbers_are_read_as_python_reads_them() -> None:
    days = [date(1, 1, 1), date(1969, 12, 31), date(1970, 1, 1), date(2000, 2, 29), date(2024, 12, 31)]
    days += [date(2023, 1, 1) + timedelta(days=step) for step in range(0, 900, 13)]
    parsed = parse_dates("".join(day.isoformat() for day in days) + "0000-00-00")
    assert parsed.tolist() == [day_number(day) for day in days] + [NEVER_USED]
    assert parse_dates(None).tolist() == []
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_dates("2024/01/01")
    assert parse_fixed_digits("".join(BINS[:3]), 12).tolist() == [int(bin) for bin in BINS[:3]]
    assert parse_numbers("3,-1,12345678901").tolist() == [3, -1, 12345678901]
    assert parse_numbers("").tolist() == []


def test_evidence_reads_the_same_in_ranges_and_in_parallel(database: Database) -> None:
    subjects, facts = random_registry(3)
    add_registry(database, subjects, facts)
    with database.transaction() as session:
        path = sqlite_file(session)
        whole = load_evidence(session)
        ranges = load_evidence(session, chunk=7)
        parallel = load_evidence(session, chunk=7, readers=2, path=path) if path else ranges
        registry, evidence = load_registry(session)
    for name in ("id", "subject_id", "criterion", "source_group", "observed_on", "confirmed", "used_on"):
        expected = getattr(whole, name)
        for other in (ranges, parallel, evidence):
            assert np.array_equal(np.sort(getattr(other, name)), np.sort(expected)), name
    assert len(whole) == len(facts)
    assert set(registry.group_keys) == {group for subject in subjects for group in subject.groups}


def test_an_assessment_reads_alone_while_another_connection_writes(
    database: Database, registry: Registry
) -> None:
    with database.transaction() as session:
        path = sqlite_file(session)
    if path is None:
        pytest.skip("SQLite's write lock")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with database.reading() as session:
            _, evidence = load_registry(session)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert len(evidence) == len(FACTS)


def test_reading_the_registry_leaves_the_connection_with_sqlites_own_cache(
    database: Database, registry: Registry
) -> None:
    """The large cache and the mapped file of the bulk read end with it: the connection goes back to the
    pool, and the run's results were stored on it with a quarter of a gigabyte of cache."""
    with database.reading() as session:
        if sqlite_file(session) is None:
            pytest.skip("SQLite's cache")
        load_registry(session)
        pragmas = [session.execute(text(f"PRAGMA {name}")).scalar() for name in ("cache_size", "mmap_size")]
    assert pragmas == [-2000, 0]
