import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tekseru.catalog.schema import ClassBound, MethodologyFile
from tekseru.planning import PlanningInputError, PlanningRules, form_plan

from .plan_factories import H1_2027, RULES, history, score

METHODOLOGY = Path(__file__).parents[2] / "src/tekseru/catalog/data/editions/2022-29983/methodology.yaml"


@dataclass
class StubEdition:
    """The two things `PlanningRules.from_edition` reads from a catalogue edition."""

    parameters: dict[str, float | int | str | bool]
    class_bounds: tuple[ClassBound, ...] = field(default_factory=tuple)

    def value(self, key: str) -> float | int | str | bool:
        return self.parameters[key]


def bounds(*candidates: str) -> tuple[ClassBound, ...]:
    return tuple(
        ClassBound(risk_class=name, above=above, up_to=up_to, candidate_for_visit=name in candidates)
        for name, above, up_to in (("low", None, 30), ("medium", 30, 70), ("high", 70, 100))
    )


def test_rules_come_from_the_edition_not_from_code() -> None:
    edition = StubEdition({"visit_frequency_limit_months": 18}, bounds("high"))
    rules = PlanningRules.from_edition(edition)
    assert rules == PlanningRules(visit_frequency_limit_months=18, candidate_classes=frozenset({"high"}))


def test_rules_of_the_packaged_methodology() -> None:
    methodology = MethodologyFile.model_validate(yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8")))
    parameters = {parameter.key: parameter.value for parameter in methodology.parameters}
    rules = PlanningRules.from_edition(StubEdition(parameters, methodology.class_bounds))
    assert rules.visit_frequency_limit_months == parameters["visit_frequency_limit_months"]
    assert rules.candidate_classes == {
        b.risk_class for b in methodology.class_bounds if b.candidate_for_visit
    }


@pytest.mark.parametrize("months", [12.5, True, "12", -1])
def test_frequency_limit_must_be_whole_months(months: object) -> None:
    with pytest.raises(PlanningInputError, match="visit_frequency_limit_months"):
        PlanningRules.from_edition(StubEdition({"visit_frequency_limit_months": months}, bounds()))  # type: ignore[dict-item]


def test_whole_float_months_are_accepted() -> None:
    rules = PlanningRules.from_edition(StubEdition({"visit_frequency_limit_months": 12.0}, bounds()))
    assert rules.visit_frequency_limit_months == 12
    assert rules.candidate_classes == frozenset()


def test_two_scores_for_one_subject_group_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="two scores"):
        form_plan(H1_2027, [score("a"), score("a", 50)], [], RULES)


def test_a_subject_must_look_the_same_in_all_its_groups() -> None:
    scores = [score("a", region="Astana"), score("a", group="home_care", region="Shymkent")]
    with pytest.raises(PlanningInputError, match="different BIN, name, region or address"):
        form_plan(H1_2027, scores, [], RULES)


def test_two_histories_for_one_subject_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="two visit histories"):
        form_plan(H1_2027, [score("a")], [history("a"), history("a")], RULES)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_score_must_be_a_number(value: float) -> None:
    with pytest.raises(PlanningInputError, match="score of"):
        form_plan(H1_2027, [score("a", value, risk_class="high")], [], RULES)


def test_violation_counts_cannot_be_negative() -> None:
    with pytest.raises(PlanningInputError, match="negative"):
        form_plan(H1_2027, [score("a", gross=-1)], [], RULES)


@pytest.mark.parametrize("visits", [-1, 1.5, True])
def test_capacity_must_be_whole_visits(visits: object) -> None:
    with pytest.raises(PlanningInputError, match="capacity of 'Astana'"):
        form_plan(H1_2027, [score("a")], [], RULES, {"Astana": visits})  # type: ignore[dict-item]


def test_histories_of_subjects_without_scores_are_ignored() -> None:
    plan = form_plan(H1_2027, [score("a")], [history("nobody")], RULES)
    assert [row.subject_id for row in plan.included] == ["a"]


def test_the_planners_checks_are_said_in_the_readers_language() -> None:
    from tekseru.i18n import say_error  # the interfaces' side says the core's refusals

    refusals = []
    for run in (
        lambda: form_plan(H1_2027, [score("a"), score("a", 50)], [], RULES),
        lambda: form_plan(H1_2027, [score("a", math.nan)], [], RULES),
        lambda: form_plan(H1_2027, [score("a")], [history("a"), history("a")], RULES),
        lambda: form_plan(H1_2027, [score("a")], [], RULES, capacity={"Astana": -1}),
    ):
        with pytest.raises(PlanningInputError) as refused:
            run()
        refusals.append(refused.value)
    said = {language: [say_error(language, error) for error in refusals] for language in ("kk", "ru")}
    assert said["kk"][0].startswith("a субъектісінің") and "екі бағасы бар" in said["kk"][0]
    assert "две оценки" in said["ru"][0] and "не является числом" in said["ru"][1]
    assert "екі бару тарихы" in said["kk"][2] and "Astana өңірінің мүмкіндігі" in said["kk"][3]
    for kk, ru, error in zip(said["kk"], said["ru"], refusals, strict=True):
        assert kk != str(error) and ru != str(error) and kk != ru
