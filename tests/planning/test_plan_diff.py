from datetime import date

from tekseru.planning import (
    DiffReason,
    ExclusionReason,
    FieldChange,
    Plan,
    VisitHistory,
    diff_plans,
    form_plan,
)
from tekseru.planning.inputs import CandidateScore

from .plan_factories import H1_2027, RULES, history, score


def plan(
    *scores: CandidateScore, histories: tuple[VisitHistory, ...] = (), capacity: dict[str, int] | None = None
) -> Plan:
    return form_plan(H1_2027, scores, histories, RULES, capacity)


def test_the_same_plan_has_no_differences() -> None:
    same = plan(score("a", 90), score("b", 80))
    assert diff_plans(same, same).is_empty


def test_a_new_subject_is_added() -> None:
    diff = diff_plans(plan(score("a", 90)), plan(score("a", 90), score("b", 95)))
    (added,) = diff.added
    assert (added.row.subject_id, added.row.rank, added.reason) == ("b", 1, DiffReason.NEW_SUBJECT)
    assert diff.removed == ()


def test_a_subject_added_after_being_excluded_shows_its_old_reason() -> None:
    before = plan(score("a", 90), score("b", 25))
    after = plan(score("a", 90), score("b", 75))
    (added,) = diff_plans(before, after).added
    assert added.reason is DiffReason.WAS_EXCLUDED
    assert added.exclusions == (ExclusionReason.CLASS_NOT_CANDIDATE,)
    (excluded,) = added.excluded
    assert (excluded.reason, excluded.risk_class, added.beyond) == (
        ExclusionReason.CLASS_NOT_CANDIDATE,
        "low",
        None,
    )


def test_a_subject_added_from_beyond_capacity() -> None:
    before = plan(score("a", 90), score("b", 80), capacity={"Astana": 1})
    after = plan(score("a", 90), score("b", 80), capacity={"Astana": 2})
    (added,) = diff_plans(before, after).added
    assert (added.row.subject_id, added.reason) == ("b", DiffReason.WAS_BEYOND_CAPACITY)
    assert added.beyond is not None and (added.beyond.rank, added.excluded) == (2, ())


def test_a_removed_subject_shows_why_it_is_now_excluded() -> None:
    before = plan(score("a", 90), score("b", 80), score("b", 50, group="home"))
    after = plan(
        score("a", 90),
        score("b", 80),
        score("b", 50, group="home"),
        histories=(history("b", date(2026, 8, 1)),),
    )
    diff = diff_plans(before, after)
    (removed,) = diff.removed
    assert (removed.row.subject_id, removed.row.rank, removed.reason) == ("b", 2, DiffReason.NOW_EXCLUDED)
    assert removed.exclusions == (ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT,)
    assert {(row.group, row.reason) for row in removed.excluded} == {
        ("stationary", ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT),
        ("home", ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT),
    }


def test_a_removed_subject_beyond_capacity_or_no_longer_assessed() -> None:
    before = plan(score("a", 90), score("b", 80), score("c", 70))
    after = plan(score("a", 90), score("b", 80), capacity={"Astana": 1})
    reasons = {row.row.subject_id: row.reason for row in diff_plans(before, after).removed}
    assert reasons == {"b": DiffReason.NOW_BEYOND_CAPACITY, "c": DiffReason.NO_LONGER_ASSESSED}


def test_a_subject_whose_score_rose_moves_up_with_the_reason() -> None:
    before = plan(score("a", 90), score("b", 60))
    after = plan(score("a", 90), score("b", 100, gross=1))
    moved = {row.current.subject_id: row for row in diff_plans(before, after).moved}
    assert set(moved) == {"a", "b"}
    changes = {change.field: (change.before, change.after) for change in moved["b"].changes}
    assert changes["rank"] == (2, 1)
    assert changes["score"] == (60, 100)
    assert changes["risk_class"] == ("medium", "high")
    assert changes["gross_count"] == (0, 1)
    assert not moved["b"].others_moved
    assert moved["a"].changes == (FieldChange("rank", 1, 2), FieldChange("planned_month", 1, 4))
    assert moved["a"].others_moved


def test_a_month_change_alone_is_a_move() -> None:
    before = plan(score("a", 90), score("b", 80))
    after = plan(score("a", 90), score("b", 80), score("c", 70))
    diff = diff_plans(before, after)
    assert [row.row.subject_id for row in diff.added] == ["c"]
    ((moved),) = diff.moved
    assert (moved.current.subject_id, moved.previous.planned_month, moved.current.planned_month) == (
        "b",
        4,
        3,
    )
    assert moved.changes[0] == FieldChange("planned_month", 4, 3)
