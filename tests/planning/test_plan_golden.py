"""Golden cases: each JSON file in golden/ is a planning case a domain expert can read and extend."""

import json
from pathlib import Path
from typing import Any

import pytest

from tekseru.planning import HalfYear, Plan, PlanningRules, PlanRow, form_plan

from .plan_factories import history_from_json, score_from_json

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))


def plan_of(case: dict[str, Any]) -> Plan:
    rules = PlanningRules(
        visit_frequency_limit_months=case["rules"]["visit_frequency_limit_months"],
        candidate_classes=frozenset(case["rules"]["candidate_classes"]),
    )
    return form_plan(
        HalfYear.parse(case["half_year"]),
        [score_from_json(row) for row in case["scores"]],
        [history_from_json(row) for row in case["histories"]],
        rules,
        case["capacity"],
    )


def row_as_expected(row: PlanRow, expected: dict[str, Any]) -> dict[str, Any]:
    actual = {
        "rank": row.rank,
        "subject_id": row.subject_id,
        "groups": list(row.groups),
        "planned_month": row.planned_month,
        "score": row.score,
        "main_reasons": list(row.main_reasons),
    }
    return {key: actual[key] for key in expected}


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_golden_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    plan = plan_of(case)
    expected = case["expected"]
    for section in ("included", "overflow"):
        rows = getattr(plan, section)
        assert [
            row_as_expected(row, want) for row, want in zip(rows, expected[section], strict=False)
        ] == expected[section], section
        assert len(rows) == len(expected[section]), section
    excluded = [
        {
            "subject_id": row.subject_id,
            "group": row.group,
            "reason": row.reason.value,
            **({"covered_by_rank": row.covered_by_rank} if row.covered_by_rank is not None else {}),
        }
        for row in plan.excluded
    ]
    assert excluded == expected["excluded"]
