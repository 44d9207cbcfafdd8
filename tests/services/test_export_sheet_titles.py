"""An exported table's XLSX sheet is named in the reader's language: it was named "Sheet" (openpyxl's
default) for every reader (tester finding 8 of the session of 2026-12-07)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tekseru.i18n import messages
from tekseru.services import exports
from tekseru.services.permissions import Actor, Role
from tekseru.services.registry_queries import SubjectSearch
from tekseru.store import Database
from tests.catalogue import CATALOGUE

PLANNER = Actor("t-planner", Role.PLANNER)
# The first part of every TableExport's name (services/exports.py, services/run_compare.py).
TABLES = ("registry", "results", "audit", "list", "inspections", "violations", "compare")


@pytest.mark.parametrize(("language", "title"), [("kk", "Тізілім"), ("ru", "Реестр"), ("en", "Registry")])
def test_the_registry_exports_sheet_is_named_in_the_readers_language(
    database: Database, language: str, title: str
) -> None:
    export = exports.registry(database, PLANNER, SubjectSearch())
    book = load_workbook(io.BytesIO(b"".join(export.chunks("xlsx", language, CATALOGUE))))
    assert book.sheetnames == [title]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_exported_table_has_a_sheet_name_in_kazakh_and_russian(language: str) -> None:
    for table in TABLES:
        title = exports.TableExport(f"{table}-1", ("bin",), lambda: iter(())).title(language)
        assert title == messages(language)[f"tester.export.sheet.{table}"]
        assert 0 < len(title) <= 31 and not any("a" <= char.lower() <= "z" for char in title), title
