"""The checklist page on a slow mobile network: first visit bytes and the installed application's usable time.

    .venv/bin/python bench/bench_offline.py [--visits 5] [--lang ru] [--profile slow-3g] [--database-url URL]

Reports through bench/common.py (the load, the versions with playwright's and the browser's, each figure's
ratio to its target, `--json`), and bench/run_all.py runs it as `offline`. Fills a fresh database (a SQLite
file in a temporary folder, or the one of `--database-url`: a PostgreSQL database is dropped and made
again) with the demo registry and its users (as `tekseru serve` does on first use),
records a draft inspection as the demo inspector (the longest checklist a subject of its region has) with a
third of its items answered, serves the app on loopback (uvicorn in a thread, counting the bytes it sends)
and opens Debian's chromium (/usr/bin/chromium) through playwright at 390 x 844, with the network throttled
through the DevTools protocol (`Network.emulateNetworkConditions`; slow-3g is DevTools' preset: 2,000 ms
round trip, 400 kbit/s down and up; `--profile none` for no throttling). It measures:

- the first visit of the checklist page: the bytes the page's requests transferred (DevTools'
  encodedDataLength: headers and bodies), and all that the server sent until the service worker had kept
  the application shell and this user's checklists (its own requests included); target < 300 KB;
- then, the application installed (the service worker controls the page), `--visits` visits of the same
  page: the time from the start of the navigation to the first item's answers being on screen and the
  page's scripts having run (DOMContentLoaded, every deferred script run; the time until the first item is
  visible is printed too); target < 1 s;

and checks each time that the page is the right one: the checklist's heading, every item and the answers
given (a page that is not the right one fails the run: exit 1). The targets (issue 15's) are not floors: a
figure that misses one is reported with its ratio, as every benchmark's. Stops by itself: each wait of the
browser is bounded (30 s), and the server stops at the end.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).parent))

from common import Run, add_options, database_kind, fresh_postgres

from tekseru.catalog_files import load_catalogue
from tekseru.i18n import translate
from tekseru.services.auth import open_app_database
from tekseru.services.demo import start_demo_when_empty
from tekseru.services.passwords import Passwords
from tekseru.settings import Settings
from tekseru.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
TARGET_USABLE_MS = 1000.0
TARGET_FIRST_VISIT_KB = 300.0
WAIT_MS = 30_000
LONGEST = (3, 4)
# DevTools' presets: round trip in ms, throughput in bytes per second (kbit/s * 1000 / 8 * 0.8 as DevTools).
PROFILES = {
    "slow-3g": {
        "latency": 2000.0,
        "downloadThroughput": 500 * 1000 / 8 * 0.8,
        "uploadThroughput": 500 * 1000 / 8 * 0.8,
    },
    "fast-3g": {"latency": 562.5, "downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9},
    "none": {"latency": 0.0, "downloadThroughput": -1.0, "uploadThroughput": -1.0},
}


class Counted:
    """ASGI middleware: the bytes of each answer's status line, headers and body (sent uncompressed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sent = 0
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.sent += 17 + sum(len(k) + len(v) + 4 for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                self.sent += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting)


@dataclass
class Fixture:
    base: str
    counter: Counted
    cookie: dict[str, Any]
    path: str
    inspection_id: int
    number: str  # as the page shows it
    answered: dict[int, str]
    items: int
    server: uvicorn.Server
    thread: threading.Thread


def prepare(folder: Path, url: str) -> Fixture:
    settings = Settings(attachments_dir=str(folder / "files")).with_database_url(url)
    database = open_app_database(settings)
    try:
        catalogue = load_catalogue()
        started = start_demo_when_empty(
            database, today=date.today(), passwords=Passwords(), catalogue=catalogue
        )
        if started is None:
            raise SystemExit(f"bench_offline: the database is not empty: {url}")
        inspector = next(user for user in started.users if user.role.value == "inspector")
    finally:
        database.close()
    counter = Counted(create_app(settings, catalogue=catalogue))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(counter, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("bench_offline: the server did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=60) as http:
        login = http.post(
            "/api/v1/auth/login", json={"username": inspector.username, "password": inspector.password}
        )
        login.raise_for_status()
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        subjects = http.get("/api/v1/subjects", params={"limit": 50}).json()
        rows = subjects["items"] if isinstance(subjects, dict) else subjects
        bins = [row["bin"] for row in rows if row.get("region") == inspector.region]
        header = {
            "kind": "preventive_control",
            "act_number": "1-ПК",
            "act_date": date.today().isoformat(),
            "inspectors": ["Bench"],
        }
        # The longest checklists (Appendices 3 and 4, 20 items) of a subject whose groups have one.
        tries = [{**header, "bin": b, "appendix": a} for b in bins for a in LONGEST] + [
            {**header, "bin": bins[0]}
        ]
        made = next(
            answer
            for body in tries
            if (answer := http.post("/api/v1/inspections", json=body, headers=csrf)).status_code == 201
        )
        inspection_id = made.json()["id"]
        items = len(http.get(f"/api/v1/inspections/{inspection_id}").json()["items"])
        # The page is headed by the number a person reads (region-year-sequence), which the list gives.
        listed = http.get("/api/v1/inspections").json()
        rows = listed["items"] if isinstance(listed, dict) else listed
        number = next((row.get("number") for row in rows if row["id"] == inspection_id), None)
        answered = {n: ("compliant" if n % 2 else "non_compliant") for n in range(1, items + 1, 3)}
        body = {"answers": [{"item": n, "answer": a} for n, a in answered.items()]}
        http.post(f"/api/v1/inspections/{inspection_id}/answers", json=body, headers=csrf).raise_for_status()
        cookie = {"name": "tekseru_session", "value": http.cookies["tekseru_session"], "url": base}
    path = f"/inspections/{inspection_id}/checklist"
    shown = number or str(inspection_id)
    return Fixture(base, counter, cookie, path, inspection_id, shown, answered, items, server, thread)


def check_page(page: Any, fixture: Fixture, lang: str) -> list[str]:
    """What is wrong with the page for this checklist (its heading, every item, the answers given): none."""
    heading = " ".join((page.text_content("h1") or "").split())
    expected = translate(lang, "inspections.checklist.title", id=fixture.number)
    problems = [] if heading == expected else [f"not the checklist page: {heading!r}"]
    if page.locator("[data-item-id]").count() != fixture.items:
        problems.append("items missing")
    for number, answer in fixture.answered.items():
        if not page.is_checked(f"#answer-{number}-{answer}"):
            problems.append(f"item {number}: the answer given is not shown")
    return problems


def throttle(context: Any, page: Any, profile: str) -> Any:
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.send("Network.emulateNetworkConditions", {"offline": False, **PROFILES[profile]})
    return session


def measure(arguments: argparse.Namespace, url: str, run: Run) -> None:
    """Serve the app on `url`'s database, visit the checklist in the browser, and record the figures and
    the checks in `run`."""
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import sync_playwright

    lang = arguments.lang
    with tempfile.TemporaryDirectory(prefix="bench-offline-") as folder:
        if url == "sqlite://":
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        fixture = prepare(Path(folder), url)
        usable: list[float] = []
        visible: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                run.notes.append(
                    f"browser: chromium {browser.version}, 390 x 844, profile {arguments.profile}"
                )
                context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=fixture.base)
                context.add_cookies([fixture.cookie])
                page = context.new_page()
                page.set_default_timeout(WAIT_MS)
                session = throttle(context, page, arguments.profile)
                transferred: dict[str, float] = {}
                session.on(
                    "Network.loadingFinished",
                    lambda event: transferred.__setitem__(event["requestId"], event["encodedDataLength"]),
                )

                # The first visit: nothing cached, the service worker not installed yet.
                before = fixture.counter.sent
                started = time.perf_counter()
                page.goto(f"{fixture.path}?lang={lang}", wait_until="load")
                first_load_ms = (time.perf_counter() - started) * 1000
                problems = check_page(page, fixture, lang)
                run.check(
                    "the first visit shows the checklist, its items and answers",
                    not problems,
                    "; ".join(problems),
                )
                page_bytes = sum(transferred.values())
                page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
                # The page says when the service worker keeps it (an async predicate would return a
                # promise, always truthy, and would not wait).
                page.wait_for_function(
                    "() => document.documentElement.dataset.offlineKept === 'yes'", timeout=WAIT_MS
                )
                page.wait_for_timeout(500)  # let the worker's last copies land
                server_bytes = fixture.counter.sent - before

                # The installed application: each visit served by the service worker.
                for visit in range(arguments.visits):
                    page.goto("about:blank")
                    started = time.perf_counter()
                    page.goto(fixture.path, wait_until="domcontentloaded")
                    page.wait_for_selector("[data-item-id] input[type=radio]", state="visible")
                    visible.append((time.perf_counter() - started) * 1000)
                    timing = page.evaluate(
                        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                    )
                    usable.append(float(timing))
                    problems = check_page(page, fixture, lang)
                    run.check(
                        f"installed visit {visit + 1} shows the checklist", not problems, "; ".join(problems)
                    )
                served_by_worker = page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0].workerStart > 0"
                )
                run.check("the installed visits come through the service worker", bool(served_by_worker))
                browser.close()
        except BrowserError as error:  # a wait that ran out: the page never became what was waited for
            run.check("the browser's waits (30 s each) were met", False, str(error).splitlines()[0])
            return
        finally:
            fixture.server.should_exit = True
            fixture.thread.join(timeout=10)

    conditions = PROFILES[arguments.profile]
    print(f"profile {arguments.profile} ({conditions}), {fixture.items} items, language {lang}")
    print(
        f"first visit: loaded in {first_load_ms:.0f} ms; its requests transferred {page_bytes / 1024:.1f} KB"
    )
    print(f"first visit: the server sent {server_bytes / 1024:.1f} KB in all, the worker's copies included")
    each = ", ".join(f"{ms:.0f}" for ms in usable)
    print(f"installed: usable (DOMContentLoaded) in {each} ms ({len(usable)} visits)")
    run.figure("first visit: the page's requests transferred", page_bytes / 1024, "KB", TARGET_FIRST_VISIT_KB)
    run.figure("first visit: the server sent, the worker's copies included", server_bytes / 1024, "KB")
    run.figure("first visit: loaded", first_load_ms, "ms")
    run.figure("installed: usable (DOMContentLoaded), the slowest visit", max(usable), "ms", TARGET_USABLE_MS)
    run.figure("installed: usable (DOMContentLoaded), median", statistics.median(usable), "ms")
    run.figure("installed: first item visible to playwright, median", statistics.median(visible), "ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--lang", choices=("kk", "ru", "en"), default="ru")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="slow-3g")
    add_options(parser)
    arguments = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"bench_offline: {CHROMIUM} is not installed", file=sys.stderr)
        return 2
    url = arguments.database_url or "sqlite://"  # no URL: a new SQLite file in the temporary folder
    if database_kind(url) == "postgresql":
        fresh_postgres(url)
    sizes = {"visits": arguments.visits, "lang": arguments.lang, "profile": arguments.profile}
    run = Run("offline", arguments.database_url, sizes=sizes)
    measure(arguments, url, run)
    return run.finish(arguments.json)


if __name__ == "__main__":
    sys.exit(main())
