from datetime import date

import pytest

from tekseru.planning import PlanTable, form_plan, plan_table
from tekseru.planning.table import MONTH_NAMES, REASON_LABELS, format_score, half_year_title

from .plan_factories import H1_2027, RULES, history, score


def table(
    language: str, approval: tuple[str, date] | None = ("Head", date(2026, 12, 20)), notice: str | None = None
) -> PlanTable:
    scores = [
        score("a", 100, gross=1, group="stationary", reasons=(12, 40)),
        score("a", 50, group="home"),
        score("b", 42.5, region="Abai"),
        score("c", 20),
        score("d", 80),
    ]
    plan = form_plan(H1_2027, scores, [history("d", date(2026, 6, 15))], RULES, {"Abai": 0})
    return plan_table(
        plan,
        language=language,
        state_body="Body",
        approval=approval,
        group_names={"stationary": "Stationary", "home": "Home"},
        reason_texts={12: "twelve"},
        notice=notice,
    )


def test_every_reason_and_month_has_a_label_in_both_languages() -> None:
    for language in ("kk", "ru"):
        assert len(MONTH_NAMES[language]) == 12
        assert len(REASON_LABELS[language]) == 5


def test_header_lines() -> None:
    assert table("kk").header_lines == (
        "Мемлекеттік орган: Body",
        "Кезең: 2027 жылдың I жартыжылдығы",
        "Бекітілді: Head, 20.12.2026",
    )
    ru = table("ru", approval=None, notice="Unofficial.")
    assert ru.header_lines == (
        "Государственный орган: Body",
        "Период: I полугодие 2027 года",
        "Не утверждён (проект)",
        "Unofficial.",
    )


def test_rows_of_the_three_sections() -> None:
    included, overflow, excluded = table("ru").sections
    (row,) = included.rows
    assert row[0] == 1 and row[5] == "Stationary\nHome" and row[6] == 100 and row[7] == "высокая"
    assert row[8] == "12 — twelve\n40" and row[9] == "январь"
    assert len(included.columns) == 10 and len(overflow.columns) == 9
    assert overflow.rows[0][2] == "Subject b" and overflow.rows[0][0] == 2
    reasons = [cells[-1] for cells in excluded.rows]
    assert reasons == [
        "Степень риска не подлежит профилактическому контролю с посещением (низкая)",
        "Последнее посещение в пределах ограничения периодичности (15.06.2026)",
        "Включён в список по другой группе того же субъекта (№ 1)",
    ]


def test_formats() -> None:
    assert [format_score(value) for value in (100, 42.5, 70.01, 0)] == ["100", "42,5", "70,01", "0"]
    assert half_year_title(H1_2027.next(), "kk") == "2027 жылдың II жартыжылдығы"


def test_only_kazakh_and_russian_are_printed() -> None:
    with pytest.raises(ValueError, match="kk or ru"):
        table("en")
