"""A registry search runs statements made once for its shape (which filters, how its text is looked for):
another search of the same shape with other values runs the very same statement objects, with its values
as parameters, and finds what its own values say."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tekseru.store import Database
from tekseru.store import registry_queries as queries
from tekseru.store.name_keys import search_key
from tekseru.store.name_search import COMMON_FRAGMENTS
from tekseru.store.search_statements import Shape, shape_of
from tests.store.factories import BINS, add_subjects

SUBJECTS = 12  # "Provider 0" .. "Provider 11" (tests/store/factories.py)


def _run(database: Database, search: queries.SubjectSearch) -> tuple[list[object], list[str], int]:
    """The statement objects a search executed, the BINs it found and its total."""
    executed: list[object] = []

    def seen(_conn: object, clause: object, *_: Any) -> None:
        executed.append(clause)

    event.listen(database.engine, "before_execute", seen)
    try:
        with database.reading() as session:
            rows, total = queries.search_subjects(session, search, run_id=None, limit=5, offset=0)
    finally:
        event.remove(database.engine, "before_execute", seen)
    return executed, [row.bin for row in rows], total


def test_a_search_of_the_same_shape_runs_the_same_statements(database: Database) -> None:
    add_subjects(database, SUBJECTS)
    for first, second in [
        (queries.SubjectSearch(text="Provider 1"), queries.SubjectSearch(text="Provider 2")),
        (queries.SubjectSearch(text=BINS[0][:11]), queries.SubjectSearch(text=BINS[1][:11])),
        (queries.SubjectSearch(region="astana"), queries.SubjectSearch(region="almaty_city")),
    ]:
        statements, found, total = _run(database, first)
        again, found_again, total_again = _run(database, second)
        assert statements and [id(s) for s in statements] == [id(s) for s in again]
        assert (found, total) != (found_again, total_again) or first.region  # each found by its own values
    assert _run(database, queries.SubjectSearch(text="Provider 1"))[1:] == ([BINS[1], BINS[10], BINS[11]], 3)
    assert _run(database, queries.SubjectSearch(text="Provider 2"))[1:] == ([BINS[2]], 1)


def test_the_shape_holds_no_value() -> None:
    one, values = shape_of(None, queries.SubjectSearch(region="astana", risk_class="high"), None)
    other, _ = shape_of(None, queries.SubjectSearch(region="abai", risk_class="low"), None)
    assert one == other == Shape(region=True, risk_class="nothing")  # no run: no subject has a class
    assert values["region"] == "astana" and values["risk_class"] == "high"
    exact, values = shape_of(None, queries.SubjectSearch(), None, text=BINS[3])
    assert exact.text == "bin" and values["bin"] == BINS[3]
    start, values = shape_of(None, queries.SubjectSearch(), None, text="0405 40")
    assert start.text == "bin_prefix" and (values["bin"], values["bin_upper"]) == ("040540", "040541")


def _searched(database: Database, text: str, cap: int, offset: int = 0) -> tuple[list[str], int, list[str]]:
    """The BINs of a page (3 rows from `offset`), the capped total, and the statements run."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.reading() as session:
            rows, total = queries.search_subjects(
                session, queries.SubjectSearch(text=text), run_id=None, limit=3, offset=offset, text_cap=cap
            )
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    return [row.bin for row in rows], total, statements


def test_a_common_fragment_is_read_name_by_name_the_next_time_with_the_same_answer(
    database: Database,
) -> None:
    add_subjects(database, SUBJECTS)
    fragment = search_key("Provider")
    COMMON_FRAGMENTS.forget(fragment)
    first = _searched(database, "Provider", cap=5)
    assert first[:2] == (BINS[0:3], 6)
    uses_index = any("MATCH" in statement for statement in first[2])
    assert uses_index == (database.dialect == "sqlite")
    for offset in (0, 3, 6):  # a page, the last page within the cap, a page past it: as the index says
        again = _searched(database, "Provider", cap=5, offset=offset)
        assert again[:2] == (BINS[offset : min(offset + 3, 6)], 6)
        assert not any("MATCH" in statement for statement in again[2])  # read name by name
    assert (fragment in COMMON_FRAGMENTS) == (database.dialect == "sqlite")


def test_a_fragment_that_became_rare_is_found_through_the_index_and_forgotten(database: Database) -> None:
    add_subjects(database, SUBJECTS)
    fragment = search_key("Provider 1")
    COMMON_FRAGMENTS.remember(fragment)  # as if it had been common
    found = _searched(database, "Provider 1", cap=5)
    assert found[:2] == ([BINS[1], BINS[10], BINS[11]], 3)
    assert (fragment in COMMON_FRAGMENTS) == (database.dialect == "postgresql")  # SQLite's choice alone
    COMMON_FRAGMENTS.forget(fragment)
    if database.dialect == "sqlite":
        assert any("MATCH" in statement for statement in found[2])


def test_digits_of_any_script_find_a_bin_and_a_text_of_nothing_filters_nothing(database: Database) -> None:
    add_subjects(database, SUBJECTS)
    full_width = BINS[3].translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})
    arabic_indic = BINS[3].translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"})
    assert _searched(database, full_width, cap=5)[:2] == ([BINS[3]], 1)
    assert _searched(database, arabic_indic, cap=5)[:2] == ([BINS[3]], 1)
    for nothing in ("\x00", "\u202e\u200f", "\x00 \x07"):  # what search keys leave out: no text at all
        found, total, _ = _searched(database, nothing, cap=5)
        assert (found, total) == (BINS[:3], SUBJECTS)  # counted, not capped at 6 as a text search
