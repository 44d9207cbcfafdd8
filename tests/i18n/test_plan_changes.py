"""What changed between two lists, said in the reader's language: no English field names, no keys."""

from __future__ import annotations

import re

import pytest

from tekseru.i18n.plan_changes import Naming, change_detail, change_lines
from tekseru.planning import diff_plans, form_plan
from tests.planning.plan_factories import H1_2027, RULES, score

NAMING = Naming(
    region=lambda key, language: {"kk": "Астана қаласы", "ru": "город Астана", "en": "Astana"}[language],
    group=lambda key, language: {"kk": "Стационар", "ru": "Стационар", "en": "Stationary"}[language],
)
ENGLISH = re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_moved_row_and_an_added_row_speak_the_reader_s_language(language: str) -> None:
    before = form_plan(H1_2027, (score("a", 90), score("b", 60), score("c", 50)), (), RULES, {"Astana": 2})
    after = form_plan(H1_2027, (score("a", 90), score("b", 100, gross=1), score("c", 50)), (), RULES, None)
    diff = diff_plans(before, after)
    moved = {row.current.subject_id: change_lines(row, language, NAMING) for row in diff.moved}
    (added,) = diff.added
    detail = change_detail(added, language, NAMING)
    said = [*moved["b"], *moved["a"], detail]
    assert not [line for line in said if ENGLISH.search(line)], said
    assert any("2 → 1" in line for line in moved["b"])
    assert "балл 60,00 → 100,00" in moved["b"]
    assert ("Астана" in detail) and ("3" in detail)
    if language == "ru":
        assert "место 2 → 1" in moved["b"]
        assert "степень риска средняя → высокая" in moved["b"]
        assert detail == "сверх возможностей региона город Астана (строка 3)"


def test_the_english_lines_keep_their_meaning() -> None:
    before = form_plan(H1_2027, (score("a", 90), score("b", 60)), (), RULES, None)
    after = form_plan(H1_2027, (score("a", 90), score("b", 100, gross=1)), (), RULES, None)
    moved = {
        row.current.subject_id: change_lines(row, "en", NAMING) for row in diff_plans(before, after).moved
    }
    assert "rank 2 → 1" in moved["b"] and "gross violations 0 → 1" in moved["b"]
    assert moved["a"][-1] == "other subjects joined, left or moved on the list"
