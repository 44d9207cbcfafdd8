"""The catalogue reaches every page through one dependency (`get_catalogue`): a test that replaces it sees the
replacement on the pages that build their answer in helpers too: an inspection and its checklist, a
remediation report, the signatures of an inspection's form and the exports (issue 14, item 7)."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tekseru.catalog import Catalogue, Text
from tekseru.catalog.regions import Regions
from tekseru.catalog.schema import Checklist
from tekseru.http.dependencies import get_catalogue
from tekseru.services import portal
from tekseru.services.accounts import get_user
from tekseru.services.auth import actor_of
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, EDITION, SYSTEM, add_subjects, inspect
from tests.web.conftest import sign_in
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

MARK = " HANDEDIN"  # one word: a printed form may break a line at a space


def _marked(text: Text) -> Text:
    return Text(kk=text.kk + MARK, ru=text.ru + MARK, en=text.en + MARK)


def _marked_checklist(checklist: Checklist) -> Checklist:
    items = tuple(item.model_copy(update={"text": _marked(item.text)}) for item in checklist.items)
    return checklist.model_copy(update={"items": items})


def marked(catalogue: Catalogue) -> Catalogue:
    """`catalogue` with every checklist item's text and every region's name marked, to tell on a page
    which catalogue it read."""
    editions = [
        replace(edition, checklists={n: _marked_checklist(c) for n, c in edition.checklists.items()})
        for edition in catalogue.editions
    ]
    regions = Regions(
        tuple(
            region.model_copy(update={"name": _marked(region.name), "aliases": ()})
            for region in catalogue.regions
        )
    )
    return Catalogue(editions, regions=regions, bodies=catalogue.bodies)


@dataclass(frozen=True)
class Site:
    app: FastAPI
    client: TestClient
    inspection_id: int
    report_id: int
    violated: str  # the text of the item the inspection found non-compliant, in English
    unsigned: tuple[int, int]  # two more completed inspections, whose forms no one has printed yet


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("handed-in")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    with TestClient(app) as client:
        db = app.state.tekseru.database()
        add_subjects(db)
        record = inspect(db, 0, non_compliant=[1])
        for name, role, bins in (("owner", "subject", [BINS[0]]), ("boss", "admin", [])):
            create_user(db, SYSTEM, username=name, full_name=name, role=role, bins=bins, password=PASSWORD)
        owner = actor_of(get_user(db, SYSTEM, "owner"))
        (violation,) = portal.my_organisation(
            db, owner, settings=settings, catalogue=CATALOGUE, today=date.today()
        ).violations
        report = portal.submit_remediation(
            db, owner, violation.record.id, "done", [("a.pdf", b"%PDF-1.4\n")], settings=settings
        )
        sign_in(client, "boss")
        violated = EDITION.checklists[record.appendix].items[0].text.en
        unsigned = (inspect(db, 1, non_compliant=[1]).id, inspect(db, 3, non_compliant=[1]).id)
        yield Site(app, client, record.id, report.id, violated, unsigned)


def shown(site: Site, path: str, *, handed_in: bool) -> str:
    """The page at `path` (in English), read with the app's catalogue or with the marked one handed in."""
    if handed_in:
        site.app.dependency_overrides[get_catalogue] = lambda: marked(CATALOGUE)
    try:
        answer = site.client.get(path, params={"lang": "en"})
    finally:
        site.app.dependency_overrides.pop(get_catalogue, None)
    assert answer.status_code == 200, answer.text
    return html.unescape(answer.text)


@pytest.mark.parametrize(
    "path",
    [
        "/inspections/{inspection}/checklist",
        "/inspections/{inspection}/checklist?check=yes",
        "/remediation/{report}",
    ],
)
def test_the_pages_of_an_inspection_read_the_catalogue_handed_in(site: Site, path: str) -> None:
    page = path.format(inspection=site.inspection_id, report=site.report_id)
    assert MARK not in shown(site, page, handed_in=False)
    assert site.violated + MARK in shown(site, page, handed_in=True)


def _printed_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_form_to_sign_is_printed_from_the_catalogue_handed_in(site: Site) -> None:
    """The form an inspection's signatures cover is printed (and kept) from the catalogue handed in, whether
    the page or the download asks first."""
    by_page, by_download = (f"/inspections/{number}/signatures" for number in site.unsigned)
    site.app.dependency_overrides[get_catalogue] = lambda: marked(CATALOGUE)
    try:
        page = site.client.get(by_page, params={"lang": "en"})
        downloaded = site.client.get(f"{by_download}/document")
    finally:
        site.app.dependency_overrides.pop(get_catalogue, None)
    assert page.status_code == 200 and downloaded.status_code == 200
    assert MARK.strip() in _printed_text(downloaded.content)
    kept = site.client.get(f"{by_page}/document")  # the copy the page issued, kept
    assert MARK.strip() in _printed_text(kept.content)
    assert kept.headers["X-Document-SHA256"] in page.text


@pytest.mark.parametrize("path", ["/exports/registry?format=csv", "/api/v1/exports/subjects?format=csv"])
def test_an_export_names_regions_from_the_catalogue_handed_in(site: Site, path: str) -> None:
    assert MARK not in shown(site, path, handed_in=False)
    assert MARK in shown(site, path, handed_in=True)
