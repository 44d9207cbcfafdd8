"""The same failing request in kk, ru and en: each answer's `detail` is in the language asked for (`?lang=`,
the cookie or Accept-Language; Kazakh when none is), named in Content-Language, and its machine-readable
parts (status, pydantic's `type` and `loc`) are the same in every language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Session, _app
from tests.web.support import OTHER_BIN, USERS

API = "/api/v1"
# The words each language must show (and the other languages must not).
WORDS = {
    "kk": {"forbidden": "Алматы қаласы бойынша рұқсат жоқ: тізілімді қарау", "not_found": "тізілімде БСН"},
    "ru": {
        "forbidden": "не разрешено в регионе «город Алматы»: просмотр реестра",
        "not_found": "в реестре нет",
    },
    "en": {"forbidden": "may not read the registry in Almaty city", "not_found": "no subject with BIN"},
}
HOW = ("query", "header", "cookie")


def ask(session: Session, language: str, how: str, path: str, method: str = "GET", **options: Any) -> Any:
    """The request in `language`, chosen by `?lang=`, Accept-Language or the language cookie."""
    if how == "query":
        options["params"] = {"lang": language}
    elif how == "header":
        options["headers"] = {"Accept-Language": f"{language};q=0.9, de;q=0.5"}
    else:
        session.client.cookies.set("tekseru_lang", language)
    try:
        return session.send(method, path, **options)
    finally:
        session.client.cookies.delete("tekseru_lang")


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_refusal_of_another_region_is_in_the_language_asked(
    as_role: Callable[[str], Session], language: str, how: str
) -> None:
    response = ask(as_role("inspector"), language, how, f"{API}/subjects/{OTHER_BIN}")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert WORDS[language]["forbidden"] in detail and USERS["inspector"].username in detail
    assert "registry.read" not in detail and "almaty_city" not in detail  # no internal key
    assert response.headers["content-language"] == language


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_not_found_in_each_language_also_for_a_hostile_bin(
    as_role: Callable[[str], Session], language: str
) -> None:
    viewer = as_role("viewer")
    hostile = "<img src=x onerror=alert(1)>'; DROP TABLE subjects;--"
    response = ask(viewer, language, "query", f"{API}/subjects/{hostile}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(WORDS[language]["not_found"])
    assert hostile.strip() in response.json()["detail"]  # quoted back as data, in JSON: nothing runs
    unknown_route = ask(viewer, language, "header", f"{API}/nothing-here")
    expected = {"kk": "Табылмады", "ru": "Не найдено", "en": "Not Found"}[language]
    assert unknown_route.json() == {"detail": expected}


def test_no_language_asked_is_kazakh_and_a_hostile_accept_language_changes_nothing(
    as_role: Callable[[str], Session],
) -> None:
    viewer = as_role("viewer")
    for headers in ({}, {"Accept-Language": "xx;;q=,\x7f, *, ' OR 1=1"}, {"Accept-Language": "de-DE, fr"}):
        response = viewer.get(f"{API}/subjects/000000000000", headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"].startswith(WORDS["kk"]["not_found"])
        assert response.headers["content-language"] == "kk"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_conflict_and_a_refused_write_are_in_the_language_asked(
    as_role: Callable[[str], Session], language: str
) -> None:
    admin = as_role("admin")
    missing = ask(admin, language, "query", f"{API}/users/nobody-{language}", "PATCH", json={"active": False})
    assert missing.status_code == 404
    expected = {"kk": "пайдаланушысы жоқ", "ru": "пользователя «nobody-ru» нет", "en": "no user 'nobody-en'"}
    assert expected[language] in missing.json()["detail"]
    future = {"criterion": 5, "observed_on": "2999-01-01", "reference": "x"}
    refused = ask(admin, language, "header", f"{API}/subjects/{OTHER_BIN}/evidence", "POST", json=future)
    assert refused.status_code == 422
    said = {"kk": "болашақтағы күн", "ru": "дата в будущем", "en": "is in the future"}[language]
    assert "2999-01-01" in refused.json()["detail"] and said in refused.json()["detail"]


def test_pydantic_problems_are_said_in_each_language_with_the_same_structure(
    as_role: Callable[[str], Session],
) -> None:
    body = {"criterion": 0, "observed_on": "2024-13-45", "reference": "", "extra": 1}
    answers = {
        language: ask(
            as_role("planner"), language, "query", f"{API}/subjects/{OTHER_BIN}/evidence", "POST", json=body
        )
        for language in ("kk", "ru", "en")
    }
    problems = {language: answer.json()["detail"] for language, answer in answers.items()}
    for language, answer in answers.items():
        assert answer.status_code == 422
        assert answer.headers["content-language"] == language
    shape = [[(p["type"], p["loc"], p.get("input")) for p in problems[lang]] for lang in ("kk", "ru", "en")]
    assert shape[0] == shape[1] == shape[2] and len(shape[0]) == 3
    by_field = {language: {p["loc"][-1]: p["msg"] for p in problems[language]} for language in problems}
    assert by_field["kk"]["criterion"] == "Мән 1 санынан кем болмауы керек"
    assert by_field["ru"]["criterion"] == "Значение должно быть не меньше 1"
    assert by_field["en"]["criterion"] == "Input should be greater than or equal to 1"  # pydantic's own
    assert by_field["kk"]["observed_on"] == "Мән күн болуы керек (ЖЖЖЖ-АА-КК)"
    assert by_field["ru"]["reference"] == "Строка должна содержать не менее 1 символов"
    assert "month value is outside" in by_field["en"]["observed_on"]  # English keeps the parser's detail


def test_sign_in_throttling_and_a_wrong_password_in_each_language(tmp_path: Path) -> None:
    app = _app(tmp_path)
    with TestClient(app) as client:

        def attempt(language: str) -> Any:
            body = {"username": "nobody", "password": "wrong-password"}
            return client.post(f"{API}/auth/login", params={"lang": language}, json=body)

        wrong = attempt("ru")
        assert wrong.status_code == 401
        assert wrong.json() == {"detail": "неверное имя пользователя или пароль"}
        answers = [attempt(language) for language in ("kk", "kk", "kk", "kk", "kk", "ru", "en")]
        said = [answer.json()["detail"] for answer in answers[-2:]]
        assert [answer.status_code for answer in answers[-2:]] == [429, 429]
        assert said[0].startswith("слишком много неудачных попыток входа; повторите через ")
        assert said[1].startswith("too many failed sign-ins; try again in ")
        assert all(answer.headers["retry-after"].isdigit() for answer in answers[-2:])
        unsigned = client.get(f"{API}/auth/me", headers={"Accept-Language": "ru"})
        assert unsigned.status_code == 401 and unsigned.json() == {"detail": "сначала войдите в систему"}
    app.state.tekseru.close()


def test_a_refused_megabyte_is_not_echoed_back(as_role: Callable[[str], Session]) -> None:
    """pydantic's problem carries the refused value as `input`: a hostile client sending a megabyte must not
    get it back whole (twice what it sent, kept by proxies and logs); a text is cut to its first 100."""
    body = {"criterion": 5, "observed_on": "2024-01-01", "reference": "я" * 1_000_000}
    for language in ("kk", "ru", "en"):
        answer = ask(
            as_role("planner"), language, "query", f"{API}/subjects/{OTHER_BIN}/evidence", "POST", json=body
        )
        assert answer.status_code == 422
        assert len(answer.content) < 5_000, len(answer.content)
        [problem] = answer.json()["detail"]
        assert problem["loc"][-1] == "reference" and problem["input"] == "я" * 100 + "…"
