"""Copying the whole database to a file and back, while the server may be running.

SQLite: the online backup API of `sqlite3` copies the pages in one step, under one read transaction, so the
copy is the database as one commit left it (writers go on meanwhile in WAL mode); a restore copies the
file's pages over the target the same way. PostgreSQL: `pg_dump --format=custom`, whose snapshot is
consistent too, and `pg_restore` in one transaction; both must be on PATH (Debian: postgresql-client), of
a version not older than the server's. When the URL limits the connection to one schema (`options=
-csearch_path=NAME`), only that schema is dumped and restored.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import URL

from tekseru.message import Explained
from tekseru.store.database import create_postgres_database_if_missing
from tekseru.store.models import Base

# Tables that a database just created and never used already fills.
_BOOKKEEPING = frozenset({"alembic_version", "audit_chain_head"})
_SEARCH_PATH = re.compile(r"-c\s*search_path=([A-Za-z_][A-Za-z0-9_]*)")


class BackupError(Explained, RuntimeError):
    """A backup or a restore could not be made; nothing of the target was changed."""


class TargetNotEmpty(BackupError):
    """The database to restore into holds data; `force` replaces it."""


def write_backup(url: str | URL, target: Path) -> None:
    """Copy the database at `url` into the new file `target`."""
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file").saying(
            "refusal.backup.exists", file=str(target)
        )
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(parsed, must_exist=True), target)
    else:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *_schema_options(parsed),
            ],
            parsed,
        )


def restore_backup(url: str | URL, source: Path, *, force: bool = False) -> None:
    """Fill the database at `url` from the backup `source`; TargetNotEmpty when it holds data, unless
    `force`, which replaces everything in it."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file").saying("refusal.backup.not_a_file", file=str(source))
    parsed = make_url(url)
    # The file is checked first: a file that is no backup is refused before anything is replaced.
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
    else:
        _check_postgres_backup(source)
        create_postgres_database_if_missing(parsed)
    rows = data_rows(parsed)
    if rows and not force:
        raise TargetNotEmpty(
            f"the database holds data ({rows} rows): restoring would replace it; give --force to do so"
        ).saying("refusal.backup.not_empty", rows=rows)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_path(parsed, must_exist=False))
    else:
        _postgres_restore(parsed, source)


def data_rows(url: str | URL) -> int:
    """How many rows the tekseru tables of the database hold (0 when it is new or missing)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return 0
    engine = create_engine(parsed)
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            counted = [t for t in Base.metadata.sorted_tables if t.name in present - _BOOKKEEPING]
            return sum(
                connection.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
                for table in counted
            )
    finally:
        engine.dispose()


# SQLite ---------------------------------------------------------------------------------------------------


def _sqlite_path(url: URL, *, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up or restored").saying(
            "refusal.backup.in_memory"
        )
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError(f"there is no database at {path}").saying(
            "refusal.backup.no_database", file=str(path)
        )
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(source)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)  # all pages in one step: one consistent snapshot
        finally:
            writer.close()
    except sqlite3.Error as error:
        raise BackupError(f"could not copy {source} to {target}: {error}").saying(
            "refusal.backup.copy", source=str(source), target=str(target), error=str(error)
        ) from error
    finally:
        reader.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            found = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        # SQLite's own words ("file is not a database") stay in the log's English text, not in the reader's.
        raise BackupError(f"{source} is not a SQLite backup of tekseru: {error}").saying(
            "polish.backup.not_a_backup", file=str(source), kind="SQLite"
        ) from error
    if not found or not found[0]:
        raise BackupError(
            f"{source} is not a backup of a tekseru database (it has no alembic_version)"
        ).saying("polish.backup.not_a_backup", file=str(source), kind="SQLite")


_PG_DUMP_MAGIC = b"PGDMP"  # how every file of `pg_dump --format=custom` begins


def _check_postgres_backup(source: Path) -> None:
    with source.open("rb") as file:
        head = file.read(len(_PG_DUMP_MAGIC))
    if head != _PG_DUMP_MAGIC:
        raise BackupError(f"{source} is not a pg_dump custom-format backup of tekseru").saying(
            "polish.backup.not_a_backup", file=str(source), kind="PostgreSQL"
        )


# PostgreSQL -----------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (Debian: apt install "
            "postgresql-client) of the server's version or newer, or back up with the server's own tools"
        ).saying("refusal.backup.no_tool", tool=name)
    return found


def _schema(url: URL) -> str | None:
    options = url.query.get("options")
    text_options = " ".join(options) if isinstance(options, tuple) else (options or "")
    found = _SEARCH_PATH.search(text_options)
    return found.group(1) if found else None


def _schema_options(url: URL) -> list[str]:
    schema = _schema(url)
    return [] if schema is None else ["--schema", schema]


def _run(command: list[str], url: URL) -> None:
    """Run a client tool against the database of `url`; its password goes in the environment, not in
    the command line that `ps` shows."""
    plain = url.set(drivername="postgresql", password=None, query={})
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    connection = plain.render_as_string(hide_password=False)
    done = subprocess.run(
        [*command, "--dbname", connection], env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tool, why = Path(command[0]).name, done.stderr.strip() or str(done.returncode)
        raise BackupError(f"{tool} failed: {why}").saying("refusal.backup.tool_failed", tool=tool, error=why)


def _postgres_restore(url: URL, source: Path) -> None:
    tool = _tool("pg_restore")
    schema = _schema(url) or "public"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(schema)
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
            if schema == "public":  # the dump of a whole database expects it
                connection.exec_driver_sql("CREATE SCHEMA public")
            # The name index of a schema's dump uses pg_trgm, which lives outside the schema; without the
            # extension (no privilege) pg_restore says what is missing.
            with contextlib.suppress(Exception):
                connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    finally:
        engine.dispose()
    _run([tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(source)], url)
