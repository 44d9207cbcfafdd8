"""Refusals of the API's roster reports in the language asked for (issue 13 item 8,
issue 12 item 9): the same failing request in kk and ru, by `?lang=` and by Accept-Language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.api.conftest import Session
from tests.api.test_error_language import ask

API = "/api/v1"


@pytest.mark.parametrize("how", ["query", "header"])
def test_an_unknown_roster_report_is_refused_in_kk_and_in_ru(
    as_role: Callable[[str], Session], how: str
) -> None:
    said = {}
    for language in ("kk", "ru", "en"):
        response = ask(as_role("planner"), language, how, f"{API}/rosters/reports/no-such-report")
        assert response.status_code == 404
        assert response.headers["content-language"] == language
        said[language] = response.json()["detail"]
    assert said["kk"] == "no-such-report сақталған есебі жоқ"
    assert said["ru"] == "сохранённого отчёта no-such-report нет"
    assert said["en"] == "there is no stored report no-such-report"
