"""The web application: HTML pages and the HTTP API (/api/v1) in one FastAPI app.

`create_app` only assembles: settings, the application state (database, jobs, cookie signer, each made
on first use), middleware, static files, the API router, the page routers and the error handlers. Routes
live in `tekseru.api.<domain>` and `tekseru.web.pages.<domain>`; what both stand on (request dependencies,
sessions, errors, middleware) in `tekseru.http`. This is the one module that imports both interfaces.
Run it with `tekseru serve`, or `uvicorn --factory tekseru.web.app:create_app`.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from functools import cache

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import NoMatchFound

from tekseru.api.conflicts import problem
from tekseru.api.health import package_version
from tekseru.api.openapi import install_document
from tekseru.api.router import API_PREFIX, api_router
from tekseru.catalog import Catalogue
from tekseru.catalog_files import load_catalogue
from tekseru.http.conflicts import install_conflict_handler
from tekseru.http.dependencies import AppState
from tekseru.http.errors import install_error_handlers
from tekseru.http.forms import PARSER_PART_BYTES, FormFieldLimits
from tekseru.http.language import LanguageMiddleware
from tekseru.http.middleware import RequestId, SecurityHeaders
from tekseru.services.notices import remind_deadlines
from tekseru.services.outbox import MailServer, RetryPolicy, background_worker
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.errors import conflict_page, error_page, form_too_long_page
from tekseru.web.navigation import ordered
from tekseru.web.pages import PAGES


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Requests beyond this many wait in line rather than share the interpreter: a queue keeps the slowest
    # answers far shorter than dozens of threads taking turns every few milliseconds.
    threads = anyio.to_thread.current_default_thread_limiter()
    threads.total_tokens = app.state.settings.web_threads
    await anyio.to_thread.run_sync(_warm_up)
    stop_mail = _mail_worker(app.state.tekseru)
    yield
    if stop_mail is not None:
        await anyio.to_thread.run_sync(stop_mail)
    app.state.tekseru.close()  # stops running jobs (interrupted); the next request opens the database again


def _mail_worker(state: AppState) -> Callable[[], None] | None:
    """With a mail server set, the outbox is sent (and deadline reminders queued) by a thread of each worker
    process; the claims keep any two from sending one message."""
    settings = state.settings
    server = MailServer.from_settings(settings)
    if not server.configured:
        return None
    db = state.database()
    return background_worker(
        db,
        server,
        retry=RetryPolicy.from_settings(settings),
        before_pass=lambda: remind_deadlines(
            db, Actor.system("outbox"), days=settings.deadline_days, today=state.today(), now=state.clock()
        ),
    )


def _warm_up() -> None:
    """Ready what every page needs before the first request (the catalogue is loaded by `create_app`)."""
    _freeze_startup_objects()


@cache
def _freeze_startup_objects() -> None:
    """Keep the garbage collector off what lives as long as the process (once per process): the catalogue
    and the imported code are hundreds of thousands of objects, and the collector's full passes over them
    paused every request in flight for up to 0.1 s."""
    gc.collect()
    gc.freeze()


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """`create_app` for `tekseru serve`, with its route table built (`build_route_table`) before the first
    request. Tests use `create_app`, which leaves it to the first lookup.

    `serve` made the database before it started the app: a SQLite file is opened now, so that a file deleted
    later is refused (503, `tekseru.store.sqlite_file`) rather than made again empty, with a new first admin,
    by the first request of a worker that had not opened it yet."""
    app = create_app(settings)
    build_route_table(app)
    if app.state.settings.database_url.startswith("sqlite:"):
        app.state.tekseru.database()
    return app


def build_route_table(app: FastAPI) -> None:
    """Build the table FastAPI finds a link's path in. FastAPI builds it on the first lookup, router by
    router: the first page a new worker served waited 0.7 s for it."""
    with suppress(NoMatchFound):  # a name no route has: the lookup walks, and so builds, every router's table
        app.url_path_for("tekseru-warm-up: no route has this name")


def create_app(
    settings: Settings | None = None,
    *,
    passwords: Passwords | None = None,
    catalogue: Catalogue | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The app on `settings` (default: from the environment), hashing with `passwords` (default: argon2's
        recommended costs; tests hand in cheap ones), reading the act from `catalogue` (default: the editions
        shipped with tekseru, loaded here: the one place the application loads them), telling the time by
    `clock` (default: the system's; its moment in the `time_zone` setting is the application's "today")."""
    app = FastAPI(
        title="tekseru",
        summary="Risk-based state control of special social services (Kazakhstan).",
        version=package_version(),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # FastAPI's documentation pages load scripts from a CDN; the app serves only its own.
        redoc_url=None,
        lifespan=_lifespan,
        form_limits={"max_part_size": PARSER_PART_BYTES},  # ours (FormFieldLimits) speak first
    )
    app.state.settings = settings or Settings.from_environment()
    app.state.tekseru = AppState(
        app.state.settings, passwords or Passwords(), catalogue or load_catalogue(), clock
    )
    app.add_middleware(FormFieldLimits, answer=form_too_long_page, api_prefix=f"{API_PREFIX}/")
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(SecurityHeaders)  # pure ASGI middleware: no extra task per request
    app.add_middleware(RequestId)  # outermost of ours: the id is there for everything inside
    app.mount("/static", StaticFiles(packages=[("tekseru.web", "static")]), name="static")
    app.include_router(api_router)
    for page in PAGES:
        app.include_router(page.router)
    app.state.sections = ordered(page.section for page in PAGES if page.section is not None)
    install_error_handlers(app, error_page)
    install_conflict_handler(app, problem=problem, page=conflict_page)
    install_document(app, API_PREFIX)
    return app
