"""The command line as an administrator uses it for trust, on SQLite and PostgreSQL: every command that
changes data is audited in the name of `--by` or of "cli:<login>"; `tekseru audit verify` says ok or names
the first bad entry with exit code 1; `tekseru backup` and `tekseru restore` copy the database and back."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from tekseru.cli.main import app
from tekseru.services import audit
from tekseru.services.audit import AuditFilter
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tests.cli.reader_language import assert_reader_language
from tests.databases import database, database_url, postgres_server
from tests.services.plan_data import BINS

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()


@pytest.fixture
def tekseru(database_url: str) -> Any:
    def run(*args: str, code: int = 0) -> Result:
        env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "200"}
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


def actors(database: Database, action: str) -> list[str]:
    entries = audit.browse(database, Actor.system(), AuditFilter(action=action)).entries
    return [entry.actor for entry in entries]


def registry_files(folder: Path) -> tuple[Path, Path]:
    subjects, evidence = folder / "subjects.csv", folder / "evidence.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        + "".join(f"{bin},«Үй {n}»,astana,Астана {n},stationary_care\n" for n, bin in enumerate(BINS[:3])),
        encoding="utf-8",
    )
    evidence.write_text(
        f"bin,criterion,source_group,observed_on,reference,confirmed\n{BINS[0]},3,,2026-01-15,Акт 1,\n",
        encoding="utf-8",
    )
    return subjects, evidence


def test_imports_and_assessments_are_audited_with_their_actor(
    database: Database, tekseru: Any, tmp_path: Path
) -> None:
    subjects, evidence = registry_files(tmp_path)
    tekseru("import", "subjects", str(subjects))
    tekseru("import", "evidence", str(evidence), "--by", "aigerim")
    tekseru("assess", "--by", "planner-1", "--as-of", "2026-11-01")
    assert actors(database, "import.subjects") == [f"cli:{getpass.getuser()}"]
    assert actors(database, "import.evidence") == ["aigerim"]
    assert actors(database, "assessment.run") == ["planner-1"]
    [entry] = audit.browse(database, Actor.system(), AuditFilter(action="import.subjects")).entries
    assert entry.after is not None and entry.after["created"] == 3 and entry.after["file"] == "subjects.csv"
    # a failed import stores nothing and leaves no entry either
    (tmp_path / "bad.csv").write_text("bin,name,region,address,groups\n1,x,nowhere,,x\n", encoding="utf-8")
    tekseru("import", "subjects", str(tmp_path / "bad.csv"), code=1)
    assert len(actors(database, "import.subjects")) == 1


def test_audit_verify_says_ok_then_names_the_edited_entry(
    database: Database, tekseru: Any, tmp_path: Path
) -> None:
    subjects, _ = registry_files(tmp_path)
    tekseru("import", "subjects", str(subjects))
    tekseru("users", "create", "aliya", "--role", "planner", "--by", "admin-1")
    result = tekseru("audit", "verify", "--lang", "en")
    assert result.output.startswith("ok: 2 audit entries chained")
    head = result.output.split("head ")[1].strip()
    assert tekseru("audit", "verify", "--anchor", head, "--lang", "en").output.startswith("ok:")
    kazakh, russian = tekseru("audit", "verify").output, tekseru("audit", "verify", "--lang", "ru").output
    assert kazakh.startswith("дұрыс: аудит журналының 2 жазбасы") and head in kazakh
    assert russian.startswith("в порядке: записей журнала аудита в цепочке – 2") and head in russian
    for output in (kazakh, russian):
        assert_reader_language(output)
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        connection.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE action = 'import.subjects'"))
    result = tekseru("audit", "verify", "--lang", "en", code=1)
    assert "The audit log does not verify: 1 problem(s)." in result.output
    assert "audit entry 1 was edited" in result.output
    assert (
        "Журнал аудита не прошёл проверку: ошибок – 1."
        in tekseru("audit", "verify", "--lang", "ru", code=1).output
    )
    assert "Аудит журналы тексеруден өтпеді: қателер саны – 1." in tekseru("audit", "verify", code=1).output


def test_backup_then_restore_refuses_a_database_with_data(
    database: Database, database_url: str, tekseru: Any, tmp_path: Path
) -> None:
    subjects, _ = registry_files(tmp_path)
    tekseru("import", "subjects", str(subjects))
    copy = tmp_path / "tekseru.backup"
    kazakh = tekseru("backup", str(copy)).output
    assert f"Дерекқордың резервтік көшірмесі {copy} файлына жазылды." in kazakh
    assert_reader_language(kazakh)
    assert "exists already" in tekseru("backup", str(copy), "--lang", "en", code=1).output
    refused = tekseru("backup", str(copy), "--lang", "ru", code=1).output
    assert "Резервная копия не создана:" in refused and "уже существует: укажите новый файл" in refused
    assert "бұрыннан бар: жаңа файл атауын беріңіз" in tekseru("backup", str(copy), code=1).output
    result = tekseru("restore", str(copy), "--lang", "en", code=1)
    assert "Nothing was restored: the database holds data" in result.output and "--force" in result.output
    refused = tekseru("restore", str(copy), "--lang", "ru", code=1).output
    assert "Ничего не восстановлено:" in refused and "укажите --force" in refused
    russian = tekseru("restore", str(copy), "--force", "--lang", "ru").output
    assert f"База данных восстановлена из файла {copy}." in russian
    assert_reader_language(russian)
    assert (
        f"Restored the database from {copy}."
        in tekseru("restore", str(copy), "--force", "--lang", "en").output
    )
    assert tekseru("audit", "verify", "--lang", "en").output.startswith("ok:")
    assert actors(database, "database.restore") == [f"cli:{getpass.getuser()}"]


def test_restore_of_a_file_that_is_no_backup_names_it_in_the_readers_language(
    database: Database, tekseru: Any, tmp_path: Path
) -> None:
    subjects, _ = registry_files(tmp_path)
    tekseru("import", "subjects", str(subjects))
    junk = tmp_path / "notes.backup"
    junk.write_text("these are notes, not a backup\n" * 50, encoding="utf-8")
    kazakh = tekseru("restore", str(junk), code=1).output
    russian = tekseru("restore", str(junk), "--force", "--lang", "ru", code=1).output
    assert f"{junk} – tekseru резервтік көшірмесі емес" in kazakh, kazakh
    assert f"{junk} – не резервная копия tekseru" in russian, russian
    for said in (kazakh, russian):
        assert "file is not a database" not in said and "pg_restore" not in said and "Traceback" not in said
    assert_reader_language(kazakh.replace(str(junk), ""), "SQLite", "PostgreSQL")
    # refused before anything was replaced, even with --force: the data are still there
    assert tekseru("audit", "verify", "--lang", "en").output.startswith("ok:")
    assert actors(database, "import.subjects") == [f"cli:{getpass.getuser()}"]
