"""Bulk inserts on SQLite through the driver's executemany store what SQLAlchemy's own insert stores."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, insert, select

from tekseru.store import _bulk
from tekseru.store.database import make_engine, sqlite_url


def _table(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("day", Date),
        Column("moment", DateTime(timezone=True)),
        Column("flag", Boolean),
        Column("data", JSON),
        Column("text", String),
        Column("kind", String, default="plain"),
    )


ROWS = [
    {
        "day": date(2024, 1, 9),
        "moment": datetime(2024, 1, 9, 8, 30, 5, 123, tzinfo=UTC),
        "flag": True,
        "data": {"a": [1, "ә"]},
        "text": "Қазақ",
        "kind": "x",
    },
    {"day": None, "moment": None, "flag": None, "data": None, "text": None, "kind": "y"},
    {
        "day": date(1999, 12, 31),
        "moment": datetime(2030, 6, 1, tzinfo=UTC),
        "flag": False,
        "data": [],
        "text": "",
        "kind": "z",
    },
]


def test_the_drivers_executemany_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "bulk.sqlite3"))
    metadata = MetaData()
    fast, plain = _table(metadata, "fast"), _table(metadata, "plain")
    with engine.begin() as connection:
        metadata.create_all(connection)
        assert _bulk._defaults_given(fast, ROWS[0])
        _bulk.bulk_insert(connection, fast, ROWS)
        connection.execute(insert(plain), ROWS)
        raw = [
            connection.exec_driver_sql(f"SELECT * FROM {name} ORDER BY id").all()
            for name in ("fast", "plain")
        ]
        typed = [connection.execute(select(table).order_by(table.c.id)).all() for table in (fast, plain)]
    engine.dispose()
    assert raw[0] == raw[1]
    assert typed[0] == typed[1]
    assert typed[0][0].day == date(2024, 1, 9) and typed[0][0].data == {"a": [1, "ә"]}


def test_rows_without_a_python_default_go_through_sqlalchemy(tmp_path: Path) -> None:
    """A column whose default SQLAlchemy makes in Python is filled in when the rows leave it out."""
    engine = make_engine(sqlite_url(tmp_path / "bulk.sqlite3"))
    metadata = MetaData()
    table = _table(metadata, "defaults")
    rows = [{"text": "a"}, {"text": "b"}]
    with engine.begin() as connection:
        metadata.create_all(connection)
        assert not _bulk._defaults_given(table, rows[0])
        _bulk.bulk_insert(connection, table, rows)
        kinds = connection.execute(select(table.c.kind)).scalars().all()
    engine.dispose()
    assert kinds == ["plain", "plain"]
