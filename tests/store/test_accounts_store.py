"""The store of accounts: users, sessions, failed sign-ins, secrets, the audit log, jobs, and the
registry queries; on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError

from tekseru.store import AssessmentResultData, Database, accounts, audit, dashboard_figures, run_results
from tekseru.store import registry_queries as queries
from tekseru.store.assessments import add_results, finish_run, start_run
from tests.store.factories import BINS, NOW, add_subjects, subject

LATER = NOW + timedelta(hours=1)


def add_user(
    session: object, name: str = "ann", role: str = "planner", region: str | None = None
) -> accounts.UserRecord:
    return accounts.add_user(
        session,  # type: ignore[arg-type]
        username=name,
        full_name=name.title(),
        password_hash="$argon2id$hash",
        role=role,
        region=region,
        now=NOW,
    )


def test_users(database: Database) -> None:
    with database.transaction() as session:
        ann = add_user(session)
        add_user(session, "bob", "inspector", "astana")
        found, by_id = accounts.find_user(session, "ann"), accounts.get_user(session, ann.id)
        assert found is not None and by_id is not None and found.id == by_id.id == ann.id
        assert (found.full_name, found.role, found.active) == ("Ann", "planner", True)
        assert not hasattr(found, "password_hash")  # a user's record is safe to hand out
        assert accounts.password_hash(session, found.id) == "$argon2id$hash"
        assert [u.username for u in accounts.user_records(session)] == ["ann", "bob"]
        assert accounts.count_users(session, role="inspector") == 1
        changed = accounts.update_user_record(session, ann.id, now=LATER, role="admin", active=False)
        assert (changed.role, changed.active, changed.updated_at.replace(tzinfo=UTC)) == (
            "admin",
            False,
            LATER,
        )
        assert accounts.count_users(session, active=True) == 1
        with pytest.raises(ValueError, match="cannot change"):
            accounts.update_user_record(session, ann.id, now=LATER, username="x")


@pytest.mark.parametrize(
    ("name", "role", "region"), [("ann", "viewer", None), ("new", "inspector", None), ("new", "king", None)]
)
def test_the_database_refuses_a_bad_user(
    database: Database, name: str, role: str, region: str | None
) -> None:
    with database.transaction() as session:
        add_user(session)
    with pytest.raises(IntegrityError), database.transaction() as session:
        add_user(session, name, role, region)


def test_sessions(database: Database) -> None:
    with database.transaction() as session:
        ann = add_user(session)
        accounts.add_session(
            session, session_id="a" * 64, user_id=ann.id, csrf_token="c1", now=NOW, expires_at=LATER
        )
        accounts.add_session(
            session, session_id="b" * 64, user_id=ann.id, csrf_token="c2", now=NOW, expires_at=LATER
        )
        live = accounts.live_session(session, "a" * 64, NOW)
        assert live is not None and (live.user.username, live.csrf_token) == ("ann", "c1")
        assert accounts.live_session(session, "a" * 64, LATER) is None  # expired
        assert accounts.live_session(session, "c" * 64, NOW) is None
        accounts.delete_session(session, "a" * 64)
        assert accounts.live_session(session, "a" * 64, NOW) is None
        assert accounts.delete_expired_sessions(session, LATER) == 1
        accounts.add_session(
            session, session_id="d" * 64, user_id=ann.id, csrf_token="c", now=NOW, expires_at=LATER
        )
        assert accounts.delete_user_sessions(session, ann.id) == 1


def test_login_failures(database: Database) -> None:
    with database.transaction() as session:
        for minute, (name, client) in enumerate([("ann", "1.1.1.1"), ("ann", "2.2.2.2"), ("bob", "1.1.1.1")]):
            accounts.add_login_failure(
                session, username=name, client=client, at=NOW + timedelta(minutes=minute)
            )
        assert accounts.count_login_failures(session, since=NOW - timedelta(minutes=1), username="ann") == 2
        assert accounts.count_login_failures(session, since=NOW - timedelta(minutes=1), client="1.1.1.1") == 2
        assert (
            accounts.count_login_failures(session, since=NOW, client="1.1.1.1") == 1
        )  # strictly after `since`
        accounts.clear_login_failures(session, username="ann")
        assert accounts.count_login_failures(session, since=NOW - timedelta(days=1), username="ann") == 0
        accounts.delete_login_failures_before(session, NOW + timedelta(minutes=5))
        assert accounts.count_login_failures(session, since=NOW - timedelta(days=1), client="1.1.1.1") == 0


def test_a_generated_secret_is_kept(database: Database) -> None:
    with database.transaction() as session:
        assert accounts.secret(session, "key", "first", NOW) == "first"
    with database.transaction() as session:
        assert accounts.secret(session, "key", "second", NOW) == "first"
        assert accounts.secret(session, "other", "x", NOW) == "x"


def test_the_audit_log(database: Database) -> None:
    with database.transaction() as session:
        for minute, (actor, action, key) in enumerate(
            [("ann", "user.create", "bob"), ("ann", "evidence.add", BINS[0]), ("bob", "user.login", "bob")]
        ):
            audit.add_entry(
                session,
                at=NOW + timedelta(minutes=minute),
                actor=actor,
                action=action,
                entity=action.split(".")[0],
                entity_key=key,
                before=None,
                after={"n": minute, "nested": {"list": [1, 2]}},
            )
        newest = audit.list_entries(session)
        assert [e.action for e in newest] == ["user.login", "evidence.add", "user.create"]
        assert newest[0].after == {"n": 2, "nested": {"list": [1, 2]}} and newest[0].before is None
        assert audit.count_entries(session, audit.AuditFilter(actor="ann")) == 2
        assert [
            e.entity_key for e in audit.list_entries(session, audit.AuditFilter(entity="user"), limit=1)
        ] == ["bob"]
        assert audit.list_entries(session, limit=1, offset=2)[0].action == "user.create"
        assert audit.distinct_values(session, "action") == ["evidence.add", "user.create", "user.login"]
        with pytest.raises(ValueError):
            audit.distinct_values(session, "before")


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'eve'", "DELETE FROM audit_log"])
def test_the_audit_log_is_append_only(database: Database, statement: str) -> None:
    with database.transaction() as session:
        audit.add_entry(session, at=NOW, actor="ann", action="user.create", entity="user", entity_key="bob")
    with pytest.raises(DatabaseError, match="append-only"), database.transaction() as session:
        session.execute(text(statement))


# Registry queries


def _with_scores(database: Database) -> uuid.UUID:
    ids = add_subjects(database, 4)
    with database.transaction() as session:
        from tekseru.store.subjects import upsert_subjects

        upsert_subjects(
            session,
            [
                subject(0, name="«Мейірім» орталығы"),
                subject(1, name="Шапағат", region="shymkent"),
                subject(3, name="100% Care"),
            ],
            now=NOW,
        )
        run = start_run(
            session, as_of=date(2024, 6, 1), edition_id="e", inputs_fingerprint="f", subjects_total=4, now=NOW
        )
        results = [
            AssessmentResultData(ids[0], "stationary", 100.0, "high", 0, 0, 1, (7,)),
            AssessmentResultData(ids[0], "home_care", 40.0, "medium", 40, 0, 0, (3, 4)),
            AssessmentResultData(ids[1], "stationary", 50.0, "medium", 50, 0, 0, (3,)),
            AssessmentResultData(ids[2], "stationary", 0.0, "low", 0, 0, 0, ()),
        ]
        add_results(session, run.id, results)
        finish_run(session, run.id, now=NOW)
    return run.id


def search(database: Database, run_id: uuid.UUID | None, **wanted: str) -> list[str]:
    with database.transaction() as session:
        rows, total = queries.search_subjects(
            session, queries.SubjectSearch(**wanted), run_id=run_id, limit=10, offset=0
        )
    assert total == len(rows)
    return [row.bin for row in rows]


def test_searching_subjects(database: Database) -> None:
    run_id = _with_scores(database)
    assert search(database, run_id, text="мейірім") == [BINS[0]]
    assert search(database, run_id, text="МЕЙІРІМ") == [BINS[0]]
    assert search(database, run_id, text="  шапағат ") == [BINS[1]]
    assert search(database, run_id, text="100%") == [BINS[3]]
    assert search(database, run_id, text="1%") == []  # % is not a wildcard
    assert search(database, run_id, text=BINS[2]) == [BINS[2]]
    assert sorted(search(database, run_id, text=BINS[0][:10])) == sorted(
        b for b in BINS[:4] if b.startswith(BINS[0][:10])
    )
    assert search(database, run_id, region="shymkent") == [BINS[1]]
    assert search(database, run_id, risk_class="high") == [BINS[0]]  # its highest class, not each group's
    assert search(database, run_id, risk_class="medium") == [BINS[1]]
    assert search(database, run_id, risk_class="low") == [BINS[2]]
    assert search(database, None, risk_class="low") == []
    assert search(database, run_id, group="stationary", region="astana") == [
        BINS[0],
        BINS[2],
        BINS[3],
    ]  # by id


def test_a_class_filter_gives_the_same_subjects_with_or_without_other_filters(database: Database) -> None:
    run_id = _with_scores(database)  # alone, the run's results are read by class; with a region or a
    for risk_class in ("high", "medium", "low"):  # text, each subject's classes are looked up
        everywhere = search(database, run_id, risk_class=risk_class)
        for region in ("astana", "shymkent"):
            in_region = search(database, run_id, region=region)
            both = search(database, run_id, region=region, risk_class=risk_class)
            assert both == [bin for bin in everywhere if bin in in_region]
        named = search(database, run_id, text="орталығы", risk_class=risk_class)
        assert named == [bin for bin in everywhere if bin in search(database, run_id, text="орталығы")]


def test_subject_rows_carry_groups_and_best_scores(database: Database) -> None:
    run_id = _with_scores(database)
    with database.transaction() as session:
        row = queries.subject_row(session, BINS[0], run_id)
        assert row is not None and (row.score, row.risk_class, row.groups) == (100.0, "high", ("stationary",))
        unscored = queries.subject_row(session, BINS[3], run_id)
        assert unscored is not None and (unscored.score, unscored.risk_class) == (None, None)
        assert queries.subject_row(session, "000000000000", run_id) is None


def test_results_history_and_figures(database: Database) -> None:
    run_id = _with_scores(database)
    with database.transaction() as session:
        rows, total = run_results.run_result_rows(session, run_id, limit=2)
        assert total == 4 and [r.score for r in rows] == [100.0, 50.0]
        rows, total = run_results.run_result_rows(session, run_id, region="shymkent")
        assert total == 1 and rows[0].bin == BINS[1]
        subject_id = queries.subject_row(session, BINS[0], run_id).id  # type: ignore[union-attr]
        history = run_results.score_history(session, subject_id)
        assert [(p.group_key, p.score) for p in history] == [("home_care", 40.0), ("stationary", 100.0)]
        assert dashboard_figures.subjects_by_region(session) == {"astana": 3, "shymkent": 1}
        assert dashboard_figures.classes_by_region(session, run_id) == {
            ("astana", "high"): 1,
            ("astana", "low"): 1,
            ("shymkent", "medium"): 1,
        }
        assert dashboard_figures.classes_by_region(session, run_id, region="shymkent") == {
            ("shymkent", "medium"): 1
        }
        assert dashboard_figures.violated_criteria(session, run_id) == {
            3: 2,
            4: 1,
            7: 1,
        }  # a subject counts once


def test_a_search_by_text_counts_up_to_a_cap(database: Database) -> None:
    add_subjects(database, 12)
    with database.transaction() as session:
        wanted = queries.SubjectSearch(text="provider")
        rows, total = queries.search_subjects(session, wanted, run_id=None, limit=5, offset=5, text_cap=10)
        assert total == 11 and [row.name for row in rows] == [f"Provider {i}" for i in range(5, 10)]
        rows, total = queries.search_subjects(
            session, queries.SubjectSearch(), run_id=None, limit=5, offset=10
        )
        assert total == 12 and len(rows) == 2  # without text the count is exact
