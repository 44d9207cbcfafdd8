from datetime import date

import pytest

from tekseru.i18n import list_words
from tekseru.planning import PlanTable, form_plan, plan_table
from tekseru.planning.model import ExclusionReason
from tekseru.planning.table import criterion_numbers, format_score, half_year_title
from tekseru.planning.table_words import EXCLUSIONS, MONTHS

from .plan_factories import H1_2027, RULES, history, score


def table(
    language: str,
    approval: tuple[str, date] | None = ("Head", date(2026, 12, 20)),
    notice: str | None = None,
    **numbered: object,
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
        words=list_words(language),
        state_body="Body",
        approval=approval,
        group_names={"stationary": "Stationary", "home": "Home"},
        reason_texts={12: "twelve"},
        notice=notice,
        **numbered,  # type: ignore[arg-type]
    )


def test_every_reason_and_month_has_a_label_in_both_languages() -> None:
    assert len(MONTHS) == 12 and len(EXCLUSIONS) == len(ExclusionReason) == 5
    for language in ("kk", "ru"):
        words = list_words(language)
        assert all(words[key].strip() for key in MONTHS + EXCLUSIONS)
        assert len({words[key] for key in EXCLUSIONS}) == 5


def test_words_lacking_a_message_are_refused_before_anything_is_laid_out() -> None:
    plan = form_plan(H1_2027, [score("a", 100, gross=1)], [], RULES)
    words = dict(list_words("kk"))
    del words["document.month.3"]
    with pytest.raises(ValueError, match=r"lack document\.month\.3"):
        plan_table(
            plan, language="kk", words=words, state_body="", approval=None, group_names={}, reason_texts={}
        )


def test_header_lines() -> None:
    kk = table("kk", number=7, status="published")
    assert kk.header_lines == (
        "Мемлекеттік орган: Body",
        "Тізім № 7",
        "Кезең: 2027 жылғы бірінші жартыжылдық",
        "Мәртебесі: жарияланған",
        "Бекітілді: Head, 20.12.2026",
    )
    assert kk.running_title == "Тізім № 7 · 2027 жылғы бірінші жартыжылдық · жарияланған"
    assert kk.approval_block == ("БЕКІТЕМІН", "Head", "______________ (қолы)", "20.12.2026")
    assert kk.draft_mark is None and kk.page_label.format(page=2, total=5) == "Бет 2 / 5"
    ru = table("ru", approval=None, notice="Unofficial.")
    assert ru.header_lines == (
        "Государственный орган: Body",
        "Период: первое полугодие 2027 года",
        "Статус: проект",
        "Не утверждён (проект)",
        "Unofficial.",
    )
    assert ru.running_title == "первое полугодие 2027 года · проект" and ru.draft_mark == "ПРОЕКТ"
    assert ru.approval_block[0] == "УТВЕРЖДАЮ" and "(подпись)" in ru.approval_block[3]
    assert ru.page_label.format(page=2, total=5) == "Страница 2 из 5"


def test_rows_of_the_three_sections() -> None:
    included, overflow, excluded, annex = table("ru").sections
    (row,) = included.rows
    assert row[0] == 1 and row[5] == "Stationary\nHome" and row[6] == 100 and row[7] == "высокая"
    assert row[8] == "12, 40" and row[9] == "январь"
    assert included.columns[8] == "Основные причины (номера критериев, приложение 1)"
    assert annex.title == "Приложение 1. Критерии, указанные в списке"
    assert annex.rows == ((12, "twelve"), (40, ""))
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
    kk, ru = list_words("kk"), list_words("ru")
    assert half_year_title(H1_2027, kk) == "2027 жылғы бірінші жартыжылдық"
    assert half_year_title(H1_2027.next(), kk) == "2027 жылғы екінші жартыжылдық"
    assert half_year_title(H1_2027, ru) == "первое полугодие 2027 года"
    assert half_year_title(H1_2027.next(), ru) == "второе полугодие 2027 года"


def test_criterion_numbers_keep_their_order_and_shorten_runs() -> None:
    assert criterion_numbers([]) == ""
    assert criterion_numbers([12, 40]) == "12, 40"
    assert criterion_numbers([3, 4, 7, 8, 9, 10, 1, 2, 5]) == "3, 4, 7–10, 1, 2, 5"


def test_only_kazakh_and_russian_are_printed() -> None:
    with pytest.raises(ValueError, match="kk or ru"):
        table("en")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_on_paper_the_subjects_left_off_are_counted_by_reason(language: str) -> None:
    listed = table(language).sections[2]
    counted = table(language, excluded_in_full=False).sections[2]
    assert counted.key == "excluded_summary" and len(counted.columns) == 2
    words = list_words(language)
    assert counted.rows == tuple(
        (words[f"document.exclusion.{reason.value}"], 1)
        for reason in (
            ExclusionReason.CLASS_NOT_CANDIDATE,
            ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT,
            ExclusionReason.COVERED_BY_OTHER_GROUP,
        )
    )
    assert sum(int(count) for _, count in counted.rows) == len(listed.rows)
