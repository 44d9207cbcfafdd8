"""`tekseru assess`, `tekseru explain` and `tekseru demo` as a planner uses them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tekseru.cli import assess_commands
from tekseru.i18n import format_decimal
from tekseru.scoring.shown import shown_score
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.services.assessment_fixtures import AS_OF, BINS, add_registry

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()


@functools.cache  # one app, its click commands built once (tests/conftest.py)
def root_app() -> typer.Typer:
    """The three commands wired as `tekseru.cli.main` wires them."""
    app = typer.Typer(pretty_exceptions_enable=False)
    for command in (assess_commands.assess, assess_commands.explain, assess_commands.demo):
        app.command()(command)
    return app


def invoke(*args: str, env: dict[str, str] | None = None, code: int = 0) -> Result:
    result = runner.invoke(root_app(), list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def tekseru(database: Database, database_url: str) -> Any:
    add_registry(database)

    def run(*args: str, code: int = 0) -> Result:
        return invoke(*args, env={"TEKSERU_DATABASE_URL": database_url}, code=code)

    return run


def test_assess_prints_json_objects(tekseru: Any) -> None:
    printed = json.loads(tekseru("assess", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert len(printed) == 6
    first = printed[0]
    assert set(first) >= {
        "bin",
        "group",
        "score",
        "risk_class",
        "violated_criteria",
        "name",
        "region",
        "as_of",
    }
    assert (first["bin"], first["group"], first["score"], first["risk_class"]) == (
        BINS[3],
        "home_care",
        100.0,
        "high",
    )
    assert first["violated_criteria"] == [23] and first["as_of"] == "2024-07-01"
    assert all(row["risk_class"] in ("low", "medium", "high") for row in printed)
    for row in printed:  # two decimals, as the table and the methodology show a score
        for part in ("score", "significant_part", "minor_part"):
            assert len(str(row[part]).partition(".")[2]) <= 2, (part, row[part])
    assert all(isinstance(number, int) for row in printed for number in row["violated_criteria"])
    assert len({row["run_id"] for row in printed}) == 1


@pytest.mark.parametrize(
    ("value", "shown"), [(100 / 3, 33.33), (200 / 3, 66.67), (2.675, 2.68), (2.665, 2.66), (70.0, 70.0)]
)
def test_scores_are_rounded_as_the_table_shows_them(value: float, shown: float) -> None:
    assert shown_score(value) == shown
    assert format_decimal(value, "ru") == f"{shown:.2f}".replace(".", ",")


def test_assess_prints_csv_and_a_table(tekseru: Any) -> None:
    rows = list(
        csv.DictReader(io.StringIO(tekseru("assess", "--as-of", "2024-07-01", "--format", "csv").stdout))
    )
    assert [row["bin"] for row in rows][:1] == [BINS[3]]
    assert {row["violated_criteria"] for row in rows} >= {"3|9", "23", ""}
    table = tekseru("assess", "--as-of", "2024-07-01", "--limit", "2", "--lang", "en").stdout
    assert "Results by risk class" in table and "Highest scores" in table
    assert BINS[3] in table and "inputs are those of a finished run" in table
    russian = tekseru("assess", "--as-of", "2024-07-01", "--limit", "2", "--lang", "ru").stdout
    assert "Результаты по степени риска" in russian and "Наивысшие баллы" in russian
    assert "на 01.07.2024" in russian and "100,00" in russian and "Высокая" in russian
    kazakh = tekseru("assess", "--as-of", "2024-07-01", "--limit", "2").stdout
    assert "Тәуекел дәрежесі бойынша нәтижелер" in kazakh and "үйде" in kazakh.lower()
    for output in (russian, kazakh):
        assert not {"home_care", "stationary_care", "high", "Results", "as of"} & set(output.split())


def test_explain_prints_the_reasons_in_the_language_asked_for(tekseru: Any) -> None:
    english = tekseru("explain", BINS[0], "--as-of", "2024-07-01", "--lang", "en").stdout
    assert "risk score" in english and "scored now" in english and "Evidence not counted" in english
    tekseru("assess", "--as-of", "2024-07-01", "--format", "json")
    russian = tekseru("explain", BINS[0], "--as-of", "2024-07-01", "--lang", "ru").stdout
    assert "балл риска" in russian and "сохранённая оценка" in russian
    assert "stored assessment" not in russian and "home_care" not in russian
    kazakh = tekseru("explain", BINS[0], "--as-of", "2024-07-01").stdout
    assert "тәуекел балы" in kazakh


def test_explain_an_unknown_bin_or_a_bad_date(tekseru: Any) -> None:
    assert BINS[99] in tekseru("explain", BINS[99], code=1).output
    assert "ЖЖЖЖ-АА-КК" in tekseru("assess", "--as-of", "1.7.2024", code=2).output
    assert "ГГГГ-ММ-ДД" in tekseru("assess", "--as-of", "1.7.2024", "--lang", "ru", code=2).output


def test_demo_creates_loads_assesses_and_shows_the_classes(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    shown = invoke("demo", "--db", str(path), "--lang", "en").stdout
    assert "Loaded the demo registry" in shown
    assert "Risk classes by control group" in shown and "Risk classes by region" in shown
    assert "stationary and semi-stationary" in shown and "Ulytau region" in shown
    assert "demo-inspector" in shown and "Password" in shown
    again = invoke("demo", "--db", str(path), "--lang", "ru").stdout
    assert "Реестр не пуст" in again and "Степени риска по регионам" in again and "область Ұлытау" in again
    printed = json.loads(invoke("assess", "--db", str(path), "--format", "json").stdout)
    assert {row["region"] for row in printed} >= {"astana", "ulytau"}


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.mark.parametrize(
    ("language", "stored"),
    [("kk", r"01\.07\.2024 күнгі сақталған бағалау, \d\d\.\d\d\.\d{4} \d\d:\d\d жасалған"),
     ("ru", r"сохранённая оценка на 01\.07\.2024, выполнена \d\d\.\d\d\.\d{4} \d\d:\d\d")],
)  # fmt: skip
def test_explain_names_the_stored_assessment_by_its_dates(tekseru: Any, language: str, stored: str) -> None:
    """A reader knows an assessment by the day it assessed and when it was made, not by its UUID (which no
    command takes as an argument)."""
    printed = json.loads(tekseru("assess", "--as-of", "2024-07-01", "--format", "json").stdout)
    assert printed
    shown = tekseru("explain", BINS[0], "--as-of", "2024-07-01", "--lang", language).stdout
    assert re.search(stored, shown) and not UUID.search(shown)


@pytest.mark.parametrize(
    ("language", "named"),
    [("kk", r"01\.07\.2024 жағдай бойынша, \d\d\.\d\d\.\d{4} \d\d:\d\d жасалған бағалау"),
     ("ru", r"Оценка на 01\.07\.2024, выполнена \d\d\.\d\d\.\d{4} \d\d:\d\d")],
)  # fmt: skip
def test_assess_names_the_assessment_by_its_dates(tekseru: Any, language: str, named: str) -> None:
    """The summary of `tekseru assess` (new and reused runs) names the run as `explain` does: no UUID."""
    for _ in range(2):  # computed, then the finished run reused
        shown = tekseru("assess", "--as-of", "2024-07-01", "--limit", "1", "--lang", language).stdout
        assert re.search(named, shown) and not UUID.search(shown), shown


@pytest.mark.parametrize(
    ("language", "named"),
    [("kk", r"жағдай бойынша, \d\d\.\d\d\.\d{4} \d\d:\d\d жасалған бағалау"),
     ("ru", r"Оценка на \d\d\.\d\d\.\d{4}, выполнена \d\d\.\d\d\.\d{4} \d\d:\d\d")],
)  # fmt: skip
def test_demo_names_the_assessment_by_its_dates(tmp_path: Path, language: str, named: str) -> None:
    shown = invoke("demo", "--db", str(tmp_path / "demo.sqlite3"), "--lang", language).stdout
    assert re.search(named, shown) and not UUID.search(shown), shown
