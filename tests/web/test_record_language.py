"""What tekseru wrote into records reads in the page's language: the audit log's fields and values, why an
import failed, and the evidence a completed inspection gave (stored as text, said where shown)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tekseru.services.assessments import run_assessment
from tekseru.services.permissions import Actor
from tekseru.web.audit_words import audit_subject
from tests.api.conftest import _app, sign_in
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, add_subjects, inspect
from tests.web.htmltree import parse
from tests.web.support import AS_OF, OTHER_BIN, USERS, seed

RAW_VALUES = {"finished", "failed", "approved", "draft", "completed", "inspector", "planner", "True", "False"}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_audit_log_labels_every_field_and_says_its_values(
    language: str, signed_in: Callable[[str], Any], example_ids: dict[str, str], seeded: uuid.UUID
) -> None:
    page = parse(signed_in("admin").client.get(f"/admin/audit?lang={language}").text)
    fields = page.find_all("span", class_="field")
    assert len(fields) > 10
    raw = sorted({field.attrs["title"] for field in fields if field.text.strip() == field.attrs["title"]})
    assert not raw, f"fields shown by their keys: {raw}"
    values = {value.text.strip() for value in page.find_all("span", class_="value")}
    assert not values & RAW_VALUES, values & RAW_VALUES


def test_why_an_import_failed_reads_in_russian_and_kazakh(
    signed_in: Callable[[str], Any], example_ids: dict[str, str]
) -> None:
    admin = signed_in("admin").client
    job = example_ids["failed_import"]
    russian = admin.get(f"/imports/{job}?lang=ru").text
    # It says that nothing was stored, in the words of the command line (intake.nothing_stored).
    assert "example-evidence.csv не импортирован: ошибок: 1. Ничего не сохранено." in russian
    kazakh = admin.get(f"/imports/{job}?lang=kk").text
    assert "example-evidence.csv импортталмады: қателер саны: 1. Ештеңе сақталмады." in kazakh
    assert "was not imported" not in kazakh


def test_the_evidence_of_a_completed_inspection_reads_in_each_language(tmp_path: Path) -> None:
    app = _app(tmp_path)
    database = app.state.tekseru.database()
    seed(database, tmp_path)
    add_subjects(database)
    done = inspect(database, 0, [1])
    with TestClient(app) as client:
        sign_in(client, USERS["admin"].username)
        pages = {lang: client.get(f"/registry/{BINS[0]}?lang={lang}").text for lang in ("kk", "ru", "en")}
    app.state.tekseru.close()
    assert f"№ {done.id} тексеру (01.03.2024 № 12-ПК акт), 3-қосымша, 1-тармақ" in pages["kk"]
    assert f"проверка № {done.id} (акт № 12-ПК от 01.03.2024), приложение 3, пункт 1" in pages["ru"]
    assert f"inspection {done.id} (act № 12-ПК of 01.03.2024), Appendix 3 item 1" in pages["en"]
    assert "Appendix" not in pages["kk"] and "Appendix" not in pages["ru"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "t-inspector (инспектор) пайдаланушысына Алматы қаласы бойынша рұқсат жоқ: тізілімді қарау"),
        (
            "ru",
            "Пользователю t-inspector (инспектор) не разрешено в регионе «город Алматы»: просмотр реестра",
        ),
    ],
)
def test_a_refusal_page_says_the_services_words_in_the_pages_language(
    language: str, expected: str, signed_in: Callable[[str], Any]
) -> None:
    response = signed_in("inspector").client.get(f"/registry/{OTHER_BIN}?lang={language}")
    assert response.status_code == 403
    page = parse(response.text)
    assert page.find("span", class_="detail").text == expected
    assert page.find("html").attrs["lang"] == language


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.mark.parametrize(
    ("language", "named"),
    [("kk", r"01\.06\.2024 жағдай бойынша, \d\d\.\d\d\.\d{4} \d\d:\d\d жасалған"),
     ("ru", r"на 01\.06\.2024, выполнена \d\d\.\d\d\.\d{4} \d\d:\d\d")],
)  # fmt: skip
def test_the_audit_log_names_an_assessment_by_its_dates(
    language: str, named: str, app: FastAPI, signed_in: Callable[[str], Any], seeded: uuid.UUID
) -> None:
    """The "what" of an assessment's entry: its as-of date and when it was made, not the run's UUID."""
    database = app.state.tekseru.database()
    admin = Actor.system("t-admin")
    run_assessment(database, as_of=AS_OF, catalogue=CATALOGUE, actor=admin)  # the seeded run, reused: audited
    page = parse(signed_in("admin").client.get(f"/admin/audit?action=assessment.run&lang={language}").text)
    rows = page.find("table", class_="audit").find("tbody").find_all("tr")
    assert rows
    said = []
    for row in rows:
        cell = row.find_all("td")[1]
        said.append(" ".join(cell.text.replace(cell.find("div", class_="narrow-only").text, "").split()))
    # other tests of the module's app may have run assessments on other dates: each is named by its dates
    any_day = named.replace(r"01\.06\.2024", r"\d\d\.\d\d\.\d{4}")
    assert all(re.search(any_day, what) and not UUID.search(what) for what in said), said
    assert any(re.search(named, what) for what in said), said


def test_an_assessment_audited_before_its_moment_was_kept_is_named_by_its_date() -> None:
    old = {"as_of": "2024-06-01", "status": "finished"}
    assert audit_subject("ru", "Asia/Almaty", "assessment", "835e34c6", old) == "на 01.06.2024"
    assert audit_subject("kk", "Asia/Almaty", "assessment", "835e34c6", old) == "01.06.2024 жағдай бойынша"
    assert audit_subject("ru", "Asia/Almaty", "plan", "7", {"as_of": "2024-06-01"}) == "7"
