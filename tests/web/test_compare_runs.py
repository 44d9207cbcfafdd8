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

import pytest
from fastapi.testclient import TestClient

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


@pytest.mark.parametrize(("lang", "low", "high"), [("kk", "Төмен", "Жоғары"), ("ru", "Низкий", "Высокий")])
def test_the_page_shows_who_moved_and_why(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], lang: str, low: str, high: str
) -> None:
    client, first, second = two_runs
    page = _page(client, "planner", first, second, lang)
    gross = _criteria(load_catalogue().edition_at(AS_OF), "stationary_care", "gross")[0]
    row = page[page.index(MOVED) :].split("</tr>")[0]
    assert f"{low} → {high}" in row and f"<td>{gross}</td>" in row, row
    assert BINS[0] not in page and OTHER_BIN not in page  # unchanged subjects are not listed
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main).replace(MOVED, "")
    assert_reader_language(text, "CSV")


def test_the_csv_is_in_the_readers_language(two_runs: tuple[TestClient, uuid.UUID, uuid.UUID]) -> None:
    client, first, second = two_runs
    sign_in(client, USERS["viewer"].username)
    answer = client.get(
        "/assessments/compare.csv", params={"before": str(first), "after": str(second), "lang": "ru"}
    )
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header[4:6] == ["Прежний класс риска", "Класс риска"]
    [row] = rows
    astana = load_regions().get("astana").name.in_language("ru")
    assert (row[0], row[2], row[4], row[5]) == (MOVED, astana, "Низкий", "Высокий")


def test_an_inspector_sees_its_region_and_an_unknown_run_is_refused(
    two_runs: tuple[TestClient, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    client, first, second = two_runs
    page = _page(client, "inspector", second, first, "kk")  # backwards: the move is shown the other way
    assert "Жоғары → Төмен" in page
    missing = client.get("/assessments/compare", params={"before": str(uuid.uuid4()), "after": str(second)})
    assert missing.status_code == 404
