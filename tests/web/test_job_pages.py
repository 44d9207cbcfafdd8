"""The assessment and import pages: starting jobs, following them (htmx polling, or reloading), results.

These tests change the registry a lot (new subjects, evidence, assessments), so the module works on a
database of its own: `app` and `seeded` are overridden here."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.catalog.identifiers import demo_bins
from tekseru.services.jobs import JobKind, JobNotCancellable, cancel, start_import
from tekseru.services.permissions import Actor, Role
from tekseru.settings import Settings
from tests.web.conftest import SignedIn, sign_in
from tests.web.htmltree import parse
from tests.web.support import BINS, OWN_BIN, USERS, example_jobs, seed, two_edition_app


@pytest.fixture(scope="module")
def app(catalog_service: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("job-pages")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "jobs.sqlite3")
    app = two_edition_app(settings, catalog_service)
    yield app
    app.state.tekseru.close()


@pytest.fixture(scope="module")
def seeded(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> uuid.UUID:
    return seed(app.state.tekseru.database(), tmp_path_factory.mktemp("job-seed"))


PLANNER = Actor("t-planner", Role.PLANNER)
HELD_ROWS = 400_000


def job_id(location: str) -> uuid.UUID:
    return uuid.UUID(location.rstrip("/").rsplit("/", 1)[1])


def test_the_assessments_page_lists_the_runs(signed_in: Callable[[str], SignedIn], seeded: uuid.UUID) -> None:
    root = parse(signed_in("viewer").client.get("/assessments?lang=en").text)
    links = [a.attrs["href"] for a in root.find("table", class_="runs").find_all("a")]
    assert f"/assessments/{seeded}" in links
    assert not root.find_all("form", class_="stacked")  # a viewer cannot start one


def test_starting_an_assessment_from_the_page(signed_in: Callable[[str], SignedIn], app: FastAPI) -> None:
    planner = signed_in("planner")
    form = parse(planner.client.get("/assessments?lang=en").text).find("form", class_="stacked")
    assert form.find("input", id="as_of").attrs["type"] == "date"
    assert (
        planner.client.post("/assessments", data={"as_of": "2024-06-01"}, follow_redirects=False).status_code
        == 403
    )
    assert planner.post_form("/assessments?lang=en", {"as_of": "1.6.2024"}).status_code == 400
    response = planner.post_form("/assessments", {"as_of": "2024-06-01"})
    assert response.status_code == 303 and response.headers["location"].startswith("/assessments/jobs/")
    app.state.tekseru.jobs().wait(job_id(response.headers["location"]), timeout=60)
    root = parse(planner.client.get(response.headers["location"] + "?lang=en").text)
    assert root.find("h1").text == "Assessment run"  # not "in progress" once it finished (tester14)
    assert root.find(id="job-state").text == "Finished"
    for lang, title, finished in (("kk", "Бағалауды орындау", "Аяқталды"), ("ru", "Выполнение оценки", None)):
        page = parse(planner.client.get(response.headers["location"] + f"?lang={lang}").text)
        assert page.find("h1").text == title and "орындалуда" not in page.find("title").text
        assert finished is None or page.find(id="job-state").text == finished
    assert not root.find("div", id="job").attrs.get("hx-trigger")  # polling stops when the job ends
    results = root.find("div", id="job").find("a").attrs["href"]
    assert results.startswith("/assessments/") and "jobs" not in results
    page = parse(planner.client.get(results + "?risk_class=high&lang=en").text)
    assert sorted(
        th.text for th in page.find("table", class_="results").find("tbody").find_all("th")
    ) == sorted([OWN_BIN, BINS[3]])


def test_a_viewer_cannot_start_an_assessment(signed_in: Callable[[str], SignedIn]) -> None:
    viewer = signed_in("viewer")
    assert viewer.post_form("/assessments", {"as_of": "2024-06-01"}).status_code == 403


def held_file(folder: Path) -> Path:
    """A subjects file checked for a long while (half a minute here), taking no database lock: 400 000
    rows with a wrong BIN, checked without the database and never written."""
    path = folder / "held.csv"
    path.write_text("bin,name,region,groups\n" + "1,Held,astana,home_care\n" * HELD_ROWS, encoding="utf-8")
    return path


@pytest.fixture
def held_job(app: FastAPI, seeded: uuid.UUID, tmp_path: Path) -> Iterator[uuid.UUID]:
    """An import job running (past its first 5000 rows) until the test ends, then cancelled."""
    state = app.state.tekseru
    job = start_import(
        state.jobs(),
        state.database(),
        PLANNER,
        kind=JobKind.IMPORT_SUBJECTS,
        path=held_file(tmp_path),
        today=date.today(),
    )
    while state.jobs().get(PLANNER, job.id).done == 0:
        time.sleep(0.05)
    yield job.id
    with contextlib.suppress(JobNotCancellable):
        cancel(state.jobs(), Actor.system("t-admin"), job.id)


def test_a_running_job_page_polls_with_htmx_and_works_without_it(
    signed_in: Callable[[str], SignedIn], held_job: uuid.UUID
) -> None:
    planner = signed_in("planner").client
    path = f"/imports/{held_job}"
    for _ in range(100):
        root = parse(planner.get(path + "?lang=en").text)
        if root.find(id="job-state").text == "Running":
            break
    job = root.find("div", id="job")
    assert (job.attrs["hx-get"], job.attrs["hx-trigger"], job.attrs["hx-select"]) == (
        path,
        "every 1s",
        "#job",
    )
    assert job.attrs["hx-select-oob"] == "#job-state:innerHTML"
    progress = root.find("progress", id="job-progress")
    done = int(progress.attrs["value"])
    assert progress.attrs["max"] == str(HELD_ROWS) and done >= 5000 and done % 5000 == 0
    assert root.find("label", for_="job-progress").text == "Progress"
    assert root.find(id="job-count").text == f"{done} of {HELD_ROWS} ({round(100 * done / HELD_ROWS)}%)"
    assert not root.find_all("form", id="job-cancel")  # a planner cannot cancel
    assert root.find("a", href=path).text == "Reload it"  # without JavaScript
    api = planner.get(f"/api/v1/jobs/{held_job}").json()
    assert (api["status"], api["total"]) == ("running", HELD_ROWS) and api["done"] >= done


def upload(planner: SignedIn, name: str, content: str, kind: str = "import_subjects", **extra: str) -> Any:
    files = {"file": (name, content.encode("utf-8"), "text/csv")}
    return planner.client.post(
        "/imports",
        data={"kind": kind, "csrf_token": planner.csrf, **extra},
        files=files,
        follow_redirects=False,
    )


def test_an_upload_becomes_a_job_with_a_report_by_row(
    signed_in: Callable[[str], SignedIn], app: FastAPI
) -> None:
    planner = signed_in("planner")
    content = (
        "bin,criterion,source_group,observed_on,reference\n"
        f"{OWN_BIN},999,,2024-01-01,x\n{OWN_BIN},3,,2024-01-01,y\n"
    )
    response = upload(planner, "page-evidence.csv", content, kind="import_evidence", skip_invalid="yes")
    assert response.status_code == 303 and response.headers["location"].startswith("/imports/")
    app.state.tekseru.jobs().wait(job_id(response.headers["location"]), timeout=30)
    root = parse(planner.client.get(response.headers["location"] + "?lang=en").text)
    assert root.find("h1").text == "Import of evidence"
    report = root.find_all("dl", class_="facts")[1]
    counts = dict(
        zip((dt.text for dt in report.find_all("dt")), (dd.text for dd in report.find_all("dd")), strict=True)
    )
    assert counts == {"Rows read": "2", "Added": "1", "Changed": "0", "Already stored": "0", "Rejected": "1"}
    errors = root.find("table", class_="errors").find("tbody").find_all("tr")
    assert [tr.find("th").text for tr in errors] == ["2"]
    assert "criterion" in errors[0].text
    rejected = root.find("a", href=response.headers["location"] + "/rejected")
    download = planner.client.get(rejected.attrs["href"])
    assert download.status_code == 200 and "999" in download.text
    assert download.text.lstrip("\ufeff").startswith("Жол,")  # written in the language of who imported
    listed = parse(planner.client.get("/imports?lang=en").text).find("table", class_="jobs")
    assert "page-evidence.csv" in listed.text


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_report_groups_the_digits_of_large_counts(
    signed_in: Callable[[str], SignedIn], app: FastAPI, language: str
) -> None:
    """10 001 rows read: "10 001" in kk and ru (CLDR's grouping), never "10001"."""
    planner = signed_in("planner")
    content = "bin,name,region,groups\n" + "1,Bad,nowhere,x\n" * 10_001
    response = upload(planner, f"many-{language}.csv", content, kind="import_subjects", skip_invalid="yes")
    app.state.tekseru.jobs().wait(job_id(response.headers["location"]), timeout=120)
    root = parse(planner.client.get(response.headers["location"] + f"?lang={language}").text)
    report = root.find_all("dl", class_="facts")[1]
    counts = [dd.text.replace("\xa0", " ") for dd in report.find_all("dd")]
    assert counts == ["10 001", "0", "0", "0", "10 001"]


def test_the_import_form_explains_what_is_missing(signed_in: Callable[[str], SignedIn]) -> None:
    planner = signed_in("planner")
    no_kind = upload(planner, "s.csv", "bin", kind="")
    wrong_file = upload(planner, "s.pdf", "bin")
    assert (no_kind.status_code, wrong_file.status_code) == (400, 400)
    assert parse(wrong_file.text).find(id="import-error").attrs["role"] == "alert"


def test_only_those_who_import_see_the_imports(signed_in: Callable[[str], SignedIn]) -> None:
    for role in ("viewer", "inspector"):
        assert signed_in(role).client.get("/imports").status_code == 403
        assert upload(signed_in(role), "s.csv", "bin,name\n").status_code == 403


def test_a_job_page_shows_only_its_kind(
    signed_in: Callable[[str], SignedIn], app: FastAPI, tmp_path_factory: pytest.TempPathFactory
) -> None:
    state = app.state.tekseru
    ids = example_jobs(state.jobs(), state.database(), tmp_path_factory.mktemp("kinds"))
    planner = signed_in("planner").client
    assert planner.get(f"/imports/{ids['assessment_job']}").status_code == 404
    assert planner.get(f"/assessments/jobs/{ids['import_job']}").status_code == 404
    failed = parse(planner.get(f"/imports/{ids['failed_import']}?lang=en").text)
    assert failed.find(id="job-state").text == "Failed" and "was not imported" in failed.text


def test_an_import_survives_writes_that_come_while_it_runs(
    app: FastAPI, seeded: uuid.UUID, tmp_path: Any
) -> None:
    """On SQLite a job's transactions take the write lock at once, so commits of others (sessions, new
    jobs, evidence) cannot make its read-then-write transaction fail; they wait for it instead."""
    state = app.state.tekseru
    rows = "".join(
        f"{bin},Busy {i},shymkent,home_care\n" for i, bin in enumerate(demo_bins(400, prefix="1901800"))
    )
    (tmp_path / "busy.csv").write_text("bin,name,region,groups\n" + rows, encoding="utf-8")
    actor = Actor.system("t-planner")
    jobs = [
        start_import(
            state.jobs(),
            state.database(),
            actor,
            kind=JobKind.IMPORT_SUBJECTS,
            path=tmp_path / "busy.csv",
            today=date.today(),
        )
        for _ in range(3)
    ]
    for _ in range(20):  # sign-ins commit sessions while the imports run
        sign_in(TestClient(app), USERS["viewer"].username)
    for job in jobs:
        state.jobs().wait(job.id, timeout=60)
    done = [state.jobs().get(actor, job.id) for job in jobs]
    assert [job.status for job in done] == ["finished"] * 3, [job.message for job in done]
    assert sorted(job.result["created"] for job in done if job.result) == [0, 0, 400]


@pytest.mark.parametrize(
    ("lang", "button", "cancelled", "explained"),
    [
        ("kk", "Тапсырманы тоқтату", "Тоқтатылды", "Тапсырманы әкімші тоқтатты."),
        ("ru", "Отменить задание", "Отменено", "Задание отменено администратором."),
    ],
)
def test_an_administrator_cancels_a_running_job_from_its_page(
    signed_in: Callable[[str], SignedIn],
    held_job: uuid.UUID,
    lang: str,
    button: str,
    cancelled: str,
    explained: str,
) -> None:
    admin = signed_in("admin")
    path = f"/imports/{held_job}"
    root = parse(admin.client.get(f"{path}?lang={lang}").text)
    form = root.find("form", id="job-cancel")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", f"{path}/cancel")
    assert form.find("input", type="hidden").attrs["name"] == "csrf_token"  # works without JavaScript
    submit = form.find("button")
    assert (submit.attrs["type"], submit.text) == ("submit", button)
    assert root.find(id=submit.attrs["aria-describedby"]) is not None
    assert not root.find("div", id="job").find_all("form")  # polling never replaces the focused button
    assert admin.client.post(f"{path}/cancel", follow_redirects=False).status_code == 403  # no CSRF token
    assert signed_in("planner").post_form(f"{path}/cancel", {}).status_code == 403
    response = admin.post_form(f"{path}/cancel?lang={lang}", {})
    assert response.status_code == 303 and response.headers["location"] == path
    page = parse(admin.client.get(f"{path}?lang={lang}").text)
    assert page.find(id="job-state").text == cancelled
    assert explained in page.find(id="job-ended").text
    assert not page.find_all("form", id="job-cancel") and not page.find("div", id="job").attrs.get("hx-get")
    again = admin.post_form(f"{path}/cancel?lang={lang}", {})
    assert again.status_code == 409
    assert parse(again.text).find(id="cancel-error").attrs["role"] == "alert"
    assert (
        admin.client.post(
            f"/assessments/jobs/{held_job}/cancel", data={"csrf_token": admin.csrf}, follow_redirects=False
        ).status_code
        == 404
    )  # an import is not cancelled through the assessments' address
