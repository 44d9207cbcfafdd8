"""Alembic, driven from code: no alembic.ini; the scripts are package data in `tekseru/store/migrations`."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from tekseru.store.models import Base

SCRIPT_LOCATION = "tekseru.store:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; env.py runs the migrations on `connection` when one is given."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("tekseru has no migrations")
    return head


def is_known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the migrated database match the models; [] when they match."""
    with engine.connect() as connection:
        options = {"compare_type": True, "include_name": _described_by_models}
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, Base.metadata))


# The text index of names (migrations 0005, 0012) is a SQLite FTS5 table with its shadow tables, or a
# PostgreSQL index with an operator class: SQLAlchemy's models cannot describe either, so the comparison
# skips them.
_TEXT_INDEX_NAMES = ("subjects_name_index", "ix_subjects_name_trigram")


def _described_by_models(name: str | None, kind: str, _parent: Any) -> bool:
    return not (name or "").startswith(_TEXT_INDEX_NAMES) or kind not in {"table", "index"}
