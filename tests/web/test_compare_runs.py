"""Two assessment runs side by side (issue 19, "Compare"): a subject given gross evidence between the runs
is shown moving from low to high with the criterion that moved it, in kk and ru, on the page and in the
CSV; a subject that did not change is not shown; an inspector sees its own region only."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tekseru.catalog_files import load_catalogue, load_regions
from tekseru.services.assessments import run_assessment
from tekseru.services.registry import import_evidence
from tests.api.conftest import _app
from tests.catalogue import CATALOGUE
from tests.cli.reader_language import assert_reader_language
from tests.web.conftest import sign_in
from tests.web.support import AS_OF, BINS, OTHER_BIN, USERS, _criteria, seed

MOVED = BINS[2]  # Үміт, stationary care, low in the first run


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, uuid.UUID, uuid.UUID]]:
    folder = tmp_path_factory.mktemp("compare")
    app = _app(folder)
    db = app.state.tekseru.database()
    first = seed(db, folder)
    edition = load_catalogue().edition_at(AS_OF)
    gross = _criteria(edition, "stationary_care", "gross")[0]
    evidence = folder / "more.csv"
    evidence.write_text(
        f"bin,criterion,source_group,observed_on,reference,confirmed\n{MOVED},{gross},,2024-05-01,Act 9,\n",
        encoding="utf-8",
    )
    import_evidence(db, evidence, edition, entered_by="tests", today=date.today())
    second = run_assessment(db, as_of=AS_OF, catalogue=CATALOGUE, reuse=False).run_id
    with TestClient(app) as client:
        yield client, first, second
    app.state.tekseru.close()


def _page(client: TestClient, role: str, first: uuid.UUID, second: uuid.UUID, lang: str) -> str:
    sign_in(client, USERS[role].username)
    answer = client.get(
        "/assessments/compare", params={"before": str(first), "after": str(second), "lang": lang}
    )
    assert answer.status_code == 200, answer.text
    return answer.text


@pytest.mark.parametrize(("lang", "low", "high"), [("kk", "Төмен", "Жоғары"), ("ru", "Низкая", "Высокая")])
def test_the_page_shows_who_moved_and_why(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], lang: str, low: str, high: str
) -> None:
    client, first, second = two_runs
    page = _page(client, "planner", first, second, lang)
    gross = _criteria(load_catalogue().edition_at(AS_OF), "stationary_care", "gross")[0]
    row = page[page.index(MOVED) :].split("</tr>")[0]
    assert f"{low} → {high}" in row and re.search(rf"<td[^>]*>{gross}</td>", row), row
    assert BINS[0] not in page and OTHER_BIN not in page  # unchanged subjects are not listed
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main).replace(MOVED, "")
    assert_reader_language(text, "CSV", "XLSX", "JSON", "Act")  # "Act 9": the evidence's reference


def test_the_csv_is_in_the_readers_language(two_runs: tuple[TestClient, uuid.UUID, uuid.UUID]) -> None:
    client, first, second = two_runs
    sign_in(client, USERS["viewer"].username)
    answer = client.get(
        "/assessments/compare.csv", params={"before": str(first), "after": str(second), "lang": "ru"}
    )
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert header[4:6] == ["Прежняя степень риска", "Степень риска"]
    [row] = rows
    astana = load_regions().get("astana").name.in_language("ru")
    assert (row[0], row[2], row[4], row[5]) == (MOVED, astana, "Низкая", "Высокая")


def test_an_inspector_sees_its_region_and_an_unknown_run_is_refused(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    client, first, second = two_runs
    page = _page(client, "inspector", second, first, "kk")  # backwards: the move is shown the other way
    assert "Жоғары → Төмен" in page
    missing = client.get("/assessments/compare", params={"before": str(uuid.uuid4()), "after": str(second)})
    assert missing.status_code == 404


def _added_record(client: TestClient) -> object:
    """The evidence record imported between the two runs (reference "Act 9"), as stored."""
    from tekseru.store.evidence import evidence_for_subjects
    from tekseru.store.subjects import subject_ids_by_bin

    db = client.app.state.tekseru.database()  # type: ignore[attr-defined]
    with db.reading() as session:
        subject_id = subject_ids_by_bin(session, [MOVED])[MOVED]
        [record] = [r for r in evidence_for_subjects(session, [subject_id]) if r.reference == "Act 9"]
    return record


WORDS = {
    "kk": (
        "-өлшемшарт",
        "ақпарат көзі",
        "01.05.2024",
        "есепке алынды",
        "ол бағалаудың мәліметтері арасында болмаған",
    ),
    "ru": (
        "критерий ",
        "источник информации",
        "01.05.2024",
        "учтено",
        "среди сведений той оценки не было",
    ),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_page_shows_the_evidence_record_that_moved_the_subject(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], lang: str
) -> None:
    """The record added between the runs is named (number, criterion, source, date, reference) as not in
    the first run's evidence and counted in the second; no other record of the subject is listed, since
    the others played the same part in both runs."""
    client, first, second = two_runs
    record = _added_record(client)
    page = _page(client, "planner", first, second, lang)
    row = page[page.index(MOVED) :].split("</tr>")[0]
    items = re.findall(r"<li class=\"([a-z-]+)\">(.*?)</li>", row, flags=re.S)
    assert len(items) == 1, row
    kind, text = items[0]
    text = " ".join(text.split())
    criterion, source, day, counted, absent = WORDS[lang]
    assert kind == "counted"
    assert f"№ {record.id}," in text and str(record.criterion) in text and criterion in text  # type: ignore[attr-defined]
    assert f"{record.source_group}" in text and source in text and day in text and "Act 9" in text  # type: ignore[attr-defined]
    assert text.endswith(f"{absent} → {counted}"), text
    backwards = _page(client, "planner", second, first, lang)
    row = backwards[backwards.index(MOVED) :].split("</tr>")[0]
    assert " ".join(row.split()).count(f"{counted} → {absent}") == 1


def test_the_files_carry_the_evidence_that_moved_the_subject(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID],
) -> None:
    client, first, second = two_runs
    record = _added_record(client)
    sign_in(client, USERS["viewer"].username)
    answer = client.get(
        "/assessments/compare.csv", params={"before": str(first), "after": str(second), "lang": "ru"}
    )
    header, row = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    said = row[header.index("Сведения, которые привели к изменению")]
    assert said.startswith(f"№ {record.id}, критерий {record.criterion}, источник информации ")  # type: ignore[attr-defined]
    assert said.endswith("Act 9: среди сведений той оценки не было → учтено"), said
    params = {"before": str(first), "after": str(second), "lang": "ru"}
    found = client.get("/assessments/compare/export", params=params | {"format": "json"}).json()
    assert client.get("/api/v1/exports/compare", params=params | {"format": "json"}).json() == found
    workbook = load_workbook(
        io.BytesIO(client.get("/assessments/compare/export", params=params | {"format": "xlsx"}).content)
    )
    sheet_header, sheet_row = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert sheet_header == header and sheet_row[header.index("Сведения, которые привели к изменению")] == said
    [change] = found
    assert change["evidence_moved"] == [
        {
            "evidence_id": record.id,  # type: ignore[attr-defined]
            "criterion": record.criterion,  # type: ignore[attr-defined]
            "before": None,
            "after": "counted",
            "source_group": record.source_group,  # type: ignore[attr-defined]
            "observed_on": "2024-05-01",
            "reference": "Act 9",
        }
    ]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_evidence_column_passes_axe_and_fits_a_phone(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], browser: Any, lang: str
) -> None:
    """In Debian's chromium at 1280 and 390 px: the record that moved the subject is listed, axe finds
    nothing blocking, the page does not scroll sideways (the table scrolls in its box) and no cell is
    squeezed to a letter or two a line."""
    from tests.web.conftest import browser_session_cookie
    from tests.web.live_app import serving
    from tests.web.test_accessibility import AXE, BLOCKING
    from tests.web.test_desk_browser import LETTER_A_LINE

    client, first, second = two_runs
    with serving(client.app) as url:  # type: ignore[arg-type]
        for width, height in ((1280, 900), (390, 844)):
            context = browser.new_context(
                viewport={"width": width, "height": height}, service_workers="block"
            )
            context.add_cookies([browser_session_cookie(url, USERS["planner"].username)])
            page = context.new_page()
            response = page.goto(f"{url}/assessments/compare?before={first}&after={second}&lang={lang}")
            assert response is not None and response.ok
            moved = page.eval_on_selector_all(
                "td.evidence-moved li", "items => items.map(i => i.textContent)"
            )
            assert len(moved) == 1 and "Act 9" in moved[0]
            violations = AXE.run(page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in BLOCKING] == [], (width, violations)
            if width == 390:
                assert page.evaluate("() => document.documentElement.scrollWidth") == 390
                assert page.evaluate(LETTER_A_LINE) == [], page.evaluate(LETTER_A_LINE)
            context.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_dashboards_counts_over_time_link_to_the_registry_in_that_runs_classes(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], lang: str
) -> None:
    """Each count of the classes across assessments opens the registry with the classes of that run: as
    many subjects as the count, the run said in words; the subject that moved is low in the first run's
    and high in the second's, on the page, in the API and in the export."""
    client, first, second = two_runs
    sign_in(client, USERS["planner"].username)
    root = client.get(f"/?lang={lang}").text
    trend = root[root.index('<table class="figures">', root.index("trend")) :]
    trend = trend[: trend.index("</table>")]
    links = re.findall(r'<a href="(/registry\?[^"]+)" aria-label="[^"]+">(\d+)</a>', trend)
    assert {href.split("run=")[1].split("&")[0] for href, _ in links} == {str(first), str(second)}
    for href, count in links:
        page = client.get(href.replace("&amp;", "&") + f"&lang={lang}").text
        total = re.search(r'<p id="result-count" role="status">\D*(\d+)', page)
        assert total is not None and int(total.group(1)) == int(count), href
        assert 'id="run-filter"' in page
    for run, low, high in ((first, True, False), (second, False, True)):
        for risk_class, wanted in (("low", low), ("high", high)):
            params = {"run": str(run), "risk_class": risk_class, "per_page": 200}
            bins = [item["bin"] for item in client.get("/api/v1/subjects", params=params).json()["items"]]
            assert (MOVED in bins) is wanted, (run, risk_class)
            exported = client.get("/exports/registry", params=params | {"format": "json"}).json()
            assert [item["bin"] for item in exported] == bins
    unknown = client.get("/registry", params={"run": str(uuid.uuid4())})
    assert unknown.status_code == 404
