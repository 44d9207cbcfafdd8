"""A page's CSV download is for Excel in the page's language (`;` in Kazakh and Russian, `,` in English);
the API's is for programs (`,` whatever the language). Read back as Excel reads them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest

from tests.web.conftest import SignedIn

KAZAKH = re.compile("[әғқңөұүһі]", re.IGNORECASE)


def rows(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(("language", "delimiter"), [("kk", ";"), ("ru", ";"), ("en", ",")])
def test_a_page_download_opens_in_the_readers_excel(
    signed_in: Callable[[str], SignedIn], language: str, delimiter: str
) -> None:
    client = signed_in("planner").client
    answer = client.get("/exports/registry", params={"format": "csv", "lang": language})
    assert answer.status_code == 200, answer.text
    header, *table = rows(answer.content, delimiter)
    assert len(header) > 3 and table and {len(row) for row in table} == {len(header)}
    if language == "kk":
        assert KAZAKH.search(" ".join(header + table[0]))
    if language == "ru":
        assert header[0] == "БИН"
    by_api = client.get("/api/v1/exports/subjects", params={"format": "csv", "lang": language})
    assert by_api.status_code == 200, by_api.text
    assert rows(by_api.content, ",")[0] == header
