"""Files from real offices: a CSV that Excel saved in a Russian locale (Windows-1251, `;`) is read with the
encoding and delimiter detected and said in the report; a workbook of several sheets is imported only from
the sheet chosen, and without a choice is refused naming its sheets; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog_files import load_regions
from tekseru.cli import import_commands
from tekseru.intake import ImportFileError, ReadAs
from tekseru.services.registry import import_evidence, import_subjects, workbook_sheets
from tekseru.store import Database, open_database, sqlite_url
from tekseru.store.subjects import count_subjects, list_subjects

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SUBJECTS = ["bin", "name", "region", "address", "groups"]
NAMES = ("ГККП «Дом-интернат для престарелых» № 1", "ТОО «Ёлочка-Сервис»", "Центр «Доброта»")


def _office_csv(path: Path, bins: list[str], encoding: str = "cp1251", delimiter: str = ";") -> Path:
    """What Excel writes for "CSV (разделители - запятые)" in a Russian locale: the code page, `;`, CRLF."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(SUBJECTS)
    for i, name in enumerate(NAMES):
        writer.writerow([bins[i], name, "astana", "г. Астана, ул. Абая, 10", "stationary"])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _names(database: Database) -> list[str]:
    with database.transaction() as session:
        return [record.name for record in list_subjects(session, limit=50, offset=0)]


def test_a_windows_1251_csv_with_semicolons_is_imported_and_its_reading_said(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    path = _office_csv(tmp_path / "реестр.csv", bins)
    report = import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert report.created == 3
    assert report.read_as == ReadAs(encoding="Windows-1251", delimiter=";")
    assert sorted(_names(database)) == sorted(NAMES)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "said"),
    [("utf-8", ",", "UTF-8"), ("utf-8-sig", ";", "UTF-8"), ("utf-16", "\t", "UTF-16"), ("kz1048", ";", None)],
)
def test_other_encodings_are_read_and_named(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    tmp_path: Path,
    encoding: str,
    delimiter: str,
    said: str | None,
) -> None:
    path = _office_csv(tmp_path / "s.csv", bins, encoding, delimiter)
    report = import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert report.read_as.delimiter == delimiter
    if said is not None:
        assert report.read_as.encoding == said
    # A Cyrillic code page the detector may confuse with another: the names still come out whole.
    assert sorted(_names(database)) == sorted(NAMES)


def test_a_utf8_file_with_one_windows_1251_line_is_still_refused(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    good = f"{';'.join(SUBJECTS)}\n{bins[0]};Үміт;astana;;stationary\n".encode()
    path.write_bytes(good + f"{bins[1]};Доброта;astana;;stationary\n".encode("cp1251"))
    with pytest.raises(ImportFileError) as caught:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert (caught.value.errors[0].key, caught.value.errors[0].row) == ("cp1251", 3)
    assert _names(database) == []


def test_binary_rubbish_is_not_taken_for_a_code_page(
    database: Database, edition: CatalogueEdition, tmp_path: Path
) -> None:
    path = tmp_path / "rubbish.csv"
    path.write_bytes(b"bin,name\n1,abc\xff\x00\x9c\x81\n")
    with pytest.raises(ImportFileError) as caught:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert caught.value.errors[0].key in ("not_utf8", "cp1251")


def _workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def _two_sheets(tmp_path: Path, bins: list[str]) -> Path:
    return _workbook(
        tmp_path / "book.xlsx",
        {
            "Пояснения": [["Реестр субъектов на 2026 год"], ["Заполнил: отдел"]],
            "Субъекты": [SUBJECTS, [bins[0], "Үміт", "astana", "", "stationary"]],
        },
    )


def test_a_workbook_of_several_sheets_asks_which_one(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    path = _two_sheets(tmp_path, bins)
    assert workbook_sheets(path) == ["Пояснения", "Субъекты"]
    with pytest.raises(ImportFileError) as caught:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    error = caught.value.errors[0]
    assert error.key == "several_sheets"
    assert "Пояснения, Субъекты" in error.texts()["ru"] and "несколько листов" in error.texts()["ru"]
    assert "парақ" in error.texts()["kk"]
    with pytest.raises(ImportFileError) as caught:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW, sheet="Лист1")
    assert caught.value.errors[0].key == "no_such_sheet"
    assert "«Лист1»" in caught.value.errors[0].texts()["kk"]
    assert _names(database) == []
    report = import_subjects(
        database, path, edition, regions=load_regions(), today=TODAY, now=NOW, sheet="Субъекты"
    )
    assert (report.created, report.read_as) == (1, ReadAs(sheet="Субъекты"))
    assert _names(database) == ["Үміт"]


def test_a_workbook_of_one_sheet_needs_no_choice_and_evidence_takes_a_sheet_too(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    one = _workbook(tmp_path / "one.xlsx", {"Data": [SUBJECTS, [bins[0], "A", "astana", "", "stationary"]]})
    assert import_subjects(
        database, one, edition, regions=load_regions(), today=TODAY, now=NOW
    ).read_as == ReadAs(sheet="Data")
    evidence = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]
    book = _workbook(
        tmp_path / "facts.xlsx",
        {"x": [["note"]], "facts": [evidence, [bins[0], 1, "", "2026-01-15", "act 1", ""]]},
    )
    report = import_evidence(database, book, edition, entered_by="t", today=TODAY, now=NOW, sheet="facts")
    assert report.created == 1
    assert workbook_sheets(tmp_path / "one.xlsx") == ["Data"] and workbook_sheets(tmp_path / "x.csv") == []


WriteFile = Callable[..., Path]


@pytest.fixture
def _cli_edition(monkeypatch: pytest.MonkeyPatch, edition: CatalogueEdition) -> None:
    monkeypatch.setattr(import_commands, "edition_in_force", lambda today: edition)


@pytest.mark.usefixtures("_cli_edition")
def test_the_command_line_says_what_it_detected_and_takes_a_sheet(tmp_path: Path, bins: list[str]) -> None:
    runner = CliRunner()
    db = tmp_path / "cli.sqlite3"
    path = _office_csv(tmp_path / "office.csv", bins)
    result = runner.invoke(import_commands.app, ["subjects", str(path), "--db", str(db), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert (
        "Прочитан как текст в кодировке Windows-1251, столбцы разделены: точкой с запятой." in result.output
    )
    book = _two_sheets(tmp_path, bins[10:])
    result = runner.invoke(import_commands.app, ["subjects", str(book), "--db", str(db), "--lang", "kk"])
    assert result.exit_code == 1
    assert "бірнеше парақ бар (Пояснения, Субъекты)" in result.output
    result = runner.invoke(
        import_commands.app, ["subjects", str(book), "--db", str(db), "--lang", "kk", "--sheet", "Субъекты"]
    )
    assert result.exit_code == 0, result.output
    assert "«Субъекты» парағынан оқылды." in result.output
    database = open_database(sqlite_url(db))
    try:
        with database.transaction() as session:
            assert count_subjects(session) == 4
    finally:
        database.close()


@pytest.mark.parametrize(
    "names", [("Қамқор",), ("Өмір", "Шаңырақ ғимараты", "Ұлы Дала Әлеуметтік Үй", "Һәм")]
)
def test_kazakh_letters_in_windows_1048_are_not_read_as_serbian_ones(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path, names: tuple[str, ...]
) -> None:
    """A short KZ-1048 file (Windows' Kazakh code page) reads the same to the statistics as Windows-1251,
    where the bytes of Қ, Ә, Ө... are Ќ, Ј, Ґ...: the Kazakh letters win, "Қамқор" is not stored "Ќамќор"."""
    path = tmp_path / "kz.csv"
    rows = [";".join(SUBJECTS)] + [f"{bins[i]};{name};astana;;stationary" for i, name in enumerate(names)]
    path.write_bytes("\r\n".join(rows).encode("kz1048") + b"\r\n")
    report = import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert report.read_as == ReadAs(encoding="Windows-1048 (KZ-1048)", delimiter=";")
    assert sorted(_names(database)) == sorted(names)
