"""The registry repository: upsert by BIN, groups, look-ups and listings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tekseru.store import Database, WriteCounts
from tekseru.store.subjects import (
    count_subjects,
    find_subject_by_bin,
    get_subject,
    iter_subjects,
    list_subjects,
    subject_ids_by_bin,
    upsert_subjects,
)
from tests.store.factories import BINS, NOW, add_subjects, subject


def test_upsert_creates_then_finds_nothing_to_change(database: Database) -> None:
    rows = [subject(0), subject(1, groups=("stationary", "home_care"))]
    with database.transaction() as session:
        assert upsert_subjects(session, rows, now=NOW) == WriteCounts(created=2)
    with database.transaction() as session:
        assert upsert_subjects(session, rows, now=NOW + timedelta(days=1)) == WriteCounts(unchanged=2)
        stored = find_subject_by_bin(session, BINS[1])
    assert stored is not None
    assert (stored.name, stored.region, stored.address) == ("Provider 1", "astana", "Street 1")
    assert stored.groups == ("home_care", "stationary")
    assert stored.updated_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)


def test_upsert_updates_fields_and_replaces_groups(database: Database) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [subject(0, groups=("stationary", "home_care")), subject(1)], now=NOW)
    later = NOW + timedelta(days=1)
    changed = [subject(0, name="Renamed", groups=("accessibility",)), subject(1)]
    with database.transaction() as session:
        assert upsert_subjects(session, changed, now=later) == WriteCounts(updated=1, unchanged=1)
        stored = find_subject_by_bin(session, BINS[0])
    assert stored is not None
    assert (stored.name, stored.groups) == ("Renamed", ("accessibility",))
    assert stored.created_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    assert stored.updated_at.replace(tzinfo=None) == later.replace(tzinfo=None)


def test_a_change_of_groups_alone_is_an_update(database: Database) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [subject(0)], now=NOW)
        counts = upsert_subjects(session, [subject(0, groups=("stationary", "home_care"))], now=NOW)
    assert counts == WriteCounts(updated=1)


def test_upsert_refuses_repeated_bins(database: Database) -> None:
    with database.transaction() as session, pytest.raises(ValueError, match="distinct BINs"):
        upsert_subjects(session, [subject(0), subject(0)], now=NOW)


def test_lookups(database: Database) -> None:
    ids = add_subjects(database, 3)
    with database.transaction() as session:
        assert subject_ids_by_bin(session, [BINS[0], BINS[2], "000000000000"]) == {
            BINS[0]: ids[0],
            BINS[2]: ids[2],
        }
        found = get_subject(session, ids[1])
        assert found is not None and found.bin == BINS[1]
        assert get_subject(session, -1) is None
        assert find_subject_by_bin(session, "000000000000") is None


def test_listing_filters_by_region_and_group(database: Database) -> None:
    rows = [
        subject(0, region="astana", groups=("stationary",)),
        subject(1, region="shymkent", groups=("stationary", "home_care")),
        subject(2, region="shymkent", groups=("accessibility",)),
    ]
    with database.transaction() as session:
        upsert_subjects(session, rows, now=NOW)
        assert [s.bin for s in list_subjects(session, region="shymkent")] == [BINS[1], BINS[2]]
        assert [s.bin for s in list_subjects(session, group="stationary")] == [BINS[0], BINS[1]]
        assert [s.bin for s in list_subjects(session, region="shymkent", group="home_care")] == [BINS[1]]
        assert [s.bin for s in list_subjects(session, limit=1, offset=1)] == [BINS[1]]
        assert count_subjects(session) == 3
        assert count_subjects(session, region="shymkent", group="accessibility") == 1


def test_iterating_goes_through_every_batch(database: Database) -> None:
    add_subjects(database, 25)
    with database.transaction() as session:
        seen = [record.bin for record in iter_subjects(session, batch_size=10)]
        assert seen == BINS[:25]
        assert all(record.groups == ("stationary",) for record in iter_subjects(session, batch_size=7))
