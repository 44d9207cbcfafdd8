"""A CSV a person downloads opens in Excel as a table in Kazakh and Russian: `;` between cells, a decimal
comma and a byte order mark (Excel's regional settings for kk and ru); the API's CSV stays comma-separated
for programs. Each file is read back with Python's csv module as Excel reads it, letters and all."""

from __future__ import annotations

import csv
import io

import pytest

from tekseru.documents.table_export import FOR_PROGRAMS, excel_csv, table_chunks
from tekseru.services import exports
from tekseru.services.permissions import Actor, Role
from tekseru.services.registry_queries import SubjectSearch
from tekseru.store import Database
from tekseru.store.subjects import upsert_subjects
from tests.catalogue import CATALOGUE
from tests.store.factories import NOW, subject

NAMES = ("«Қамқор-Әлеуметтік» ЖШС: ғ, ң, ө, ұ, ү, һ, і", "Центр «Ёлка»; филиал, Щучинск")
PLANNER = Actor("t-planner", Role.PLANNER)
BOM = "\ufeff".encode()


def read_as_excel(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith(BOM)  # without it Excel reads the bytes in the system's code page
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(("language", "bin_word"), [("kk", "БСН"), ("ru", "БИН")])
def test_a_download_for_excel_in_kazakh_and_russian(database: Database, language: str, bin_word: str) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [subject(i, name=name) for i, name in enumerate(NAMES)], now=NOW)
    export = exports.registry(database, PLANNER, SubjectSearch())
    content = b"".join(export.chunks("csv", language, CATALOGUE, for_excel=True))
    header, *rows = read_as_excel(content, ";")
    assert header[0] == bin_word and header == export.header(language)
    assert sorted(row[1] for row in rows) == sorted(NAMES)
    assert {len(row) for row in rows} == {len(header)}
    # For programs (the API): commas, the same cells.
    machine = b"".join(export.chunks("csv", language, CATALOGUE))
    assert read_as_excel(machine, ",") == [header, *rows]


def test_fractions_take_the_decimal_sign_of_the_readers_excel() -> None:
    row = ("Әлия", 45.5, -0.25, 3, "-1")

    def cells(form: object) -> list[str]:
        content = b"".join(table_chunks("csv", ["a"] * 5, ["a"] * 5, [row], csv_form=form))  # type: ignore[arg-type]
        return read_as_excel(content, form.delimiter)[1]  # type: ignore[attr-defined]

    assert cells(excel_csv("kk")) == cells(excel_csv("ru")) == ["Әлия", "45,5", "-0,25", "3", "'-1"]
    assert cells(excel_csv("en")) == cells(FOR_PROGRAMS) == ["Әлия", "45.5", "-0.25", "3", "'-1"]
