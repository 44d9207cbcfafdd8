"""`tekseru db upgrade` and `tekseru db check`, driven in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.db_commands import app
from tekseru.store import migrate, open_database, sqlite_url

runner = CliRunner()


def test_upgrade_creates_and_migrates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    result = runner.invoke(app, ["upgrade", "--db", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"revision {migrate.head_revision()}" in result.output
    assert path.is_file()


def test_upgrade_uses_the_environment_without_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("TEKSERU_DATABASE_URL", sqlite_url(path))
    assert runner.invoke(app, ["upgrade"]).exit_code == 0
    assert path.is_file()


def test_check_passes_when_the_migrations_match(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--db", str(tmp_path / "check.sqlite3"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "match the models" in result.output


def test_check_fails_on_a_difference(tmp_path: Path) -> None:
    path = tmp_path / "drift.sqlite3"
    database = open_database(sqlite_url(path))
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_subjects_region")
    database.close()
    result = runner.invoke(app, ["check", "--db", str(path)])
    assert result.exit_code == 1
    assert "ix_subjects_region" in result.output


def test_a_database_behind_the_code_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite3"
    open_database(sqlite_url(path)).close()
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")
    result = runner.invoke(app, ["check", "--db", str(path)])
    assert result.exit_code == 1
    assert "tekseru db upgrade" in result.output
