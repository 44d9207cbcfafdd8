"""A controlled subject's account probes every page and API path of the app (enumerated from the FastAPI
app, so new routes are covered as they come) with another subject's ids, BIN and file hash, and gets 403 or
404 everywhere; its own pages work, in kk and ru."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tekseru.services import plans, portal
from tekseru.services.accounts import get_user
from tekseru.services.auth import actor_of
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store.inspections import violations_of
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, EDITION, add_subjects, inspect
from tests.services.plan_data import add_run
from tests.web.conftest import sign_in
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

PDF = b"%PDF-1.4\n% their proof\n"
SYSTEM = Actor.system("tests")
# Paths a subject may open: its own pages, signing in and out, the public catalogue of the act (the same for
# everyone, naming no subject), its own account and language, the documents of the API, the published lists
# (public by law), and the installable application's shell (manifest, icons, service worker, and the list of
# the user's own drafts it keeps offline, empty for a subject).
OPEN_TO_ALL = re.compile(
    r"^/(|my(/.*)?|login(/signature(/challenge)?)?|logout|account(/.*)?|language|static/.*|catalog(/.*)?|api/v1/(auth/.*|catalog(/.*)?"
    r"|health|openapi\.json|me|my(/.*)?|public/.*)|api|api-reference|remediation/\{report_id\}(/files/\{file_id\})?"
    r"|public(/.*)?|sw\.js|manifest\.webmanifest|icons/.*|offline/checklists)$"
)


@dataclass(frozen=True)
class World:
    app: FastAPI
    other: dict[str, str]  # path parameter -> another subject's value
    own_violation: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("subject-access")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    with TestClient(app):
        db = app.state.tekseru.database()
        ids = add_subjects(db)
        mine, theirs = inspect(db, 0, non_compliant=[1]), inspect(db, 3, non_compliant=[1])
        # an approved list with both subjects on it (the subject's home page names its lists)
        add_run(db, {0: ids[0], 1: ids[3]}, {0: (100.0, "high", (7,)), 1: (90.0, "high", (7,))},
                as_of=date(2025, 6, 1))  # fmt: skip
        drafted = plans.draft_plan(db, SYSTEM, "2025-H2", catalogue=CATALOGUE)
        plans.approve_plan(db, SYSTEM, drafted.id)
        for name, bin in (("subject-own", BINS[0]), ("subject-other", BINS[3])):
            create_user(
                db,
                SYSTEM,
                username=name,
                full_name=name,
                role="subject",
                bins=[bin],
                password=PASSWORD,
                passwords=CHEAP_PASSWORDS,
            )
        with db.reading() as session:
            (own_violation,) = violations_of(session, [mine.id])
            (their_violation,) = violations_of(session, [theirs.id])
        other_actor = actor_of(get_user(db, SYSTEM, "subject-other"))
        report = portal.submit_remediation(
            db, other_actor, their_violation.id, "done", [("proof.pdf", PDF)], settings=settings
        )
        (file,) = report.files
        other = {
            "inspection_id": str(theirs.id),
            "violation_id": str(their_violation.id),
            "report_id": str(report.id),
            "file_id": str(file.id),
            "attachment_id": "1",
            "item": "1",
            "bin": BINS[3],
            "sha256": file.sha256,
            "plan_id": "1",
            "subject_id": str(theirs.subject_id),
            "job_id": "00000000-0000-4000-8000-000000000001",
            "run_id": "00000000-0000-4000-8000-000000000001",
        }
        yield World(app, other, own_violation.id)


def routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every route of the app with its full path, walking the routers it includes."""

    def walk(found: Sequence[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
        for route in found:
            if isinstance(route, APIRoute):
                yield prefix + route.path, route
            elif hasattr(route, "original_router"):  # a router included in the app (FastAPI >= 0.120)
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                yield from walk(route.routes, prefix)

    return list(walk(app.routes, ""))


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def test_a_subject_gets_403_or_404_on_every_path_with_another_subjects_ids(world: World) -> None:
    client = TestClient(world.app)
    csrf = sign_in(client, "subject-own")
    probed = 0
    for path, route in routes(world.app):
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            if OPEN_TO_ALL.match(path) and not (
                "{" in path and path.startswith(("/my", "/remediation", "/api/v1/my"))
            ):
                continue  # the same for everyone, or its own: probed with another subject's ids below
            url = _fill(path, world.other)
            query = {"bin": BINS[3], "sha256": world.other["sha256"], "subject": BINS[3]}
            answer = client.request(
                method, url, params=query, headers={"X-CSRF-Token": csrf}, follow_redirects=False
            )
            probed += 1
            # 422: FastAPI refused the body or parameters before any service was asked (nothing read)
            # (a page says 400 for a parameter it cannot read)
            invalid = (answer.status_code == 422 and '"loc"' in answer.text) or answer.status_code == 400
            nothing = (
                answer.status_code == 200 and answer.text == "[]"
            )  # a listing filtered to the user's own
            assert answer.status_code in (403, 404) or invalid or nothing, (
                method,
                path,
                answer.status_code,
                answer.text[:300],
            )
            shown = answer.text.replace(f"bin={BINS[3]}", "").replace(
                f"subject={BINS[3]}", ""
            )  # its own query
            assert BINS[3] not in shown or "{bin}" in path, (method, path)
    assert probed > 50


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_subject_sees_its_own_violation_and_reports_it(world: World, lang: str) -> None:
    client = TestClient(world.app)
    csrf = sign_in(client, "subject-own")
    start = client.get(f"/?lang={lang}", follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"] == "/my"
    home = client.get(f"/my?lang={lang}")
    assert home.status_code == 200
    assert BINS[0] in home.text and BINS[3] not in home.text
    title = {"kk": "Менің ұйымым", "ru": "Моя организация"}[lang]
    assert title in home.text
    # its lists are named by their half-year in words, never by the internal key (2026-H2)
    assert re.search(r"20\d\d-H[12]", home.text) is None, home.text
    assert {"kk": "2025 жылғы екінші жартыжылдық", "ru": "второе полугодие 2025"}[lang] in home.text
    page = client.get(f"/my/violations/{world.own_violation}?lang={lang}")
    assert page.status_code == 200
    # what is to be remedied: the checklist item's requirement in the reader's language, not its number alone
    first_items = [checklist.items[0].text.in_language(lang) for checklist in EDITION.checklists.values()]
    assert any(text in html.unescape(page.text) for text in first_items)
    refused = client.post(
        f"/my/violations/{world.own_violation}?lang={lang}",
        data={"text": " ", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    said = {"kk": "Не істелгенін жазыңыз", "ru": "Опишите, что сделано"}[lang]
    assert said in refused.text
