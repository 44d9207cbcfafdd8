"""Each PostgreSQL test works in a fresh schema of a database made for the test session."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tekseru.store import Database


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_tables_live_in_the_tests_own_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        database_name = connection.execute(text("SELECT current_database()")).scalar_one()
        tables = connection.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"), {"s": schema}
        ).scalars()
        assert schema.startswith("t_")
        assert database_name.startswith("tekseru_test_")
        assert "subjects" in set(tables)
