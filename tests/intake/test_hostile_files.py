"""Hostile import files, on a SQLite file and on PostgreSQL: every one ends in an import or in errors that
name the file, the row and the field in kk, ru and en, and a refused file leaves the database as it was.

Property-based (hypothesis, few examples each so that the suite stays fast): a valid file is damaged in one
way (another encoding, cut short, a NUL byte or other control character, a field over 128 KiB, a formula,
a quote left open, a far XLSX cell, random text) and imported."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog_files import load_regions
from tekseru.intake import ErrorKind, ImportFileError, ImportReport, RowError
from tekseru.services.registry import import_evidence, import_subjects
from tekseru.store import Database, SubjectData
from tekseru.store.evidence import count_evidence, evidence_for_subjects
from tekseru.store.subjects import count_subjects, list_subjects, upsert_subjects
from tekseru.store.text import control_character

TODAY = date(2024, 6, 30)
NOW = datetime(2024, 6, 30, 12, tzinfo=UTC)
SUBJECTS = ["bin", "name", "region", "address", "groups"]
EVIDENCE = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]
# Errors about the file as a whole (it cannot be opened, is empty, is not text): they name no row.
WHOLE_FILE = {ErrorKind.UNREADABLE_FILE}
# Errors about a whole row, not one of its fields.
WHOLE_ROW = {ErrorKind.TOO_MANY_VALUES, ErrorKind.FILE_TOO_LARGE}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Damage:
    """One way to spoil a file: what it does, and the rows (as text) it applies to."""

    kind: str
    row: int = 0
    column: int = 0
    text: str = ""


def _subject_rows(bins: list[str], count: int) -> list[list[str]]:
    names = ["Мейірім үйі", "«Қамқор» КММ", "Центр «Забота»", "Home care LLP"]
    return [[bins[i], names[i % 4], "astana", f"Астана, {i}", "stationary"] for i in range(count)]


def _evidence_rows(bins: list[str], count: int) -> list[list[str]]:
    return [[bins[i % 3], "1", "", f"2024-0{1 + i % 5}-15", f"act {i}", ""] for i in range(count)]


TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x4FF), min_size=0, max_size=30
)
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
FORMULAS = st.sampled_from(['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tname", "\rname"])


@st.composite
def damages(draw: st.DrawFn, rows: int, columns: int, xlsx: bool) -> Damage:
    where = {"row": draw(st.integers(0, rows - 1)), "column": draw(st.integers(0, columns - 1))}
    kinds = ["control", "formula", "text", "huge", "none"]
    kinds += ["far_row", "far_column", "date"] if xlsx else ["encoding", "cut", "quote", "blank_lines"]
    kind = draw(st.sampled_from(kinds))
    if kind == "control":
        before, after = draw(TEXTS), draw(TEXTS)
        return Damage(kind, text=before + draw(CONTROL) + after, **where)
    if kind == "formula":
        return Damage(kind, text=draw(FORMULAS), **where)
    if kind == "text":
        return Damage(kind, text=draw(TEXTS), **where)
    if kind == "huge":
        return Damage(
            kind, text="ж" * (32_000 if xlsx else draw(st.sampled_from([131_072, 131_073, 200_000]))), **where
        )
    if kind == "encoding":
        return Damage(
            kind, text=draw(st.sampled_from(["cp1251", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"]))
        )
    if kind == "cut":
        return Damage(kind, row=draw(st.integers(1, 400)))
    if kind == "far_row":
        return Damage(
            kind, row=draw(st.sampled_from([1_048_576, 70_000])), column=draw(st.integers(1, 16_384))
        )
    if kind == "far_column":
        return Damage(kind, row=draw(st.integers(2, 5)), column=draw(st.sampled_from([65, 1000, 16_384])))
    if kind == "date":
        return Damage(kind, text=draw(st.sampled_from(["0001-01-01", "2200-12-31", "1899-12-31"])), **where)
    return Damage(kind, **where)


def _write(path: Path, header: list[str], rows: list[list[str]], damage: Damage) -> Path:
    """The file at `path` (CSV or XLSX by its suffix) with `damage` done to it."""
    rows = [list(row) for row in rows]
    if damage.kind in ("control", "formula", "text", "huge"):
        rows[damage.row][damage.column] = damage.text
    if path.suffix == ".xlsx":
        return _write_xlsx(path, header, rows, damage)
    delimiter = ";" if damage.text == "cp1251" else ","
    lines = [header, *rows]
    text = "\r\n".join(delimiter.join(_quoted(cell, delimiter) for cell in line) for line in lines) + "\r\n"
    if damage.kind == "quote":
        text = text.replace('"', "", 1) if '"' in text else text.replace(",", ',"', 3)
    if damage.kind == "blank_lines":
        text = text.replace("\r\n", "\r\n\r\n,,,\r\n")
    encoding = damage.text if damage.kind == "encoding" else "utf-8"
    content = text.encode(encoding, errors="replace")
    if damage.kind == "cut":
        content = content[: max(len(content) - damage.row, 1)]
    path.write_bytes(content)
    return path


def _quoted(cell: str, delimiter: str) -> str:
    if any(character in cell for character in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]], damage: Damage) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [header, *rows]:
        # openpyxl refuses to write most control characters; those it takes (\x7f-\x9f) stay.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell) for cell in row])
    if damage.kind in ("far_row", "far_column"):
        sheet.cell(damage.row, damage.column, "far")
    if damage.kind == "date":
        sheet.cell(2 + damage.row, 4, damage.text)
    workbook.save(path)
    return path


def _counts(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        return count_subjects(session), count_evidence(session)


def _check_errors(errors: tuple[RowError, ...], name: str) -> None:
    """Each error names the file, a row and a field (as its kind allows) and reads in kk, ru and en."""
    assert errors
    for error in errors:
        assert error.file == name
        if error.kind not in WHOLE_FILE:
            assert error.row is not None, error
            if error.kind not in WHOLE_ROW:
                assert error.field, error
        texts = {language: error.describe(language) for language in ("kk", "ru", "en")}
        assert texts["en"] == str(error)
        if error.key is not None:
            assert len(set(texts.values())) == 3, texts
        assert all(control_character(text) is None for text in texts.values()), texts


def _outcome(
    database: Database, do_import: Callable[[], ImportReport], path: Path
) -> ImportReport | ImportFileError:
    before = _counts(database)
    try:
        return do_import()
    except ImportFileError as error:
        _check_errors(error.errors, path.name)
        assert _counts(database) == before
        return error


def _no_control_characters_stored(database: Database) -> None:
    with database.transaction() as session:
        texts = [text for s in list_subjects(session, limit=1000) for text in (s.name, s.address)]
        texts += [record.reference for record in evidence_for_subjects(session)]
    assert all(control_character(text) is None for text in texts)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@FUZZ
@given(data=st.data())
def test_hostile_subject_files(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    tmp_path: Path,
    suffix: str,
    data: st.DataObject,
) -> None:
    rows = _subject_rows(bins, 4)
    damage = data.draw(damages(len(rows), len(SUBJECTS), suffix == ".xlsx"))
    path = _write(tmp_path / f"s-{uuid.uuid4().hex[:6]}{suffix}", SUBJECTS, rows, damage)
    outcome = _outcome(
        database,
        lambda: import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW),
        path,
    )
    if damage.kind in ("far_row", "far_column") or (
        damage.kind == "control"
        and control_character(_xlsx_text(damage.text) if suffix == ".xlsx" else damage.text)
    ):
        assert isinstance(outcome, ImportFileError), damage
    # A text that starts a formula is a name like any other, except in an XLSX cell, where "=..." is a
    # formula: refused.
    live_formula = suffix == ".xlsx" and damage.kind == "formula" and damage.text.startswith("=")
    if damage.kind == "none" or (damage.kind == "formula" and damage.column in (1, 3) and not live_formula):
        assert isinstance(outcome, ImportReport), (damage, outcome)
    if live_formula:
        assert isinstance(outcome, ImportFileError), damage
        assert any(error.kind == ErrorKind.FORMULA for error in outcome.errors), outcome.errors
    if damage.kind == "encoding":  # Windows-1251 too: detected, as Excel in a Russian locale saves it
        assert isinstance(outcome, ImportReport), (damage, outcome)
    _no_control_characters_stored(database)


def _xlsx_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@FUZZ
@given(data=st.data())
def test_hostile_evidence_files(
    database: Database,
    edition: CatalogueEdition,
    bins: list[str],
    tmp_path: Path,
    suffix: str,
    data: st.DataObject,
) -> None:
    if _counts(database)[0] == 0:
        with database.transaction() as session:
            upsert_subjects(
                session, [SubjectData(bin, "S", "astana", "", ("stationary",)) for bin in bins[:3]], now=NOW
            )
    rows = _evidence_rows(bins, 5)
    damage = data.draw(damages(len(rows), len(EVIDENCE), suffix == ".xlsx"))
    path = _write(tmp_path / f"e-{uuid.uuid4().hex[:6]}{suffix}", EVIDENCE, rows, damage)
    outcome = _outcome(
        database,
        lambda: import_evidence(database, path, edition, entered_by="fuzz", today=TODAY, now=NOW),
        path,
    )
    if damage.kind == "date" or (damage.kind == "control" and suffix == ".csv"):
        assert isinstance(outcome, ImportFileError), damage
    if damage.kind == "none":
        assert isinstance(outcome, ImportReport)
    _no_control_characters_stored(database)


# The defects of issue 12, one by one --------------------------------------------------------------------


def _refused(database: Database, path: Path, edition: CatalogueEdition) -> RowError:
    before = _counts(database)
    with pytest.raises(ImportFileError) as raised:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert _counts(database) == before
    _check_errors(raised.value.errors, path.name)
    return raised.value.errors[0]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\u202e", "\u2066", "\u200f"])
def test_a_control_character_is_refused_with_row_and_field(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path, character: str
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(f"bin,name,region,groups\n{bins[0]},Ақ{character}жол,astana,stationary\n", "utf-8")
    error = _refused(database, path, edition)
    assert (error.row, error.field, error.kind) == (2, "name", ErrorKind.CONTROL_CHARACTER)
    code = f"U+{ord(character):04X}"
    assert error.describe("kk").startswith(f"s.csv, 2-жол, name: мәнде {code}")
    assert error.describe("ru").startswith(
        f"s.csv, строка 2, name: в значении есть управляющий символ {code}"
    )


def test_a_formula_in_an_xlsx_cell_is_refused_as_a_formula(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    """A formula used to read as an empty cell ("a value is required"), or as a cached value."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([bins[0], "Ақ жол", "astana", "stationary"])
    sheet.append([bins[1], '=CONCAT("Ақ ","жол")', "astana", "stationary"])
    sheet["C3"] = "=C2"  # a second formula, on the same row
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    before = _counts(database)
    with pytest.raises(ImportFileError) as raised:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    assert _counts(database) == before
    errors = raised.value.errors
    assert [(error.row, error.field, error.kind) for error in errors] == [
        (3, "name", ErrorKind.FORMULA),
        (3, "region", ErrorKind.FORMULA),
    ]
    kk, ru = errors[0].describe("kk"), errors[0].describe("ru")
    assert (
        kk.startswith("s.xlsx, 3-жол, name: ұяшықта формула бар (=CONCAT(")
        and "формулалар қабылданбайды" in kk
    )
    assert (
        ru.startswith("s.xlsx, строка 3, name: в ячейке формула (=CONCAT(") and "формулы не принимаются" in ru
    )
    assert "value is required" not in errors[0].describe("en") and "formulas are not accepted" in errors[
        0
    ].describe("en")


def test_a_formula_holding_a_control_character_is_refused_for_the_character(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    """Found by the fuzzing above (`=\\x7f` in a cell): the formula's error quoted the formula, DEL and
    all, so the message on the page, the console and the rejected rows' file carried a control character."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([bins[0], "=\x7f", "astana", "stationary"])  # openpyxl keeps \x7f: a formula cell
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFileError) as raised:
        import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    (error,) = raised.value.errors
    assert (error.row, error.field, error.kind) == (2, "name", ErrorKind.CONTROL_CHARACTER)
    assert all(control_character(error.describe(language)) is None for language in ("kk", "ru", "en"))


def test_a_far_xlsx_cell_is_refused_at_once(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    """A 5 KB workbook with one value at XFD1048576 used to be expanded cell by cell for minutes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([bins[0], "A", "astana", "stationary"])
    sheet["XFD1048576"] = "x"
    workbook.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    error = _refused(database, tmp_path / "far.xlsx", edition)
    assert (error.row, error.field, error.kind) == (1_048_576, "XFD", ErrorKind.FILE_TOO_LARGE)
    # The one who runs the server (the command line) is told the variable; a web user, a server setting.
    assert "TEKSERU_IMPORT_MAX_COLUMNS" in error.describe("ru", name_setting=True)
    assert error.texts()["ru"].endswith("читается не более 64 столбцов (настройка сервера)")


def test_empty_far_cells_are_not_read(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path
) -> None:
    """A sheet whose stated size is XFD1048576 but whose far cells hold nothing imports its one row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name", "region", "groups"])
    sheet.append([bins[0], "A", "astana", "stationary"])
    sheet["XFD1048576"].number_format = "0.00"
    workbook.save(tmp_path / "styled.xlsx")
    report = import_subjects(
        database, tmp_path / "styled.xlsx", edition, regions=load_regions(), today=TODAY, now=NOW
    )
    assert (report.rows_read, report.created) == (1, 1)


def test_the_caps_are_settings(
    edition: CatalogueEdition, bins: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tekseru.intake import Columns, open_table

    monkeypatch.setenv("TEKSERU_IMPORT_MAX_ROWS", "3")
    path = tmp_path / "rows.csv"
    path.write_text("bin,name\n1,a\n2,b\n3,c\n", "utf-8")
    with pytest.raises(ImportFileError) as raised, open_table(path, Columns(("bin", "name"))) as table:
        list(table.rows)
    [error] = raised.value.errors
    assert (error.row, error.kind) == (4, ErrorKind.FILE_TOO_LARGE)
    assert error.describe("kk", name_setting=True) == (
        "rows.csv, 4-жол: файлдың 4-жолында деректер бар; ең көбі 3 жол оқылады "
        "(TEKSERU_IMPORT_MAX_ROWS баптауы)"
    )
    assert error.describe("kk") == (
        "rows.csv, 4-жол: файлдың 4-жолында деректер бар; ең көбі 3 жол оқылады (сервер баптауы)"
    )


@pytest.mark.parametrize(
    ("content", "row", "field", "kind", "key"),
    [
        (
            b'bin,name,region,groups\n1,"open,astana,stationary\n2,b,astana,x\n',
            2,
            "name",
            ErrorKind.UNCLOSED_QUOTE,
            "unclosed_quote",
        ),
        (
            b'bin,name,region,groups\n1,"a"b,astana,stationary\n',
            2,
            "name",
            ErrorKind.UNCLOSED_QUOTE,
            "unclosed_quote",
        ),
        (
            b"bin,name,region,groups\n1,a,astana,stationary\n2,b," + b"x" * 140_000 + b",y\n",
            3,
            "region",
            ErrorKind.VALUE_TOO_LONG,
            "field_too_long",
        ),
        (
            "bin,name,region,groups\n1,Үміт,astana,x\n2,".encode() + "Алматы".encode("cp1251"),
            3,
            "name",
            ErrorKind.UNREADABLE_FILE,
            "not_utf8",  # UTF-8 at the start: a Windows-1251 line further on is damage, not the encoding
        ),
        (
            "bin,name,region,groups\n1,a,astana,x\n2,Алматы".encode()[:-1],
            3,
            "name",
            ErrorKind.UNREADABLE_FILE,
            "truncated_utf8",
        ),
    ],
    ids=["unclosed-quote", "text-after-quote", "field-over-128-KiB", "cp1251-after-utf8", "cut-utf8"],
)
def test_broken_csv_is_named_by_row_and_field(
    database: Database,
    edition: CatalogueEdition,
    tmp_path: Path,
    content: bytes,
    row: int,
    field: str | None,
    kind: ErrorKind,
    key: str,
) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    error = _refused(database, path, edition)
    assert (error.row, error.field, error.kind, error.key) == (row, field, kind, key)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_and_tabs_are_read(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path, encoding: str
) -> None:
    """Excel's "Unicode text" (UTF-16 with its mark, tab-separated), and UTF-16 without the mark."""
    path = tmp_path / "unicode.txt"
    text = f"bin\tname\tregion\tgroups\n{bins[0]}\tМейірім\tastana\tstationary\n"
    path.write_bytes(text.encode(encoding))
    import_subjects(database, path, edition, regions=load_regions(), today=TODAY, now=NOW)
    with database.transaction() as session:
        assert [s.name for s in list_subjects(session)] == ["Мейірім"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01"])
def test_evidence_dated_outside_1900_2100_is_refused(
    database: Database, edition: CatalogueEdition, bins: list[str], tmp_path: Path, day: str
) -> None:
    with database.transaction() as session:
        upsert_subjects(session, [SubjectData(bins[0], "S", "astana", "", ("stationary",))], now=NOW)
    path = tmp_path / "e.csv"
    path.write_text(f"bin,criterion,source_group,observed_on,reference\n{bins[0]},1,,{day},a\n", "utf-8")
    with pytest.raises(ImportFileError) as raised:
        import_evidence(database, path, edition, entered_by="x", today=date(2200, 1, 1), now=NOW)
    [error] = raised.value.errors
    assert (error.row, error.field, error.kind) == (2, "observed_on", ErrorKind.DATE_OUT_OF_RANGE)
    assert error.describe("ru") == (
        f"e.csv, строка 2, observed_on: {day} — неправдоподобная дата: год должен быть с 1900 по 2100"
    )
    assert _counts(database) == (1, 0)
