"""`tekseru inspection start|assign|fulfilment`: a list row's inspection from the command line, its inspector
and the list's fulfilment, in ru and kk, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tekseru.cli import inspection_commands, visit_commands
from tekseru.services import inspections, plans
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.databases import database, database_url, postgres_server
from tests.services.plan_data import BINS, NOW, SYSTEM, add_assessed_registry, no_history
from tests.web.support import create_user

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()


@pytest.fixture
def invoke(database: Database, database_url: str, tmp_path: Path) -> Any:
    app = typer.Typer(pretty_exceptions_enable=False)
    visit_commands.register(inspection_commands.app)
    app.add_typer(inspection_commands.app, name="inspection")
    env = {"TEKSERU_DATABASE_URL": database_url, "TEKSERU_ATTACHMENTS_DIR": str(tmp_path), "COLUMNS": "200"}

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


def test_a_row_started_assigned_and_the_list_fulfilled(database: Database, invoke: Any) -> None:
    add_assessed_registry(database)
    stored = plans.draft_plan(
        database, SYSTEM, "2027-H1", visit_histories=no_history, now=NOW, catalogue=CATALOGUE
    )
    plans.approve_plan(database, SYSTEM, stored.id, now=NOW)
    create_user(database, SYSTEM, username="aigerim", full_name="Айгерім", role="inspector", region="astana")
    rank = next(row.rank for row in stored.plan.included if row.bin == BINS[0])
    start = ("inspection", "start", "--plan", str(stored.id), "--row", str(rank), "--act-number", "7-ПК")
    started = invoke(*start, "--act-date", "2027-01-10", "--inspector", "Асқаров А.", "--lang", "ru").output
    assert "Проверка 71-2027-0001" in started and f"строка {rank}" in started
    assert "71-2027-0001" in invoke(*start, "--act-date", "2027-01-10", "--inspector", "A", code=1).output
    inspection_id = int(started.split("(id ")[1].split(")")[0])
    assigned = invoke(
        "inspection", "assign", str(inspection_id), "--inspector", "aigerim", "--lang", "kk"
    ).output
    assert "тағайындалғандар aigerim" in assigned
    invoke("inspection", "assign", str(inspection_id), "--inspector", "nobody", code=1)

    record = inspections.get_inspection(database, SYSTEM, inspection_id)
    rows = [
        inspections.AnswerRow(item.number, "compliant", "")
        for item in CATALOGUE.edition(record.edition_id).checklist(record.appendix).items
    ]
    inspections.answer_items(database, SYSTEM, inspection_id, rows, catalogue=CATALOGUE)
    inspections.complete_inspection(
        database,
        SYSTEM,
        inspection_id,
        inspected_on=date(2027, 1, 20),
        today=date(2027, 2, 1),
        catalogue=CATALOGUE,
    )
    shown = invoke("inspection", "fulfilment", "--plan", str(stored.id), "--lang", "kk").output
    assert (
        "71-2027-0001" in shown and "2027-01-20 жүргізілді" in shown and "Тізім әлі орындалған жоқ" in shown
    )
