"""A database server gone mid-session (connections cut, the database dropped, the server down) is refused with
503 in the reader's language, even when the error page itself cannot be made; other driver errors stay 500."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from tekseru.http.errors import install_error_handlers, lost_database
from tekseru.http.language import LanguageMiddleware
from tekseru.i18n import translate
from tekseru.store.driver_errors import DatabaseFileGone

CUT = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
REFUSED = psycopg.OperationalError('connection failed: FATAL: database "x" does not exist')


def _app(page_works: bool) -> FastAPI:
    def page(request: Request, status: int, detail: str | None, sentences: list[str] | None) -> Response:
        if not page_works:  # the real page reads the reader's session: from the database that is gone
            raise RuntimeError("the error page needs the database too")
        return HTMLResponse(f"<main>{detail}</main>", status_code=status)

    app = FastAPI()
    app.add_middleware(LanguageMiddleware)
    install_error_handlers(app, page)

    @app.get("/registry")
    @app.get("/api/v1/subjects")
    def gone() -> None:
        raise OperationalError("SELECT 1", {}, REFUSED)

    @app.get("/broken")
    def broken() -> None:
        raise OperationalError("SELECT x", {}, sqlite3.OperationalError("no such table: nowhere"))

    return app


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("page_works", [True, False])
def test_a_page_says_the_database_is_unreachable_in_the_readers_language(lang: str, page_works: bool) -> None:
    client = TestClient(_app(page_works), raise_server_exceptions=False)
    response = client.get(f"/registry?lang={lang}")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert translate(lang, "refusal.database.lost") in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_api_says_it_in_json(lang: str) -> None:
    response = TestClient(_app(True), raise_server_exceptions=False).get(f"/api/v1/subjects?lang={lang}")
    assert response.status_code == 503
    assert response.json() == {"detail": translate(lang, "refusal.database.lost")}


def test_a_failing_statement_is_still_a_fault_of_ours() -> None:
    response = TestClient(_app(True), raise_server_exceptions=False).get("/broken?lang=ru")
    assert response.status_code == 500


def test_which_driver_errors_mean_the_server_is_gone() -> None:
    assert lost_database(OperationalError("s", {}, CUT))
    assert lost_database(OperationalError("s", {}, REFUSED))
    assert not lost_database(OperationalError("s", {}, psycopg.errors.SerializationFailure("retry")))
    assert not lost_database(OperationalError("s", {}, sqlite3.OperationalError("database is locked")))
    assert lost_database(OperationalError("s", {}, sqlite3.Error("x"), connection_invalidated=True))
    assert lost_database(OperationalError("s", {}, DatabaseFileGone("the SQLite file was deleted")))
    not_a_database = sqlite3.DatabaseError("file is not a database")
    not_a_database.sqlite_errorcode = 26  # type: ignore[attr-defined]
    assert lost_database(DatabaseError("s", {}, not_a_database))
    assert not lost_database(IntegrityError("s", {}, psycopg.errors.UniqueViolation("duplicate")))
