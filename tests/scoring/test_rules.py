"""ScoringRules and GroupProfile read everything from a catalogue edition and refuse inconsistent values."""

from __future__ import annotations

from datetime import date

import pytest

from tekseru.catalog.schema import ControlGroup, Criterion, MethodologyFile, Parameter, Severity, Text
from tekseru.scoring import GroupProfile, MethodologyError, ProfileCriterion, ScoringRules
from tekseru.scoring.period import months_before
from tests.scoring.support import bounds, edition_with, methodology_2022, rules, text


def with_parameters(**values: object) -> MethodologyFile:
    """The 2022 methodology with some parameter values replaced or added."""
    base = methodology_2022()
    parameters = [p for p in base.parameters if p.key not in values]
    parameters += [
        Parameter(key=key, value=value, description="test", source_act="test", source_reference="test")  # type: ignore[arg-type]
        for key, value in values.items()
    ]
    return base.model_copy(update={"parameters": tuple(parameters)})


def test_rules_take_every_number_from_the_2022_methodology() -> None:
    rules = ScoringRules.from_edition(edition_with(methodology_2022()))
    assert rules.gross_violation_score == 100
    assert rules.score_scale == 100
    assert (rules.significant_weight, rules.minor_weight) == (0.7, 0.3)
    assert (rules.complaint_source_group, rules.complaint_threshold) == (4, 2)
    assert rules.lookback_months == 12
    assert rules.reuse_evidence_used_for_visit is False
    assert rules.normalisation == "none"
    assert dict(rules.criterion_weights) == {}
    assert [(b.risk_class, b.above, b.up_to) for b in rules.class_bounds] == [
        ("low", None, 30),
        ("medium", 30, 70),
        ("high", 70, 100),
    ]


def test_a_new_edition_changes_numbers_without_code() -> None:
    methodology = with_parameters(
        significant_weight=0.6,
        minor_weight=0.4,
        complaint_threshold=3,
        normalisation="min_max",
        **{"criterion_weight.12": 2.5, "criterion_weight.7": 0.5},
    )
    rules = ScoringRules.from_edition(edition_with(methodology))
    assert (rules.significant_weight, rules.minor_weight, rules.complaint_threshold) == (0.6, 0.4, 3)
    assert rules.normalisation == "min_max"
    assert dict(rules.criterion_weights) == {12: 2.5, 7: 0.5}
    assert (rules.weight(12), rules.weight(7), rules.weight(1)) == (2.5, 0.5, 1.0)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("significant_weight", "0.7"),
        ("complaint_threshold", 2.5),
        ("reuse_evidence_used_for_visit", "no"),
        ("normalisation", "z_score"),
        ("criterion_weight.x", 1.0),
        ("gross_violation_score", True),
    ],
)
def test_a_parameter_of_the_wrong_kind_is_refused(key: str, value: object) -> None:
    with pytest.raises(MethodologyError):
        ScoringRules.from_edition(edition_with(with_parameters(**{key: value})))


def test_a_missing_parameter_is_named() -> None:
    base = methodology_2022()
    methodology = base.model_copy(
        update={"parameters": tuple(p for p in base.parameters if p.key != "lookback_months")}
    )
    with pytest.raises(LookupError, match="lookback_months"):
        ScoringRules.from_edition(edition_with(methodology))


def test_class_bounds_must_be_contiguous() -> None:
    with pytest.raises(MethodologyError, match="contiguous"):
        rules(class_bounds=bounds(("low", None, 30), ("high", 40, 100)))
    with pytest.raises(MethodologyError, match="lowest"):
        rules(class_bounds=bounds(("low", 0, 30), ("high", 30, 100)))


def test_class_bounds_are_kept_in_ascending_order() -> None:
    shuffled = bounds(("high", 70, 100), ("low", None, 30), ("medium", 30, 70))
    assert [b.risk_class for b in rules(class_bounds=shuffled).class_bounds] == ["low", "medium", "high"]


def test_weights_cannot_be_negative_or_changed_later() -> None:
    with pytest.raises(MethodologyError):
        rules(criterion_weights={3: -1.0})
    weights = {3: 2.0}
    frozen = rules(criterion_weights=weights)
    weights[3] = 5.0
    assert frozen.weight(3) == 2.0
    with pytest.raises(TypeError):
        frozen.criterion_weights[3] = 1.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 6, 30), 12, date(2023, 6, 30)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2024, 1, 15), 1, date(2023, 12, 15)),
        (date(2024, 5, 5), 0, date(2024, 5, 5)),
        (date(2024, 5, 31), 18, date(2022, 11, 30)),
    ],
)
def test_period_start_counts_calendar_months(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected
    assert rules(lookback_months=months).period_start(day) == expected


def test_group_profile_from_an_edition() -> None:
    criteria = [
        Criterion(number=1, source_group=1, severity=Severity.GROSS, text=text("one")),
        Criterion(number=2, source_group=4, severity=Severity.SIGNIFICANT, text=text("two")),
        Criterion(number=3, source_group=2, severity=Severity.MINOR, text=text("three")),
    ]
    group = ControlGroup(
        key="home_care",
        name=text("Home care"),
        checklist_appendix=4,
        objective_high_risk=True,
        objective_basis=text("basis"),
        applicable_criteria=(3, 1),
        reasoning=Text(kk="сынақ", ru="тест", en="test"),
    )
    profile = GroupProfile.from_edition(edition_with(methodology_2022(), criteria, [group]), "home_care")
    assert profile.group == "home_care"
    assert profile.criteria == (
        ProfileCriterion(1, Severity.GROSS, 1),
        ProfileCriterion(3, Severity.MINOR, 2),
    )
    assert profile.get(2) is None
    assert profile.numbers(Severity.MINOR) == (3,)


def test_a_profile_cannot_list_a_criterion_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        GroupProfile.of("g", [(1, Severity.MINOR, 1), (1, Severity.MINOR, 1)])
