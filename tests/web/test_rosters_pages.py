"""The rosters page and API in kk and ru: the reconciliation per provider with its records, IINs masked per
role, the workbook, and the planners' evidence button."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from tekseru.catalog.identifiers import demo_bins
from tekseru.services import rosters
from tekseru.services.permissions import Actor
from tekseru.store import SubjectData
from tekseru.store.subjects import upsert_subjects
from tests.web.conftest import SignedIn
from tests.web.support import OWN_REGION

# A provider that is not in the seeded registry: making evidence names it and changes nothing there.
PROVIDER = next(demo_bins(1, prefix="3304400"))
IIN = next(demo_bins(1, prefix="7707075"))
AS_OF = "2023-06-01"


@pytest.fixture(scope="module")
def roster(app: FastAPI, seeded: uuid.UUID, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("rosters")
    path = folder / "provider.csv"
    path.write_text(f"iin,bin,form,start_date\n{IIN},{PROVIDER},stationary,2023-01-10\n", encoding="utf-8")
    database = app.state.tekseru.database()
    rosters.import_roster(database, "provider", path, actor=Actor.system("tests"), today=date.today())


@pytest.mark.parametrize(("lang", "kind"), [("kk", "Е-собесте жоқ"), ("ru", "Нет в Е-Собес")])
def test_the_page_shows_each_provider_and_masks_iins_for_a_planner(
    signed_in: Callable[[str], SignedIn], roster: None, lang: str, kind: str
) -> None:
    page = signed_in("planner").client.get(f"/rosters?as_of={AS_OF}&lang={lang}")
    assert page.status_code == 200
    assert PROVIDER in page.text and kind in page.text
    assert IIN[:6] + "******" in page.text and IIN not in page.text
    # the service form and the dates in words and the reader's format, never "stationary, 2023-01-10"
    assert "stationary" not in page.text and "2023-01-10" not in page.text and "10.01.2023" in page.text


def test_an_inspector_sees_its_own_regions_providers_with_full_iins(
    app: FastAPI, signed_in: Callable[[str], SignedIn], roster: None, tmp_path: Path
) -> None:
    inspector = signed_in("inspector").client
    assert IIN not in inspector.get(f"/rosters?as_of={AS_OF}").text  # PROVIDER is in no region of its
    own_provider, own_iin = next(demo_bins(1, prefix="3304401")), next(demo_bins(1, prefix="8808085"))
    database = app.state.tekseru.database()
    with database.transaction() as session:
        subject = SubjectData(own_provider, "Own region provider", OWN_REGION, "", ("stationary_care",))
        upsert_subjects(session, [subject], now=datetime.now(UTC))
    path = tmp_path / "own.csv"
    path.write_text(
        f"iin,bin,form,start_date\n{own_iin},{own_provider},stationary,2023-01-10\n", encoding="utf-8"
    )
    rosters.import_roster(database, "provider", path, actor=Actor.system("tests"), today=date.today())
    page = inspector.get(f"/rosters?as_of={AS_OF}").text
    assert own_iin in page and own_provider in page and PROVIDER not in page
    api = inspector.get(f"/api/v1/rosters/reconciliation?as_of={AS_OF}").json()
    assert set(api["providers"]) == {own_provider}


def test_a_bad_date_is_refused_with_the_page(signed_in: Callable[[str], SignedIn], roster: None) -> None:
    page = signed_in("planner").client.get("/rosters?as_of=31.12.2023&lang=ru")
    assert page.status_code == 400 and "ГГГГ-ММ-ДД" in page.text


def test_only_planners_get_the_evidence_button_and_it_names_providers_outside_the_registry(
    signed_in: Callable[[str], SignedIn], roster: None
) -> None:
    assert "/rosters/evidence" not in signed_in("viewer").client.get(f"/rosters?as_of={AS_OF}").text
    planner = signed_in("planner")
    assert "/rosters/evidence" in planner.client.get(f"/rosters?as_of={AS_OF}").text
    answer = planner.post_form("/rosters/evidence?lang=ru", {"as_of": AS_OF})
    assert answer.status_code == 200
    assert f"Нет сведений для поставщиков вне реестра: {PROVIDER}" in answer.text
    assert signed_in("viewer").post_form("/rosters/evidence", {"as_of": AS_OF}).status_code == 403


def test_the_workbook_downloads_in_the_page_language(
    signed_in: Callable[[str], SignedIn], roster: None
) -> None:
    answer = signed_in("planner").client.get(f"/rosters/reconciliation.xlsx?as_of={AS_OF}&lang=ru")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert "Сверка списков получателей" in str(book.worksheets[0]["A1"].value)
    masked = [row[2] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    # PROVIDER's two records (another test of this module may add a provider of its own, masked alike)
    assert masked.count(IIN[:6] + "******") == 2 and all(str(iin).endswith("******") for iin in masked)
    for sheet, heading in ((book.worksheets[0], 2), (book.worksheets[1], 1)):
        for column in sheet.iter_cols(min_row=heading + 1, values_only=False):
            letter = column[0].column_letter
            longest = max((len(str(cell.value)) for cell in column if cell.value is not None), default=0)
            width = sheet.column_dimensions[letter].width
            assert width >= min(longest, 46), (sheet.title, letter, width, longest)  # no value is cut
        assert all(cell.alignment.wrap_text for cell in sheet[heading]) and sheet.freeze_panes
    words = {str(value) for row in book.worksheets[1].iter_rows(values_only=True) for value in row}
    assert not words & {"stationary", "semi_stationary", "home_care", "temporary_stay"}  # forms in words


def test_the_api_masks_per_role_and_has_the_issues_keys(
    signed_in: Callable[[str], SignedIn], roster: None
) -> None:
    planner = signed_in("planner").client.get(f"/api/v1/rosters/reconciliation?as_of={AS_OF}").json()
    entry = planner["providers"][PROVIDER]
    assert entry["missing_in_esobes"] == 1 and entry["missing_in_portal"] == 1
    assert entry["records"]["missing_in_esobes"][0]["iin"] == IIN[:6] + "******"
    admin = signed_in("admin").client.get(f"/api/v1/rosters/reconciliation?as_of={AS_OF}").json()
    assert admin["providers"][PROVIDER]["records"]["missing_in_esobes"][0]["iin"] == IIN
    assert signed_in("viewer").client.get("/api/v1/rosters/reports/nope").status_code == 404


def test_the_subject_card_links_its_evidence_to_the_stored_report(tmp_path: Path) -> None:
    """On an application of its own, so that the evidence made does not change the shared registry."""
    from fastapi.testclient import TestClient

    from tekseru.catalog_files import load_catalogue, load_regions
    from tekseru.services.registry import import_subjects
    from tekseru.settings import Settings
    from tekseru.web.app import create_app
    from tests.web.conftest import sign_in
    from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

    settings = Settings(attachments_dir=str(tmp_path / "files")).with_database_path(tmp_path / "t.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    with TestClient(app) as client:
        database = app.state.tekseru.database()
        system = Actor.system("tests")
        create_user(
            database, system, username="roster-planner", full_name="P", role="planner", password=PASSWORD
        )
        subjects = tmp_path / "s.csv"
        subjects.write_text(
            f"bin,name,region,groups\n{PROVIDER},Үй,astana,stationary_care\n", encoding="utf-8"
        )
        import_subjects(
            database,
            subjects,
            load_catalogue().edition_at(date.today()),
            regions=load_regions(),
            today=date.today(),
        )
        path = tmp_path / "provider.csv"
        path.write_text(
            f"iin,bin,form,start_date\n{IIN},{PROVIDER},stationary,2023-01-10\n", encoding="utf-8"
        )
        rosters.import_roster(database, "provider", path, actor=system, today=date.today())
        csrf = sign_in(client, "roster-planner")
        client.post("/rosters/evidence", data={"as_of": AS_OF, "csrf_token": csrf})
        card = client.get(f"/registry/{PROVIDER}?lang=ru").text
        link = card.split('href="/rosters/reports/')[1].split('"')[0]
        report = client.get(f"/rosters/reports/{link}?lang=ru")
        assert report.status_code == 200
        assert "Нет в Е-Собес" in report.text and IIN[:6] + "******" in report.text and IIN not in report.text
        assert client.get("/rosters/reports/unknown").status_code == 404
