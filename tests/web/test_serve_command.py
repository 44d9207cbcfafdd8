"""`tekseru serve` builds the app from the settings and hands it to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from tekseru.cli import serve_command


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def run(app: FastAPI, **options: Any) -> None:
        calls.update(app=app, **options)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv("TEKSERU_DATABASE_URL", raising=False)
    return calls


def invoke(*args: str) -> str:
    cli = typer.Typer()
    cli.command()(serve_command.serve)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_defaults(served: dict[str, Any]) -> None:
    output = invoke()
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    assert isinstance(served["app"], FastAPI)
    assert served["app"].state.settings.database_url == "sqlite:///tekseru.sqlite3"
    assert "http://127.0.0.1:8000/" in output


def test_host_port_and_database_file(served: dict[str, Any], tmp_path: Path) -> None:
    invoke("--host", "0.0.0.0", "--port", "8080", "--db", str(tmp_path / "web.sqlite3"))
    assert (served["host"], served["port"]) == ("0.0.0.0", 8080)
    assert served["app"].state.settings.database_url == f"sqlite:///{tmp_path / 'web.sqlite3'}"


def test_the_database_url_comes_from_the_environment(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEKSERU_DATABASE_URL", "postgresql+psycopg://tekseru@db/tekseru")
    invoke()
    assert served["app"].state.settings.database_url == "postgresql+psycopg://tekseru@db/tekseru"
