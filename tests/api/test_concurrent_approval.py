"""Two users at the same moment (issue 12), on SQLite and PostgreSQL, each with a client of its own, in its
own thread, against the app served on loopback: two planners approve lists of one half-year (for the same
list, and for two drafts of the same half-year and regions, exactly one approval wins; the other answers
409 in its reader's language), draft one, and import the same file; the audit chain verifies afterwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import audit
from tekseru.services.permissions import Actor
from tekseru.store.plans import add_plan, get_plan
from tests.databases import database, database_url, postgres_server
from tests.web.support import PASSWORD, USERS
from tests.web.test_plans_pages import Site, serving
from tests.web.test_stale_writes import site

__all__ = ["database", "database_url", "postgres_server", "site"]

ROUNDS = 3
TITLE = {"kk": "Басқа пайдаланушы өзгертті", "ru": "Изменено другим пользователем"}
ALREADY = {"kk": "бекітуге болмайды", "ru": "нельзя утвердить"}


@pytest.fixture
def base_url(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


def signed_in(base_url: str, role: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base_url, timeout=60)
    answer = client.post("/api/v1/auth/login", json={"username": USERS[role].username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, str(answer.json()["csrf_token"])


def at_once(*calls: Any) -> list[httpx.Response]:
    """Run the calls in threads of their own, released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def approving(client: httpx.Client, csrf: str, plan_id: int, lang: str, version: int | None) -> Any:
    headers = {"X-CSRF-Token": csrf, "Accept-Language": lang}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return lambda: client.post(f"/api/v1/plans/{plan_id}/approve", headers=headers)


def second_draft(site: Site, plan_id: int) -> int:
    """Another draft of the same half-year and regions (as two planners drafting at once could leave)."""
    with site.app.state.tekseru.database().transaction() as session:
        first = get_plan(session, plan_id)
        assert first is not None
        copy = add_plan(
            session,
            half_year=first.half_year,
            as_of=first.as_of,
            assessment_id=first.assessment_id,
            edition_id=first.edition_id,
            plan=first.plan,
            capacity=first.capacity,
            created_by="t-admin",
            now=datetime.now(UTC),
        )
    return copy.id


def statuses(site: Site, *plan_ids: int) -> list[str]:
    with site.app.state.tekseru.database().reading() as session:
        return [getattr(get_plan(session, plan_id), "status", "gone") for plan_id in plan_ids]


def test_two_planners_approving_at_once_one_wins_and_the_other_gets_409(site: Site, base_url: str) -> None:
    kk, kk_csrf = signed_in(base_url, "planner")
    ru, ru_csrf = signed_in(base_url, "admin")
    for round_ in range(ROUNDS):
        half_year = f"{2031 + round_}-H1"
        made = kk.post("/api/v1/plans", json={"half_year": half_year}, headers={"X-CSRF-Token": kk_csrf})
        assert made.status_code == 201, made.text
        plan_id, version = made.json()["id"], made.json()["version"]

        # The same list, each with the version it read.
        answers = at_once(
            approving(kk, kk_csrf, plan_id, "kk", version), approving(ru, ru_csrf, plan_id, "ru", version)
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200, 409], [answer.text for answer in answers]
        loser, lang = (answers[1], "ru") if answers[0].status_code == 200 else (answers[0], "kk")
        assert loser.headers["content-language"] == lang
        assert loser.json()["title"] == TITLE[lang]

        # Two drafts of the same half-year and regions, without versions: one approval only.
        draft = kk.post(
            "/api/v1/plans", json={"half_year": f"{2031 + round_}-H2"}, headers={"X-CSRF-Token": kk_csrf}
        ).json()["id"]
        other = second_draft(site, draft)
        answers = at_once(
            approving(kk, kk_csrf, draft, "kk", None), approving(ru, ru_csrf, other, "ru", None)
        )
        codes = [answer.status_code for answer in answers]
        assert sorted(codes) == [200, 409], [answer.text for answer in answers]
        assert sorted(statuses(site, draft, other)) == ["approved", "draft"]
        loser, lang = (answers[1], "ru") if codes[0] == 200 else (answers[0], "kk")
        assert loser.headers["content-language"] == lang
        assert ALREADY[lang] in loser.json()["detail"]

    report = audit.verify(site.app.state.tekseru.database(), Actor.system("test"))
    assert report.ok, report
    approvals = [
        entry
        for entry in site.api("admin", "GET", "/audit", params={"action": "plan.approve", "per_page": 100})[
            "items"
        ]
    ]
    assert len(approvals) == 2 * ROUNDS


def test_two_planners_drafting_at_once_leave_one_draft(site: Site, base_url: str, tmp_path: Path) -> None:
    first, first_csrf = signed_in(base_url, "planner")
    second, second_csrf = signed_in(base_url, "admin")
    body = {"json": {"half_year": "2035-H1"}}
    answers = at_once(
        lambda: first.post("/api/v1/plans", headers={"X-CSRF-Token": first_csrf}, **body),
        lambda: second.post("/api/v1/plans", headers={"X-CSRF-Token": second_csrf}, **body),
    )
    assert [answer.status_code for answer in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]  # the second replaced the first's draft


def test_two_planners_importing_the_same_file_at_once_store_each_subject_once(
    site: Site, base_url: str
) -> None:
    bins = list(demo_bins(40, prefix="1903300"))
    content = "bin,name,region,groups\n" + "".join(
        f"{b},Бірге {i},shymkent,home_care\n" for i, b in enumerate(bins)
    )
    users = [signed_in(base_url, "planner"), signed_in(base_url, "admin")]

    def upload(client: httpx.Client, csrf: str) -> Any:
        files = {"file": ("бірге.csv", content.encode("utf-8"), "text/csv")}
        data = {"kind": "import_subjects"}
        return lambda: client.post("/api/v1/imports", data=data, files=files, headers={"X-CSRF-Token": csrf})

    started = at_once(*(upload(client, csrf) for client, csrf in users))
    assert [answer.status_code for answer in started] == [202, 202], [a.text for a in started]
    jobs = []
    for (client, _), answer in zip(users, started, strict=True):
        deadline = time.monotonic() + 120
        while True:
            job = client.get(f"/api/v1/jobs/{answer.json()['id']}").json()
            if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        jobs.append(job)
    assert [job["status"] for job in jobs] == ["finished", "finished"], jobs
    created = sorted(job["result"]["created"] for job in jobs)
    assert created == [0, len(bins)], jobs  # the second import found every subject stored by the first
    client, _ = users[0]
    found = client.get("/api/v1/subjects", params={"q": "Бірге", "per_page": 100}).json()
    assert found["total"] == len(bins)
    assert audit.verify(site.app.state.tekseru.database(), Actor.system("test")).ok


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_planner_who_came_second_sees_409_and_why_on_the_list_page(site: Site, lang: str) -> None:
    planner = site.client("planner")
    first = site.api("planner", "POST", "/plans", json={"half_year": "2036-H1"})["id"]
    second = second_draft(site, first)
    site.api("admin", "POST", f"/plans/{first}/approve")
    answer = planner.post_form(f"/plans/{second}/approve?lang={lang}", {})
    assert answer.status_code == 409
    assert ALREADY[lang] in answer.text and 'id="refused"' in answer.text
    assert statuses(site, first, second) == ["approved", "draft"]
