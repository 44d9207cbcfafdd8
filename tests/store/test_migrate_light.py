"""Opening a database asks its revision and the newest one without Alembic (issue 18): the newest is read
from the migration scripts' lines and is Alembic's head; a database behind it or ahead of it is still
refused, and a new one still migrated, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tekseru.store import Database, DatabaseNeedsUpgrade, DatabaseTooNew, migrate, open_database
from tekseru.store.database import make_engine
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config())


def test_the_newest_revision_is_alembics_head() -> None:
    assert migrate._scripts_head() is not None
    assert migrate.head_revision() == migrate._scripts_head() == _scripts().get_current_head()


def _script(folder: Path, name: str, revision: str, down: str) -> None:
    (folder / f"{name}.py").write_text(
        f'"""A migration."""\n\nrevision: str = "{revision}"\ndown_revision = {down}\n'
    )


def test_scripts_that_are_not_one_chain_are_left_to_alembic(tmp_path: Path) -> None:
    chain = tmp_path / "chain"
    chain.mkdir()
    _script(chain, "0001_a", "0001", "None")
    _script(chain, "0002_b", "0002_b", '"0001"')
    (chain / "__init__.py").write_text("")
    assert migrate._scripts_head(chain) == "0002_b"
    for name, revision, down in (
        ("0003_merge", "0003", '("0001", "0002_b")'),  # a merge: Alembic reads it
        ("0003_branch", "0003", '"0001"'),  # a second head
        ("0003_lost", "0003", '"0002_missing"'),  # follows no script
    ):
        folder = tmp_path / name
        folder.mkdir()
        for script in chain.glob("*.py"):
            (folder / script.name).write_text(script.read_text())
        _script(folder, name, revision, down)
        assert migrate._scripts_head(folder) is None, name


def test_the_revision_is_read_from_alembics_table(database: Database, database_url: str) -> None:
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    open_database(database_url).close()


def test_a_new_database_has_no_revision_and_is_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    opened = open_database(url)
    try:
        assert migrate.current_revision(opened.engine) == migrate.head_revision()
    finally:
        opened.close()
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert migrate.current_revision(empty) is None
    finally:
        empty.dispose()


def test_a_database_behind_or_ahead_is_refused(database: Database, database_url: str) -> None:
    head = migrate.head_revision()
    earlier = _scripts().get_revision(head).down_revision
    assert isinstance(earlier, str)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": earlier})
    with pytest.raises(DatabaseNeedsUpgrade, match=f"revision {earlier}, this tekseru needs {head}"):
        open_database(database_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_later'"))
    with pytest.raises(DatabaseTooNew, match="9999_later"):
        open_database(database_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    open_database(database_url).close()
