"""`tekseru rosters` as an official uses it, with the examples of docs/rosters.md, in kk and ru, on SQLite and
PostgreSQL: import the three rosters, reconcile (table, JSON, XLSX), make evidence, purge."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tekseru.cli.main import app
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]

DOC = Path(__file__).parents[2] / "docs" / "rosters.md"
runner = CliRunner()


def _examples() -> list[str]:
    return re.findall(r"^```csv\n(.*?)^```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL | re.MULTILINE)


@pytest.fixture
def tekseru(database: Database, database_url: str, tmp_path: Path) -> Any:
    def run(*args: str, code: int = 0) -> Result:
        env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "250"}
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result

    return run


def _files(tmp_path: Path) -> dict[str, Path]:
    roster, deliveries, findings = _examples()
    files = {"roster": roster, "deliveries": deliveries, "findings": findings}
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_the_docs_walk_through_imports_reconciles_and_reimports_nothing(tekseru: Any, tmp_path: Path) -> None:
    files = _files(tmp_path)
    tekseru("rosters", "import", "provider", str(files["roster"]))
    again = tekseru("rosters", "import", "provider", str(files["roster"]), "--lang", "en")
    assert re.search(r"unchanged\s*│\s*2", again.stdout), again.stdout
    printed = tekseru("rosters", "reconcile", "--as-of", "2026-03-01", "--format", "json").stdout
    report = json.loads(printed)
    entry = report["providers"]["990140000384"]
    assert entry["missing_in_esobes"] == 2 and entry["missing_in_portal"] == 2
    assert {r["iin"] for r in entry["records"]["missing_in_esobes"]} == {"850312******"}
    assert "850312400009" not in printed  # masked unless asked for by an entitled role
    shown = tekseru("rosters", "reconcile", "--as-of", "2026-03-01", "--format", "json", "--show-iins").stdout
    assert "850312400009" in shown


@pytest.mark.parametrize(
    ("language", "heading", "kind"),
    [
        ("kk", "Алушылар тізімдерін салыстыру", "Е-собесте жоқ"),
        ("ru", "Сверка списков получателей", "Нет в Е-Собес"),
    ],
)
def test_the_table_and_the_workbook_read_in_the_readers_language(
    tekseru: Any, tmp_path: Path, language: str, heading: str, kind: str
) -> None:
    files = _files(tmp_path)
    tekseru("rosters", "import", "provider", str(files["roster"]))
    table = tekseru("rosters", "reconcile", "--as-of", "2026-03-01", "--lang", language).stdout
    assert heading in table and "990140000384" in table
    assert "01.03.2026" in table and "2026-03-01" not in table  # the date as the reader writes it
    out = tmp_path / "r.xlsx"
    tekseru(
        "rosters",
        "reconcile",
        "--as-of",
        "2026-03-01",
        "--format",
        "xlsx",
        "--output",
        str(out),
        "--lang",
        language,
    )
    book = load_workbook(out)
    summary, records = book.worksheets
    assert heading in str(summary["A1"].value)
    assert kind in [cell.value for cell in summary[2]]
    assert [row[2] for row in records.iter_rows(min_row=2, values_only=True)] == ["850312******"] * 4
    assert all(cell.data_type != "f" for row in records.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            "bad.csv, строка 2, iin: 850312****** — неверный ИИН: "
            "контрольная (последняя) цифра 8, а должна быть 9",
        ),
        ("kk", "bad.csv, 2-жол, iin: 850312****** – жарамсыз ЖСН: бақылау (соңғы) цифры 8, ал 9 болуы керек"),
    ],
)
def test_a_bad_iin_is_named_by_file_row_and_field_without_showing_it(
    tekseru: Any, tmp_path: Path, language: str, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "iin,bin,form,start_date\n850312400008,990140000384,stationary,2026-01-10\n", encoding="utf-8"
    )
    result = tekseru("rosters", "import", "esobes", str(bad), "--lang", language, code=1)
    assert expected in result.output
    assert "850312400008" not in result.output


def test_evidence_names_providers_missing_from_the_registry_and_adds_nothing_twice(
    tekseru: Any, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(
        "bin,name,region,groups\n990140000384,Мейірім үйі,Алматы облысы,stationary_care\n", encoding="utf-8"
    )
    tekseru("import", "subjects", str(subjects))
    tekseru("rosters", "import", "provider", str(files["roster"]))
    tekseru("rosters", "deliveries", str(files["deliveries"]))
    tekseru("rosters", "findings", str(files["findings"]))
    first = tekseru("rosters", "evidence", "--as-of", "2026-06-01", "--lang", "en").stdout
    assert "Reports stored: 3; evidence added: 3, already there: 0." in first
    again = tekseru("rosters", "evidence", "--as-of", "2026-06-01", "--lang", "ru").stdout
    assert "Сохранено отчётов: 0; добавлено записей сведений: 0, уже были: 3." in again
    purged = tekseru("rosters", "purge", "--lang", "en").stdout
    assert "deleted: 0" in purged
