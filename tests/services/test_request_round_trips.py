"""What one request of the registry costs the database: the statements it runs on SQLite, the round trips to
the server on PostgreSQL (issue 18: with the server, tekseru and the clients on two processors, each round
trip costs both processes system calls and a wake-up, and the two of BEGIN and COMMIT cost more than most
readings). On PostgreSQL they are counted in the messages psycopg sends, as libpq's trace writes them: each
round trip ends with a Sync (a statement) or is a Query (BEGIN, COMMIT, a ping)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tekseru.settings import Settings
from tekseru.store import Database
from tests.web.support import BINS, OWN_BIN, OWN_REGION, PASSWORD, USERS, two_edition_app

API = "/api/v1"
# What each request may cost: (SQLite's statements, PostgreSQL's round trips). PostgreSQL: the session, the
# latest run, then the page's count and rows sent together (a search by text: its capped page, then its
# rows; a class: its count and ids together, then their rows); the card's subject with the run, then its
# scores, evidence and inspections sent together. Before: BEGIN and COMMIT around each request's reading,
# and every statement on its own (6 or 7 round trips each).
LIMITS = {
    "/registry": (5, 3),
    f"/registry?region={OWN_REGION}": (5, 3),
    f"/registry?q={BINS[1][:8]}": (5, 4),
    "/registry?risk_class=high": (6, 4),
    f"/registry/{OWN_BIN}": (6, 3),
    f"{API}/subjects": (5, 3),
    f"{API}/subjects/{OWN_BIN}": (6, 3),
}
MARKERS = {"/registry": 'id="result-count"', f"{API}/subjects": '"total":'}


class RoundTrips:
    """The messages psycopg sends on each connection of an engine opened after `start` (libpq's trace)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.traced: list[tuple[Any, Path]] = []
        self.folder = Path(tempfile.mkdtemp(prefix="tekseru-trace-"))

    def _trace(self, dbapi_connection: Any, _record: Any = None) -> None:
        from psycopg import pq

        path = self.folder / f"{len(self.traced)}.trace"
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        dbapi_connection.pgconn.trace(handle)
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self.traced.append((dbapi_connection, path))

    def counted(self, ask: Callable[[], object]) -> int:
        """The round trips of `ask()`, on the pooled connections and any it opens."""
        self.stop()
        self.engine.dispose()  # the pool made again: each connection it opens is traced from the start
        event.listen(self.engine, "connect", self._trace)
        try:
            ask()
        finally:
            event.remove(self.engine, "connect", self._trace)
        return self.stop()

    def stop(self) -> int:
        sent = 0
        for dbapi_connection, path in self.traced:
            if not dbapi_connection.closed:
                dbapi_connection.pgconn.untrace()
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            sent += sum(
                1 for line in lines if line.split("\t")[0] == "F" and _kind(line) in ("Sync", "Query")
            )
        self.traced.clear()
        return sent


def _kind(line: str) -> str:
    fields = line.split("\t")
    return fields[2].strip() if len(fields) > 2 else ""


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def app(database: Database, seeded: uuid.UUID, tmp_path: Path) -> Iterator[FastAPI]:
    url = database.url.render_as_string(hide_password=False)
    made = two_edition_app(Settings(database_url=url, attachments_dir=str(tmp_path)))
    yield made
    made.state.tekseru.close()


def test_a_request_of_the_registry_costs_a_few_round_trips(app: FastAPI) -> None:
    client = TestClient(app)
    signed = client.post(
        f"{API}/auth/login", json={"username": USERS["viewer"].username, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    engine = app.state.tekseru.database().engine

    def ask(path: str) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        marker = MARKERS.get(path.split("?")[0], "")
        assert marker in answer.text, path

    found = {}
    for path in LIMITS:
        ask(path)  # the first asking of a kind loads what a process loads once
        if engine.dialect.name == "postgresql":
            found[path] = RoundTrips(engine).counted(lambda path=path: ask(path))  # type: ignore[misc]
        else:
            with _statements(engine) as seen:
                ask(path)
            found[path] = len(seen)
    column = 0 if engine.dialect.name == "sqlite" else 1
    assert all(found[path] <= LIMITS[path][column] for path in LIMITS), found
    assert all(count > 0 for count in found.values()), found
