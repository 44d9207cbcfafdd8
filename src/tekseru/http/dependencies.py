"""FastAPI dependencies shared by the page routers and the API routers: settings, the database, the job
runner and services.

Routes get these through the functions here, never by building them. The catalogue comes from one
dependency, `get_catalogue` (the one `create_app` was handed): the catalogue's use cases
(`get_catalog_service`) and the regions (`get_regions`) depend on it, so a test that replaces it
(`app.dependency_overrides[get_catalogue] = ...`) reaches every route that declares one of them and the
services those routes call. Routes and page helpers take the catalogue only through these dependencies,
never by calling `get_catalogue(request)` themselves (`tests/test_architecture.py`). Tests pin the date the
catalogue's use cases read with `get_today`.

Every "today" of the application is the date in the `time_zone` setting (`AppState.today`, through
`tekseru.i18n.formats.local_today`), by the application's clock (`AppState.clock`; tests hand in a fixed
moment): routes hand it to the services, which never guess a date.

The dependencies that only read what the application holds are `async`: FastAPI runs a plain function
dependency in a worker thread, and each such hand-over cost a request about a quarter of a millisecond of
processor time (most pages declare three or four of them). The functions routes call themselves
(`request_today`, `get_settings`) stay plain.

The database is opened on first use (not when the app is built), so building the app touches no file; on
a new, empty database that first use creates the first admin and logs its password once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, Request
from itsdangerous import URLSafeTimedSerializer

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.i18n.formats import local_today
from tekseru.services.accounts import ensure_first_admin
from tekseru.services.auth import Database, LoginPolicy, open_app_database, signing_key
from tekseru.services.catalog import CatalogService
from tekseru.services.jobs import JobRunner
from tekseru.services.passwords import Passwords
from tekseru.settings import Settings

log = logging.getLogger("tekseru.web")

SESSION_SALT = "tekseru.session"


class AppState:
    """What one application keeps for its lifetime: settings, how passwords are hashed, the catalogue every
    service is handed, and the database, job runner and cookie signer, each made on first use (thread-safe)
    and closed by `close`."""

    def __init__(
        self,
        settings: Settings,
        passwords: Passwords,
        catalogue: Catalogue,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.passwords = passwords
        self.catalogue = catalogue
        self.clock = clock or _utc_now
        self.policy = LoginPolicy.from_settings(settings)
        self._lock = threading.RLock()
        self._database: Database | None = None
        self._jobs: JobRunner | None = None
        self._signer: URLSafeTimedSerializer | None = None
        # Session cookies whose signature `signer()` checked, each with its token and when it was signed:
        # checking a signature again (key derivation and HMAC) cost every request a tenth of a millisecond.
        # It holds no session: whether the session still lives is asked of the database on every request.
        self.checked_cookies: dict[str, tuple[str, int]] = {}

    def database(self) -> Database:
        with self._lock:
            if self._database is None:
                database = open_app_database(self.settings)
                created = ensure_first_admin(database, self.passwords)
                if created is not None:
                    log.warning(
                        "tekseru: created the first admin; sign in as %r with the password %r and change it",
                        created.username,
                        created.password,
                    )
                self._database = database
            return self._database

    def opened_database(self) -> Database | None:
        """The database when a request opened it already (no lock: a reference is read atomically)."""
        return self._database

    def jobs(self) -> JobRunner:
        with self._lock:
            if self._jobs is None:
                self._jobs = JobRunner(
                    self.database(),
                    catalogue=self.catalogue,
                    time_limit=float(self.settings.job_time_limit_seconds),
                )
            return self._jobs

    def signer(self) -> URLSafeTimedSerializer:
        with self._lock:
            if self._signer is None:
                key = signing_key(self.database(), self.settings)
                self._signer = URLSafeTimedSerializer(key, salt=SESSION_SALT)
            return self._signer

    def today(self) -> date:
        """Today's date where the application works (the `time_zone` setting), by its clock."""
        return local_today(self.settings.time_zone, self.clock())

    @property
    def uploads(self) -> Path:
        return Path(self.settings.attachments_dir) / "imports"

    def close(self) -> None:
        with self._lock:
            if self._jobs is not None:
                self._jobs.shutdown(wait=False)  # running jobs are stopped: interrupted
            if self._database is not None:
                self._database.close()
            self._jobs, self._database, self._signer = None, None, None
            self.checked_cookies = {}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.tekseru
    return state


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    """The application's database; opened (in a worker thread) by the first request that needs it."""
    state = app_state(request)
    opened = state.opened_database()
    return opened if opened is not None else await anyio.to_thread.run_sync(state.database)


def get_jobs(request: Request) -> JobRunner:
    return app_state(request).jobs()


async def get_passwords(request: Request) -> Passwords:
    return app_state(request).passwords


async def get_catalogue(request: Request) -> Catalogue:
    """The application's catalogue (`AppState.catalogue`), handed to every service that reads the act."""
    return app_state(request).catalogue


def app_regions(request: Request) -> Regions:
    """The regions of the application's catalogue, for what speaks outside a route's dependencies: the
    error answers, the refusals said in the reader's language and the templates' `|region`."""
    return app_state(request).catalogue.regions


async def get_today(request: Request) -> Callable[[], date]:
    """Today's date in the `time_zone` setting, as a function: the catalogue's use cases find the edition
    in force by it, routes hand its value to the services they call."""
    return app_state(request).today


def request_today(request: Request) -> date:
    """Today's date in the `time_zone` setting, for a route that hands it to a service."""
    return app_state(request).today()


async def get_catalog_service(
    catalogue: Catalogue = Depends(get_catalogue), today: Callable[[], date] = Depends(get_today)
) -> CatalogService:
    """The catalogue's use cases on the application's catalogue."""
    return CatalogService(catalogue, today)


async def get_regions(catalogue: Catalogue = Depends(get_catalogue)) -> Regions:
    """The catalogue's regions, for a service that names or checks a region and a page that lists them."""
    return catalogue.regions


async def _today(request: Request) -> date:
    return app_state(request).today()


Today = Depends(_today)  # a route's `today: date = Today`: the date it hands to the services


async def get_time_zone(request: Request) -> str:
    """The `time_zone` setting: the zone every date a route shows or prints is in."""
    return app_state(request).settings.time_zone


Zone = Depends(get_time_zone)  # a route's `zone: str = Zone`
