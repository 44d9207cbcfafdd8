"""A search by text pages within its first `text_cap` + 1 matches and counts them (a total of `text_cap` + 1
meaning "more than `text_cap`") without reading every matching id: through the text index (SQLite) and
through a reading of the names (a fragment shorter than a trigram, and PostgreSQL), by name and by BIN."""

from __future__ import annotations

import pytest

from tekseru.store import Database
from tekseru.store import registry_queries as queries
from tests.store.factories import BINS, add_subjects

SUBJECTS = 12  # named "Provider 0" .. "Provider 11" (tests/store/factories.py)


def _search(database: Database, text: str, *, limit: int, offset: int, cap: int) -> tuple[list[str], int]:
    with database.transaction() as session:
        rows, total = queries.search_subjects(
            session, queries.SubjectSearch(text=text), run_id=None, limit=limit, offset=offset, text_cap=cap
        )
    return [row.bin for row in rows], total


@pytest.mark.parametrize("text", ["Provider", "Pr", BINS[0][:6]])
def test_pages_within_the_capped_matches_and_their_count(database: Database, text: str) -> None:
    add_subjects(database, SUBJECTS)
    assert _search(database, text, limit=3, offset=0, cap=5) == (BINS[0:3], 6)
    assert _search(database, text, limit=3, offset=3, cap=5) == (BINS[3:6], 6)
    assert _search(database, text, limit=4, offset=4, cap=5) == (BINS[4:6], 6)  # cut at the cap
    assert _search(database, text, limit=3, offset=6, cap=5) == ([], 6)  # past the matches: still counted
    assert _search(database, text, limit=50, offset=0, cap=100) == (BINS[:SUBJECTS], SUBJECTS)
    assert _search(database, text, limit=5, offset=10, cap=100) == (BINS[10:SUBJECTS], SUBJECTS)


def test_a_rare_fragment_is_counted_exactly(database: Database) -> None:
    add_subjects(database, SUBJECTS)
    assert _search(database, "Provider 11", limit=3, offset=0, cap=5) == ([BINS[11]], 1)
    assert _search(database, "Provider 1", limit=2, offset=0, cap=5) == ([BINS[1], BINS[10]], 3)
    assert _search(database, "Provider 1", limit=2, offset=2, cap=5) == ([BINS[11]], 3)
    assert _search(database, "nobody", limit=3, offset=0, cap=5) == ([], 0)
