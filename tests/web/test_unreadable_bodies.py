"""Request bodies the API cannot take, from a client program (Python's json writes NaN for a missing number,
a generator nests arrays without end): a 422 or 400 in the reader's language, never a 500 or FastAPI's
English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from httpx import Response

from tekseru.i18n import translate
from tests.web.conftest import SignedIn

ANSWERS = "/api/v1/inspections/1/answers"


def _post(client: SignedIn, body: str, lang: str) -> Response:
    headers = {"Content-Type": "application/json", "X-CSRF-Token": client.csrf}
    return client.client.post(f"{ANSWERS}?lang={lang}", content=body, headers=headers)


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    "body",
    [
        '{"answers": NaN}',
        '{"answers": [{"item": 1, "answer": "compliant", "version": Infinity}]}',
        '{"answers": [{"item": -Infinity, "answer": "compliant"}], "x": [NaN]}',
    ],
)
def test_a_number_json_has_no_words_for_is_refused_with_422(
    signed_in: Callable[[str], SignedIn], lang: str, body: str
) -> None:
    answer = _post(signed_in("inspector"), body, lang)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-language"] == lang
    problems = answer.json()["detail"]
    assert problems and all(isinstance(problem["msg"], str) for problem in problems)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_json_nested_too_deeply_is_refused_in_the_readers_language(
    signed_in: Callable[[str], SignedIn], lang: str
) -> None:
    answer = _post(signed_in("inspector"), "[" * 100_000 + "]" * 100_000, lang)
    assert answer.status_code == 400
    assert answer.json() == {"detail": translate(lang, "tester14.request.body_unreadable")}
