"""What a request costs the server besides its own work: the session is looked up without a worker thread
on SQLite (`security._session_of`), and FastAPI's version of the routes is not found by walking every
router on each request (`routing.PathRouter._get_routes_version`). Neither changes an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRouter, _IncludedRouter
from fastapi.testclient import TestClient

from tekseru.http.routing import PathRouter
from tests.web.conftest import SignedIn
from tests.web.support import OWN_BIN

PATHS = ("/registry?q=a", f"/registry/{OWN_BIN}", "/api/v1/subjects?q=a", f"/api/v1/subjects/{OWN_BIN}")


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the functions handed to a worker thread."""
    handed: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **options: Any) -> Any:
        handed.append(repr(function))  # FastAPI hands over `functools.partial(function, ...)`
        return await run_sync(function, *args, **options)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    yield handed


@pytest.mark.parametrize("path", PATHS)
def test_on_sqlite_the_session_is_looked_up_without_a_worker_thread(
    signed_in: Callable[[str], SignedIn], hops: list[str], path: str
) -> None:
    viewer = signed_in("viewer")
    assert viewer.client.get(path).status_code == 200
    hops.clear()
    assert viewer.client.get(path).status_code == 200
    assert hops  # the route itself still reads the database in a worker thread
    assert not [hop for hop in hops if "current_session" in hop or "signed_in" in hop]


def test_a_database_a_round_trip_away_is_asked_in_a_worker_thread(
    app: FastAPI, signed_in: Callable[[str], SignedIn], hops: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = signed_in("viewer")
    database = app.state.tekseru.database()

    class Remote:  # the same database, said to be PostgreSQL
        dialect = "postgresql"

        def __getattr__(self, name: str) -> Any:
            return getattr(database, name)

    monkeypatch.setattr(app.state.tekseru, "opened_database", Remote)
    assert viewer.client.get("/api/v1/subjects?q=a").status_code == 200
    assert [hop for hop in hops if "current_session" in hop or "signed_in" in hop]


def test_a_signed_out_request_is_still_refused(client: TestClient) -> None:
    assert client.get("/api/v1/subjects?q=a").status_code == 401
    answer = client.get("/registry?q=a", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]


def test_a_request_does_not_walk_the_routers_for_their_version(
    signed_in: Callable[[str], SignedIn], monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = signed_in("viewer")
    for path in PATHS:  # FastAPI builds its tables of the routes on the first requests
        viewer.client.get(path)
    walked: list[APIRouter] = []
    walk = APIRouter._get_routes_version

    def counted(router: APIRouter, seen: set[int] | None = None) -> int:
        walked.append(router)
        return walk(router, seen)

    monkeypatch.setattr(APIRouter, "_get_routes_version", counted)
    for path in PATHS:
        assert viewer.client.get(path).status_code == 200
    # what is still walked is a router of a few routes that includes no other (`/subjects`, the health's)
    assert walked
    assert not [router for router in walked if isinstance(router, PathRouter)]
    assert not [router for router in walked for route in router.routes if isinstance(route, _IncludedRouter)]
