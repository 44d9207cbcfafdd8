"""No text with a control character reaches the database, whatever the interface: NUL fails on PostgreSQL
and is cut on SQLite; the store refuses it first, naming the field, and keeps nothing of the write."""

from __future__ import annotations

import pytest

from tekseru.services.accounts import list_users
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tekseru.store.text import InvalidText, control_character
from tests.web.support import create_user


@pytest.mark.parametrize("bad", ["A\x00B", "A\x07", "\x1b[31m"])
def test_a_control_character_is_refused_before_the_database(database: Database, bad: str) -> None:
    before = len(list_users(database, Actor.system("t")))
    with pytest.raises(InvalidText) as refused:
        create_user(
            database,
            Actor.system("t"),
            username="clean",
            full_name=bad,
            role=Role.VIEWER,
            region=None,
            password="a long enough password",
        )
    assert refused.value.field == "full_name" and refused.value.position >= 1
    assert len(list_users(database, Actor.system("t"))) == before


def test_tab_and_new_lines_are_kept() -> None:
    assert control_character("line one\nline two\ttab\r") is None
    assert control_character("x\x00") == (2, "U+0000 (NUL)")
