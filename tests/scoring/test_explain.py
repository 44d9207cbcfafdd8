"""Explanations of a score in Kazakh, Russian and English."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tekseru.catalog.schema import Severity
from tekseru.i18n import explain_words
from tekseru.scoring import (
    EvidenceFact,
    IgnoreReason,
    RiskClass,
    explain,
    normalise_group_scores,
    score_group,
)
from tekseru.scoring.phrases import EXPLAIN_WORDS
from tests.scoring.support import AS_OF, fact, profile, rules, rules_2022

PROFILE = profile(
    "stationary",
    [(1, "gross", 1), (3, "significant", 1), (4, "significant", 2), (6, "significant", 4), (7, "minor", 1)]
    + [(n, "minor", 3) for n in (8, 9, 10, 11)],
)
TEXTS = {1: "Gross row", 3: "Row three", 7: "Row seven"}
EVIDENCE = [
    fact(1, 3),
    fact(2, 7),
    fact(3, 3),
    fact(4, 6, source_group=4, confirmed=True),
    fact(5, 12),
    fact(6, 4, observed_on=date(2022, 1, 1)),
]


def lines(language: Any, evidence: list[EvidenceFact] = EVIDENCE, texts: dict[int, str] = TEXTS) -> list[str]:
    return explain(score_group(rules_2022(), PROFILE, evidence, AS_OF), texts, explain_words(language))


def test_english() -> None:
    assert lines("en") == [
        "stationary, as of 2024-06-30: risk score 29.33, risk class low.",
        "Calculation: SP = SPs + SPm = 1 / 3 × 100 × 0.7 + 1 / 5 × 100 × 0.3 = 23.33 + 6.00 = 29.33.",
        "Criteria counted:",
        "- criterion 3 (significant): Row three (evidence No. 1, 3).",
        "- criterion 7 (minor): Row seven (evidence No. 2).",
        "Evidence not counted:",
        "- evidence 4 (criterion 6): fewer confirmed complaints on this criterion than the threshold "
        "(2 needed).",
        "- evidence 5 (criterion 12): the criterion does not apply to this group of controlled subjects.",
        "- evidence 6 (criterion 4): observed before the assessed period began (past its limitation period).",
    ]


def test_russian() -> None:
    assert lines("ru") == [
        "stationary, на 30.06.2024: балл риска 29,33, степень риска — низкая.",
        "Расчёт: SP = SPs + SPm = 1 / 3 × 100 × 0,7 + 1 / 5 × 100 × 0,3 = 23,33 + 6,00 = 29,33.",
        "Учтённые критерии:",
        "— критерий 3 (значительное нарушение): Row three (сведения № 1, 3).",
        "— критерий 7 (незначительное нарушение): Row seven (сведения № 2).",
        "Неучтённые сведения:",
        "— сведения № 4 (критерий 6): подтверждённых жалоб по этому критерию меньше порога "
        "(нужно не менее 2).",
        "— сведения № 5 (критерий 12): критерий не применяется к этой группе субъектов контроля.",
        "— сведения № 6 (критерий 4): выявлено до начала оцениваемого периода (истёк срок давности).",
    ]


def test_kazakh() -> None:
    assert lines("kk") == [
        "stationary, 30.06.2024 жағдай бойынша: тәуекел балы 29,33, тәуекел дәрежесі — төмен.",
        "Есептеу: SP = SPs + SPm = 1 / 3 × 100 × 0,7 + 1 / 5 × 100 × 0,3 = 23,33 + 6,00 = 29,33.",
        "Ескерілген өлшемшарттар:",
        "— 3-өлшемшарт (елеулі): Row three (мәлімет № 1, 3).",
        "— 7-өлшемшарт (болмашы): Row seven (мәлімет № 2).",
        "Ескерілмеген мәліметтер:",
        "— №4 мәлімет (6-өлшемшарт): осы өлшемшарт бойынша расталған шағымдар саны шектен аз "
        "(кемінде 2 қажет).",
        "— №5 мәлімет (12-өлшемшарт): өлшемшарт осы бақылау субъектілерінің тобына қолданылмайды.",
        "— №6 мәлімет (4-өлшемшарт): бағаланатын кезең басталғанға дейін анықталған (ескіру мерзімі өткен).",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "A gross violation was found, so the score is 100 points"),
        ("ru", "Выявлено грубое нарушение, поэтому балл риска равен 100"),
        ("kk", "Өрескел бұзушылық анықталды, сондықтан тәуекел балы 100 балға тең"),
    ],
)
def test_a_gross_violation_replaces_the_formula(language: str, expected: str) -> None:
    text = lines(language, [fact(1, 1), fact(2, 3)])
    assert text[1].startswith(expected)
    assert not any("SP =" in line for line in text)


def test_nothing_found_and_nothing_ignored() -> None:
    assert lines("en", [])[2:] == ["No criterion counted.", "All evidence counted."]
    assert lines("ru", [])[2:] == ["Ни один критерий не учтён.", "Неучтённых сведений нет."]
    assert lines("kk", [])[2:] == ["Бірде-бір өлшемшарт ескерілмеді.", "Ескерілмеген мәліметтер жоқ."]


def test_a_missing_criterion_text_is_said_so() -> None:
    assert "(significant): no text available (evidence No. 1)" in lines("en", [fact(1, 3)], {})[3]


def test_a_group_without_significant_rows_says_why_the_part_is_zero() -> None:
    minor_only = profile("access", [(7, "minor", 1)])
    text = explain(
        score_group(rules_2022(), minor_only, [fact(1, 7)], AS_OF),
        {},
        explain_words("en"),
        group_title="Access",
    )
    assert text[0] == "Access, as of 2024-06-30: risk score 30.00, risk class low."
    assert text[1] == "Calculation: SP = SPs + SPm = 0 + 1 / 1 × 100 × 0.3 = 0.00 + 30.00 = 30.00."
    assert text[2] == "No significant criterion applies to the group, so SPs = 0."


def test_weighted_counts_show_their_fractions() -> None:
    weighted = rules(criterion_weights={3: 1.5})
    text = explain(score_group(weighted, PROFILE, [fact(1, 3)], AS_OF), {}, explain_words("ru"))
    assert "SP = SPs + SPm = 1,5 / 3,5 × 100 × 0,7 + 0 / 5 × 100 × 0,3 = 30,00 + 0,00 = 30,00" in text[1]


def test_normalisation_is_shown() -> None:
    min_max = rules(normalisation="min_max")
    scores = [score_group(min_max, PROFILE, facts, AS_OF) for facts in ([fact(1, 7)], [fact(1, 3)], [])]
    text = explain(normalise_group_scores(scores, min_max)[0], {}, explain_words("en"))
    assert text[0].endswith("risk score 25.71, risk class low.")
    assert text[2] == (
        "Normalised within the homogeneous group: "
        "R = (R' − R'min) / (R'max − R'min) × 100 = (6.00 − 0.00) / (23.33 − 0.00) × 100 = 25.71."
    )


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        lines("de")


def test_words_lacking_a_phrase_are_refused() -> None:
    words = dict(explain_words("en"))
    words["explain.already_used"] = ""
    with pytest.raises(ValueError, match=r"lack explain\.already_used"):
        explain(score_group(rules_2022(), PROFILE, EVIDENCE, AS_OF), TEXTS, words)


def test_every_language_has_every_phrase() -> None:
    keys = set(EXPLAIN_WORDS)
    needed = {reason.value for reason in IgnoreReason} | {risk.value for risk in RiskClass}
    needed |= {f"{level.value}_severity" for level in Severity}
    assert {f"explain.{key}" for key in needed} <= keys
    for language in ("kk", "ru", "en"):
        phrases = explain_words(language)
        assert set(phrases) == keys, language
        assert all(text.strip() for text in phrases.values()), language
        reasons = [phrases[f"explain.{reason.value}"] for reason in IgnoreReason]
        assert len(set(reasons)) == len(reasons), language
