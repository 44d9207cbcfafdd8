"""Fixtures for the web tests: an in-process client, a live server and Debian's headless chromium.

The session's database is seeded once (`seeded`): a user per role (support.USERS, password
support.PASSWORD), a few subjects in two regions with evidence, and an assessment. `signed_in(role)` gives
an in-process client signed in as that role; `admin_desktop` a browser page signed in as the admin.

Browser tests are marked `browser`. Without /usr/bin/chromium they skip, unless TEKSERU_REQUIRE_BROWSER=1
(CI) makes them fail. One server and one browser serve the whole session; each test gets a fresh context.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services.catalog import CatalogService
from tekseru.settings import Settings
from tekseru.web.app import build_route_table
from tests.web.live_app import serving
from tests.web.support import (
    PASSWORD,
    USERS,
    example_jobs,
    seed,
    two_edition_app,
    two_edition_service,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("web")
    return Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "tekseru.sqlite3")


@pytest.fixture(scope="session")
def catalog_service() -> CatalogService:
    return two_edition_service()


def _app(settings: Settings, catalog_service: CatalogService) -> FastAPI:
    """The real app, with the packaged catalogue plus the test edition of 2030 so that diffs show changes
    (handed to the services too), on a fixed date."""
    return two_edition_app(settings, catalog_service)


@pytest.fixture(scope="session")
def app(settings: Settings, catalog_service: CatalogService) -> FastAPI:
    return _app(settings, catalog_service)


@pytest.fixture(scope="session")
def seeded(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> uuid.UUID:
    """The users, subjects, evidence and assessment of support.seed; the id of the assessment run."""
    return seed(app.state.tekseru.database(), tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="session")
def example_ids(app: FastAPI, seeded: uuid.UUID, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The ids that the {names} of support.SIGNED_IN_PAGES stand for: the run and example jobs."""
    state = app.state.tekseru
    jobs = example_jobs(state.jobs(), state.database(), tmp_path_factory.mktemp("jobs"))
    return {"run": str(seeded), **jobs}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A fresh client (no cookies) for each test."""
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class SignedIn:
    """An in-process client with a session, and the session's CSRF token for forms and unsafe calls."""

    client: TestClient
    csrf: str

    def post_form(self, path: str, data: dict[str, str], **options: Any) -> Any:
        return self.client.post(
            path, data={**data, "csrf_token": self.csrf}, follow_redirects=False, **options
        )


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign the client in through the API; the CSRF token of the session."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


@pytest.fixture
def signed_in(app: FastAPI, seeded: uuid.UUID) -> Callable[[str], SignedIn]:
    """`signed_in(role)`: a new client signed in as the seeded user of that role."""

    def make(role: str) -> SignedIn:
        test_client = TestClient(app)
        return SignedIn(test_client, sign_in(test_client, USERS[role].username))

    return make


@pytest.fixture(scope="session")
def live_server(settings: Settings, catalog_service: CatalogService) -> Iterator[str]:
    """The app served by uvicorn in a background thread, its route table built as `tekseru serve` builds it
    (the first page does not wait for it); yields its base URL."""
    app = _app(settings, catalog_service)
    build_route_table(app)
    with serving(app) as url:
        yield url


def _no_browser(reason: str) -> None:
    if os.environ.get("TEKSERU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and TEKSERU_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Network:
    """Every request a page made; those that left the live server are blocked and listed in `outside`."""

    origin: str
    outside: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)  # including Content-Security-Policy refusals

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def route(self, route: Any) -> None:
        url = route.request.url
        self.requested.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@dataclass
class BrowserPage:
    page: Any
    network: Network
    base_url: str

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response


def _browser_page(browser: Any, live_server: str, width: int, height: int) -> Iterator[BrowserPage]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=live_server, service_workers="block"
    )
    network = Network(origin=live_server)
    context.route("**/*", network.route)
    page = context.new_page()
    page.on("console", network.console)
    page.set_default_timeout(10_000)
    yield BrowserPage(page, network, live_server)
    context.close()


@pytest.fixture(scope="session")
def shared_desktop(browser: Any, live_server: str) -> Iterator[BrowserPage]:
    """One page at 1280 x 900 for tests that only read pages (each URL names its language)."""
    yield from _browser_page(browser, live_server, 1280, 900)


@pytest.fixture
def desktop(browser: Any, live_server: str) -> Iterator[BrowserPage]:
    """A fresh context (empty cookies) at 1280 x 900."""
    yield from _browser_page(browser, live_server, 1280, 900)


@pytest.fixture(scope="session")
def shared_phone(browser: Any, live_server: str) -> Iterator[BrowserPage]:
    """One page at 390 x 844, a common phone size, for tests that only read pages."""
    yield from _browser_page(browser, live_server, 390, 844)


def browser_session_cookie(live_server: str, username: str) -> dict[str, Any]:
    """The session cookie of a new session of `username` on the live server, for a browser context."""
    with httpx.Client(base_url=live_server) as http:
        response = http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        value = http.cookies["tekseru_session"]
    return {
        "name": "tekseru_session",
        "value": value,
        "url": live_server,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def _signed_in_page(
    browser: Any, live_server: str, username: str, width: int, height: int
) -> Iterator[BrowserPage]:
    for page in _browser_page(browser, live_server, width, height):
        page.page.context.add_cookies([browser_session_cookie(live_server, username)])
        yield page


@pytest.fixture(scope="session")
def admin_desktop(browser: Any, live_server: str, seeded: uuid.UUID) -> Iterator[BrowserPage]:
    """One page at 1280 x 900 signed in as the admin, for tests that only read pages."""
    yield from _signed_in_page(browser, live_server, USERS["admin"].username, 1280, 900)


@pytest.fixture(scope="session")
def admin_phone(browser: Any, live_server: str, seeded: uuid.UUID) -> Iterator[BrowserPage]:
    """One page at 390 x 844 signed in as the admin."""
    yield from _signed_in_page(browser, live_server, USERS["admin"].username, 390, 844)


@pytest.fixture
def planner_desktop(browser: Any, live_server: str, seeded: uuid.UUID) -> Iterator[BrowserPage]:
    """A fresh context at 1280 x 900 signed in as the planner."""
    yield from _signed_in_page(browser, live_server, USERS["planner"].username, 1280, 900)
