"""Alembic, driven from code: no alembic.ini; the scripts are package data in `tekseru/store/migrations`.

Opening a database asks only which revision it is at and which revision is the newest (`current_revision`,
`head_revision`): both are answered without Alembic, whose import (with Mako and every dialect's DDL) cost
about a tenth of a second of CPU on every command's start (issue 18). The revision is read from Alembic's
own table, and the newest is found in the migration scripts' `revision` and `down_revision` lines (the
chain Alembic follows; tests/store/test_migrate_light.py checks it is Alembic's head). Alembic is imported
when a migration runs, when a revision is not the newest, and for `differences`.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "tekseru.store:migrations"
VERSIONS = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's table of the revision a database is at

# A script's own revision and the one it follows, as the scripts write them (`revision: str = "0020_x"`).
_REVISION = re.compile(r"""^revision(?:\s*:\s*str)?\s*=\s*["']([^"']+)["']\s*$""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision(?:\s*:[^=\n]+)?\s*=\s*(None|["']([^"']+)["'])\s*$""", re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; env.py runs the migrations on `connection` when one is given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None when it was never migrated (no version table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        if len(found) == 1:
            return str(found[0])
    return _alembic_current_revision(engine)  # none or several (branches): Alembic's answer, or its error


def _alembic_current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision: the one no script follows, when the scripts form one chain; else Alembic's."""
    return _scripts_head() or _alembic_head()


@cache
def _scripts_head(folder: Path = VERSIONS) -> str | None:
    """The head of the chain the lines of the scripts in `folder` describe; None when they do not read as
    one chain (a merge's tuple of revisions, two heads, a revision followed that no script is)."""
    follows: dict[str, str | None] = {}
    for script in folder.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if not revision and not down:
            continue  # not a migration (`__init__.py`)
        if len(revision) != 1 or len(down) != 1 or revision[0] in follows:
            return None
        follows[revision[0]] = down[0][1] or None
    heads = set(follows) - set(follows.values())
    roots = [revision for revision, down in follows.items() if down is None]
    if len(heads) != 1 or len(roots) != 1 or not set(follows.values()) - {None} <= set(follows):
        return None
    return heads.pop()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("tekseru has no migrations")
    return head


def is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the migrated database match the models; [] when they match."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tekseru.store.models import Base

    with engine.connect() as connection:
        options: dict[str, Any] = {"compare_type": True, "include_name": _described_by_models}
        if connection.dialect.name == "postgresql":
            options["include_object"] = _kept_by_postgresql
        context = MigrationContext.configure(connection, opts=options)
        with warnings.catch_warnings():
            # SQLite's reflection does not read an index of an expression (the planning order's, migration
            # 0024), so Alembic says it skips it there; PostgreSQL's is compared.
            warnings.filterwarnings("ignore", message=r".*expression-based index")
            return list(compare_metadata(context, Base.metadata))


# The text index of names (migrations 0005, 0012) is a SQLite FTS5 table with its shadow tables, or a
# PostgreSQL index with an operator class: SQLAlchemy's models cannot describe either, so the comparison
# skips them.
_TEXT_INDEX_NAMES = ("subjects_name_index", "ix_subjects_name_trigram")


def _described_by_models(name: str | None, kind: str, _parent: Any) -> bool:
    return not (name or "").startswith(_TEXT_INDEX_NAMES) or kind not in {"table", "index"}


# Foreign keys of the models that PostgreSQL keeps by triggers instead (migration 0023: checked once per
# statement, not row by row); SQLite has them as the models say.
_KEYS_BY_TRIGGERS = ("fk_evidence_subject_id_subjects",)


def _kept_by_postgresql(item: Any, name: str | None, kind: str, _reflected: bool, _other: Any) -> bool:
    return not (kind == "foreign_key_constraint" and name in _KEYS_BY_TRIGGERS)
