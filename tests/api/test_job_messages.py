"""A job's `message` in the API says how it ended in the reader's language: what a finished import did
(the counts its web page shows), and why a failed one failed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tekseru.catalog.identifiers import demo_bins
from tests.api.conftest import Session
from tests.api.test_jobs_api import API, upload, wait
from tests.web.support import OWN_BIN

NEW_PREFIX = {"kk": "1903300", "ru": "1903400"}  # new subjects each run, so that both are added
FINISHED = {
    "kk": (
        "дейін.csv импортталды. Оқылған жолдар: 3; Қосылды: 2; Өзгертілді: 0; Бұрыннан бар: 0; "
        "Қабылданбады: 1."
    ),
    "ru": (
        "Импортирован файл дейін.csv. Прочитано строк: 3; Добавлено: 2; Изменено: 0; Уже было: 0; "
        "Отклонено: 1."
    ),
}
FAILED = {
    "kk": "қате.csv импортталмады: қателер саны: 1. Ештеңе сақталмады.",
    "ru": "қате.csv не импортирован: ошибок: 1. Ничего не сохранено.",
}
EMPTY = {
    "kk": "Файлда тақырып жолы бар, бірақ деректер жолы жоқ: ештеңе импортталмады.",
    "ru": "В файле есть строка заголовка, но нет строк с данными: ничего не импортировано.",
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_finished_import_says_what_it_stored_and_rejected(
    as_role: Callable[[str], Session], language: str
) -> None:
    planner = as_role("planner")
    bins = list(demo_bins(2, prefix=NEW_PREFIX[language]))
    content = "bin,name,region,groups\n" + "".join(f"{b},New {b},shymkent,home_care\n" for b in bins)
    content += "123,Bad,shymkent,home_care\n"
    started = upload(planner, "import_subjects", "дейін.csv", content, skip_invalid=True).json()
    wait(planner, started["id"])
    job = planner.get(f"{API}/jobs/{started['id']}", params={"lang": language}).json()
    assert job["status"] == "finished"
    assert job["message"] == FINISHED[language]
    listed = planner.get(f"{API}/jobs", params={"lang": language}).json()
    assert {"id": job["id"], "message": FINISHED[language]} in [
        {"id": j["id"], "message": j["message"]} for j in listed
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_import_of_no_rows_says_nothing_was_imported(
    as_role: Callable[[str], Session], language: str
) -> None:
    planner = as_role("planner")
    started = upload(planner, "import_subjects", "бос.csv", "bin,name,region,groups\n").json()
    wait(planner, started["id"])
    job = planner.get(f"{API}/jobs/{started['id']}", params={"lang": language}).json()
    assert (job["status"], job["message"]) == ("finished", f"бос.csv: {EMPTY[language]}")  # not "imported"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_failed_import_says_its_error(as_role: Callable[[str], Session], language: str) -> None:
    planner = as_role("planner")
    content = f"bin,criterion,source_group,observed_on,reference\n{OWN_BIN},999,,2024-01-01,Act 1\n"
    started = upload(planner, "import_evidence", "қате.csv", content).json()
    wait(planner, started["id"])
    job = planner.get(f"{API}/jobs/{started['id']}", params={"lang": language}).json()
    assert (job["status"], job["message"]) == ("failed", FAILED[language])
