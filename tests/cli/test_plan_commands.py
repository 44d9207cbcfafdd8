"""`tekseru plan HALF_YEAR` and `tekseru plans ...` as a planner uses them, on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook
from typer.core import TyperGroup
from typer.testing import CliRunner, Result

from tekseru.cli import plan_commands
from tekseru.cli.actors import os_user
from tekseru.services import audit
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tests.cli.reader_language import assert_reader_language
from tests.databases import database, database_url, postgres_server
from tests.services.plan_data import BINS, FIRST_RUN, NOW, add_registry, add_run

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()


@functools.cache  # one app, its click commands built once (tests/conftest.py)
def root_app() -> typer.Typer:
    """The root app wired as `tekseru.cli.main` wires it."""
    app = typer.Typer(pretty_exceptions_enable=False)
    plan_commands.register(app)
    return app


@pytest.fixture
def invoke(database: Database, database_url: str) -> Any:
    add_run(database, add_registry(database), FIRST_RUN)

    def run(*args: str, code: int = 0) -> Result:
        env = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "200"}
        result = runner.invoke(root_app(), list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


def test_plan_prints_the_draft_as_json(invoke: Any) -> None:
    printed = json.loads(invoke("plan", "2027-H1", "--format", "json").stdout)
    assert set(printed) >= {"plan_id", "status", "included", "excluded", "overflow"}
    assert (printed["status"], printed["half_year"]) == ("draft", "2027-H1")
    first = printed["included"][0]
    assert first == {
        "bin": BINS[0],
        "rank": 1,
        "score": 100.0,
        "risk_class": "high",
        "region": "astana",
        "planned_month": 1,
        "groups": ["stationary_care"],
        "name": "«Қамқор-0» КММ",
    }
    assert [row["bin"] for row in printed["included"]] == [BINS[0], BINS[5], BINS[1], BINS[2]]
    assert printed["overflow"] == []
    assert {(row["bin"], row["reason"], row["group"]) for row in printed["excluded"]} == {
        (BINS[3], "not_high_risk_by_objective_criteria", "access_other_objects"),
        (BINS[4], "class_not_candidate", "stationary_care"),
    }


def test_plan_with_a_capacity_file(invoke: Any, tmp_path: Path) -> None:
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("region,visits\nАстана,1\n", encoding="utf-8")
    printed = json.loads(
        invoke("plan", "2027-H1", "--capacity-file", str(capacity), "--format", "json").stdout
    )
    assert [(row["bin"], row["rank"], row["planned_month"]) for row in printed["overflow"]] == [
        (BINS[1], 4, None)
    ]


def test_the_life_of_a_list(invoke: Any, tmp_path: Path) -> None:
    table = invoke("plan", "2027-H1", "--as-of", "2026-11-30", "--lang", "en").output
    assert "On the list" in table and BINS[0] in table and "The risk class is not a candidate" in table
    invoke("plans", "publish", "1", code=1)
    assert "approved" in invoke("plans", "approve", "1", "--by", "head", "--lang", "en").output
    assert "оны енді өзгертуге болмайды" in invoke("plans", "approve", "1", code=1).output
    assert "published" in invoke("plans", "publish", "1", "--by", "secretary", "--lang", "en").output
    listed = invoke("plans", "list", "--lang", "en").output
    assert "Published" in listed and "head" in listed
    again = json.loads(invoke("plan", "2027-H1", "--format", "json").stdout)
    assert (again["plan_id"], again["previous_plan_id"]) == (2, 1)
    assert "No subject joined, left or moved." in invoke("plans", "diff", "2", "--lang", "en").output
    assert json.loads(invoke("plans", "diff", "2", "--json").stdout)["added"] == []
    shown = json.loads(invoke("plans", "show", "1", "--format", "json").stdout)
    assert shown["status"] == "published"
    out = tmp_path / "list.xlsx"
    invoke("plans", "export", "1", "--format", "xlsx", "--lang", "ru", "--output", str(out))
    sheet = load_workbook(out).worksheets[0]
    assert any(str(cell.value).startswith("Утверждён: head, ") for cell in sheet["A"])
    assert "Статус: опубликован" in [cell.value for cell in sheet["A"]]
    invoke("plans", "discard", "2")
    assert "№ 2 тізім жоқ" in invoke("plans", "show", "2", code=1).output


# The second assessment: subject 1 drops to low (leaves), 4 rises to high (joins), 5 overtakes 0 (moves).
SECOND_RUN = {**FIRST_RUN, 1: (10.0, "low", (11,)), 4: (95.0, "high", (1, 2)), 5: (120.0, "high", (1, 2, 8))}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ("2027 жылғы бірінші жартыжылдық", "Тізімде", "Астана", "Бекітілген", "Жоба")),
        ("ru", ("первое полугодие 2027 года", "В списке", "Астана", "Утверждён", "Проект")),
    ],
)
def test_plans_read_in_kazakh_and_russian(
    invoke: Any, database: Database, language: str, words: tuple[str, ...]
) -> None:
    half_year, on_list, region, approved, draft = words
    shown = invoke("plan", "2027-H1", "--lang", language).output
    assert half_year in shown and on_list in shown and region in shown and BINS[0] in shown
    invoke("plans", "approve", "1", "--lang", language)
    add_run(
        database,
        add_registry(database),
        SECOND_RUN,
        as_of=date(2026, 11, 20),
        started=NOW + timedelta(hours=1),
    )
    formed = invoke("plan", "2027-H1", "--lang", language).output
    listed = invoke("plans", "list", "--lang", language).output
    assert approved in listed and draft in listed and half_year in listed
    # Formed and approved on the command line: said in words, as on the pages, not "cli:<login>".
    assert "cli:" not in listed and {"kk": "пәрмен", "ru": "командная"}[language] in listed
    changes = invoke("plans", "diff", "2", "--lang", language).output
    assert f"+ {BINS[4]}" in changes and f"- {BINS[1]}" in changes and f"~ {BINS[0]}" in changes
    assert "→" in changes
    for output in (
        shown,
        formed,
        listed,
        changes,
        invoke("plans", "show", "1", "--lang", language).output,
        invoke("plans", "publish", "1", "--lang", language).output,
        invoke("plans", "discard", "2", "--lang", language).output,
    ):
        assert_reader_language(output, "head", os_user())  # the command line's login, a name


def test_documents_are_kazakh_or_russian(invoke: Any) -> None:
    invoke("plan", "2027-H1")
    output = invoke("plans", "show", "1", "--format", "pdf", "--lang", "en", code=1).output
    assert "--lang kk" in output and "--lang ru" in output
    # The export makes documents only: it does not take English (tests/cli/test_document_languages.py).
    assert "'en' is not one of 'kk', 'ru'." in invoke("plans", "export", "1", "--lang", "en", code=2).output


def test_changes_are_audited_under_the_by_name(invoke: Any, database: Database) -> None:
    invoke("plan", "2027-H1", "--by", "planner")
    invoke("plans", "approve", "1", "--by", "head")
    invoke("plans", "publish", "1", "--by", "secretary")
    invoke("plans", "approve", "1", "--by", "head", code=1)  # refused: no entry
    invoke("plan", "2027-H1", "--by", "planner")
    invoke("plans", "discard", "2", "--by", "planner")
    log = audit.browse(database, Actor.system(), audit.AuditFilter(entity="plan")).entries
    assert sorted((entry.entity_key, entry.action, entry.actor) for entry in log) == [
        ("1", "plan.approve", "head"),
        ("1", "plan.draft", "planner"),
        ("1", "plan.publish", "secretary"),
        ("2", "plan.discard", "planner"),
        ("2", "plan.draft", "planner"),
    ]


def test_plan_writes_documents(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "list.pdf"
    assert (
        str(out) in invoke("plan", "2027-H2", "--format", "pdf", "--lang", "kk", "--output", str(out)).output
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_plan_errors_are_readable(invoke: Any, tmp_path: Path) -> None:
    assert "'2027-H3' – жарты жыл емес" in invoke("plan", "2027-H3", code=1).output
    assert "is not a half-year" in invoke("plan", "2027-H3", "--lang", "en", code=1).output
    assert (
        "2020-01-01 күнгі немесе одан ерте аяқталған тәуекелді бағалау жоқ"
        in invoke("plan", "2027-H1", "--as-of", "2020-01-01", code=1).output
    )
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("region,visits\nAtlantis,2\nastana,-1\n", encoding="utf-8")
    output = invoke("plan", "2027-H1", "--capacity-file", str(capacity), "--lang", "en", code=1).output
    assert "capacity.csv, row 2, region: unknown region 'Atlantis'" in output
    assert "capacity.csv, row 3, visits: visits must be a whole number" in output
    assert "No lists are stored yet" in invoke("plans", "list", "--lang", "en").output
    kazakh = invoke("plan", "2027-H1", "--capacity-file", str(capacity), code=1).output
    assert "capacity.csv, 2-жол, region: белгісіз өңір 'Atlantis'" in kazakh
    assert "capacity.csv, 3-жол, visits: тексеру саны 0-ден кем емес бүтін сан болуы керек" in kazakh
    assert "Әзірге сақталған тізім жоқ" in invoke("plans", "list").output
    assert "Сохранённых списков пока нет" in invoke("plans", "list", "--lang", "ru").output


def test_plan_on_a_sqlite_file_given_with_db(tmp_path: Path) -> None:
    result = runner.invoke(root_app(), ["plan", "2027-H1", "--db", str(tmp_path / "t.sqlite3")])
    assert result.exit_code == 1 and "алдымен бағалауды іске қосыңыз" in result.output


def test_every_command_and_option_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "planning.md").read_text(encoding="utf-8")
    group = typer.main.get_group(root_app())
    commands = {"plan": group.commands["plan"]}
    plans_group = group.commands["plans"]
    assert isinstance(plans_group, TyperGroup)
    commands.update({f"plans {name}": command for name, command in plans_group.commands.items()})
    for name, command in commands.items():
        assert f"tekseru {name}" in doc, name
        for option in (opt for param in command.params for opt in param.opts if opt.startswith("--")):
            if option != "--db":  # the database option of every command, see docs of `tekseru db`
                assert option in doc, (name, option)


def test_plan_runs_do_not_pile_up_drafts_and_a_second_list_is_not_approved(invoke: Any) -> None:
    first = json.loads(invoke("plan", "2027-H1", "--format", "json").stdout)["plan_id"]
    again = json.loads(invoke("plan", "2027-H1", "--format", "json").stdout)["plan_id"]
    assert again == first  # the draft of the half-year was replaced, not joined by another
    drafts = invoke("plans", "list", "--half-year", "2027-H1", "--status", "draft", "--lang", "en").output
    assert len([line for line in drafts.splitlines() if line.startswith("│")]) == 1, drafts
    invoke("plans", "approve", str(first), "--by", "head")
    second = json.loads(invoke("plan", "2027-H1", "--format", "json").stdout)["plan_id"]
    assert second != first
    kk = invoke("plans", "approve", str(second), "--lang", "kk", code=1).output
    ru = invoke("plans", "approve", str(second), "--lang", "ru", code=1).output
    assert (
        f"{second} тізімін бекітуге болмайды: 2027 жылғы бірінші жартыжылдық үшін {first} тізімі бекітілген"
        in kk
    )
    assert (
        f"Список {second} нельзя утвердить: список {first} на первое полугодие 2027 года уже утверждён" in ru
    )


@pytest.mark.parametrize(
    ("language", "command_line"), [("kk", "пәрмен жолы ("), ("ru", "командная строка (")]
)
def test_plans_list_names_the_command_line_in_words(invoke: Any, language: str, command_line: str) -> None:
    """A list drafted from the command line without --by was shown as formed by "cli:root" (tester finding
    6); it reads as the web page reads it: the command line, and the login in brackets."""
    invoke("plan", "2027-H1", "--lang", language)
    listed = invoke("plans", "list", "--lang", language).output
    assert command_line in listed and "cli:" not in listed
