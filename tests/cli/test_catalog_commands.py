"""`tekseru catalog ...` as a newcomer uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.catalog_files import load_catalogue
from tekseru.cli.main import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["catalog", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_criteria_in_each_language() -> None:
    assert "Арнаулы әлеуметтік қызметтер ұсынуға бағалау" in run("criteria", "--lang", "kk")
    russian = run("criteria", "--lang", "ru")
    assert "неофициальн" in russian.lower()
    assert "special social services" in run("criteria", "--lang", "en").lower()


def test_filters_by_severity_and_source_group() -> None:
    output = run("criteria", "--lang", "en", "--severity", "minor", "--source-group", "1")
    edition = load_catalogue().latest()
    first_cells = {line.split("│")[1].strip() for line in output.splitlines() if line.startswith("│")}
    shown = {int(cell) for cell in first_cells if cell.isdigit()}
    minor = {c.number for c in edition.criteria_where(source_group=1) if c.severity == "minor"}
    assert shown == minor and len(minor) > 0


def test_checklist_shows_items_and_their_criteria() -> None:
    output = run("checklist", "2", "--lang", "kk")
    assert "тексеру парағы" in output and "Бақылау топтары: Жергілікті атқарушы органдар" in output
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in output.splitlines()
        if line.startswith("│")
    ]
    assert [cell for row in rows if row[0] == "3" for cell in (row[0], row[2])] == ["3", "5"]


def test_unknown_checklist_is_a_clear_error() -> None:
    result = runner.invoke(app, ["catalog", "checklist", "9", "--lang", "en"])
    assert result.exit_code != 0
    assert "no checklist in Appendix 9" in result.output


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kk", "16.10.2022 бастап қолданылатын редакция {path} файлына жазылды."),
        ("ru", "Редакция, действующая с 16.10.2022, записана в файл {path}."),
        ("en", "The edition in force from 16.10.2022 was written to {path}."),
    ],
)
def test_export_to_a_file_says_what_it_wrote(tmp_path: Path, language: str, said: str) -> None:
    path = tmp_path / "act.json"
    output = run("export", "--format", "json", "--output", str(path), "--lang", language)
    assert " ".join(output.split()) == said.format(path=path)
    assert json.loads(path.read_text(encoding="utf-8"))["edition"]["id"] == "2022-29983"


def test_export_is_complete_json() -> None:
    document = json.loads(run("export", "--format", "json"))
    assert document["edition"]["id"] == "2022-29983"
    assert document["edition"]["effective_from"] == "2022-10-16"
    assert [c["number"] for c in document["criteria"]] == list(range(1, 91))
    first = document["criteria"][0]
    assert set(first) >= {"number", "source_group", "severity", "text"} and set(first["text"]) == {
        "kk",
        "ru",
        "en",
    }
    assert [c["appendix"] for c in document["checklists"]] == [2, 3, 4, 5, 6, 7]
    item = document["checklists"][0]["items"][2]
    assert item == {"number": 3, "criterion": 5, "text": item["text"]}
    assert document["checklists"][0]["group"] == "local_executive_body"
    groups = {g["key"]: g for g in document["groups"]}
    assert groups["access_other_objects"]["objective_high_risk"] is False
    assert all(isinstance(n, int) for g in groups.values() for n in g["applicable_criteria"])
    keys = {p["key"] for p in document["methodology"]["parameters"]}
    assert {
        "gross_violation_score",
        "significant_weight",
        "minor_weight",
        "complaint_threshold",
        "lookback_months",
        "visit_frequency_limit_months",
    } <= keys
    assert [b["risk_class"] for b in document["methodology"]["class_bounds"]] == ["low", "medium", "high"]


def test_diff_of_the_same_edition() -> None:
    assert "No differences" in run("diff", "2022-29983", "2022-29983", "--lang", "en")
    assert "Различий между 2022-29983 и 2022-29983 нет" in run(
        "diff", "2022-29983", "2022-29983", "--lang", "ru"
    )


def test_groups_and_editions() -> None:
    assert "access_other_objects" in run("groups", "--lang", "en")
    assert "16.10.2022 бастап күшінде" in run("editions")


ENGLISH_WORDS = ("Appendix", "edition", "Source", "Severity", "Criterion", "Requirement", "groups", "Key")
INTERNAL_KEYS = ("gross", "significant", "minor", "local_executive_body", "stationary_care", "home_care")


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    "command",
    [
        ("criteria",),
        ("checklist", "3"),
        ("checklist", "7"),
        ("editions",),
        ("diff", "2022-29983", "2022-29983"),
    ],
)
def test_kazakh_and_russian_output_has_no_english_or_internal_keys(
    language: str, command: tuple[str, ...]
) -> None:
    output = run(*command, "--lang", language)
    for word in ENGLISH_WORDS + INTERNAL_KEYS:
        assert word not in output, f"{word!r} in {language} output of {command}"


def test_the_language_setting_chooses_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEKSERU_LANGUAGE", "ru")
    assert "Степень нарушения" in run("criteria", "--severity", "gross")
    assert "Бұзушылық дәрежесі" in run("criteria", "--severity", "gross", "--lang", "kk")
