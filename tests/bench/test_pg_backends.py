"""bench/pg_backends.py: the backends of a database are found, and a backend's round trips (its wake-ups)
and CPU time are read as they happen: five statements, five round trips, about five wake-ups."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests.databases import database_url, postgres_server  # noqa: F401

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import pg_backends


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_backend_wakes_once_for_each_round_trip(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            pid = int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            if not Path(f"/proc/{pid}").exists():
                pytest.skip("the PostgreSQL server runs on another machine: its processes are not seen")
            assert pid in pg_backends.backends(database_url)
            before = pg_backends.usage([pid])
            for _ in range(5):
                assert connection.exec_driver_sql("SELECT count(*) FROM pg_class").scalar_one() > 0
            after = pg_backends.usage([pid])
    finally:
        engine.dispose()
    done = pg_backends.spent(before, after)
    # Once a round trip, unless the next statement came before the backend slept (on a busy machine); and
    # perhaps once more to hand in its statistics.
    assert 2 <= done.wakeups <= 6, done
    assert 0 < done.cpu < 1, done
    assert pg_backends.spent({}, after).wakeups >= done.wakeups  # a backend opened meanwhile: from nothing
