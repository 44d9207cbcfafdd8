"""The plain per-subject Python loop: how one would score subjects without a vectorised core.

It is written the straightforward way on purpose (rows as dicts, date objects, sets per subject), as a
service reading evidence rows from a database would do it, so the benchmark compares the bulk core with
an honest alternative rather than with a strawman. It follows the same rules as tekseru.scoring.engine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np

from tekseru.scoring.columns import NEVER_USED, from_day_number
from tekseru.scoring.rules import ScoringRules

Row = dict[str, Any]


def sample_rows(data: Any, subject_groups: int) -> dict[int, list[Row]]:
    """The evidence of subject-groups 0..subject_groups-1 as dict rows grouped by subject-group (not timed).

    Sampling whole subject-groups, not the first records, keeps the records-per-subject ratio of the full
    data set, so the per-subject overhead of the loop weighs as much as it would in a full run.
    """
    columns = data.evidence
    indices = np.flatnonzero(columns.subject_group < subject_groups)
    days = {int(day): from_day_number(int(day)) for day in np.unique(columns.observed_on[indices])}
    grouped: dict[int, list[Row]] = defaultdict(list)
    for index in indices.tolist():
        used = int(columns.used_on[index])
        confirmed = int(columns.confirmed[index])
        grouped[int(columns.subject_group[index])].append(
            {
                "id": index,
                "criterion": int(columns.criterion[index]),
                "source_group": int(columns.source_group[index]),
                "observed_on": days[int(columns.observed_on[index])],
                "confirmed": None if confirmed < 0 else bool(confirmed),
                "used_on": None if used == NEVER_USED else from_day_number(used),
            }
        )
    return grouped


class Group:
    """A homogeneous group as one would load it once from the catalogue: rows and applicable counts."""

    def __init__(self, criteria: dict[int, tuple[str, int]]) -> None:
        self.criteria = criteria  # {criterion: (severity, source group)}
        severities = [severity for severity, _ in criteria.values()]
        self.significant = severities.count("significant")
        self.minor = severities.count("minor")


def load_groups(matrix: Any) -> list[Group]:
    codes = {1: "gross", 2: "significant", 3: "minor"}
    return [
        Group(
            {
                int(number): (codes[int(matrix.severity[number])], int(matrix.source_group[number]))
                for number in np.flatnonzero(row)
            }
        )
        for row in matrix.applicable
    ]


def score_subject(
    rules: ScoringRules, group: Group, rows: list[Row], as_of: date, start: date
) -> tuple[float, str]:
    criteria = group.criteria
    found: set[int] = set()
    complaints: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["observed_on"] > as_of or row["observed_on"] < start:
            continue
        if not rules.reuse_evidence_used_for_visit and row["used_on"] is not None and row["used_on"] <= as_of:
            continue
        if row["criterion"] not in criteria:
            continue
        complaint_group = rules.complaint_source_group
        if row["source_group"] == complaint_group or criteria[row["criterion"]][1] == complaint_group:
            if row["confirmed"] is True:
                complaints[row["criterion"]] += 1
            continue
        found.add(row["criterion"])
    for criterion, count in complaints.items():
        if count >= rules.complaint_threshold:
            found.add(criterion)
    return _score(rules, group, found)


def _score(rules: ScoringRules, group: Group, found: set[int]) -> tuple[float, str]:
    severities = [group.criteria[c][0] for c in found]
    if "gross" in severities:
        score = rules.gross_violation_score
    else:
        score = 0.0
        if group.significant:
            share = severities.count("significant") / group.significant
            score += share * rules.score_scale * rules.significant_weight
        if group.minor:
            score += severities.count("minor") / group.minor * rules.score_scale * rules.minor_weight
    score = math.floor(score * 100 + 0.5) / 100  # half up, as the act's scores are rounded
    for bound in rules.class_bounds:
        if score <= bound.up_to:
            return score, bound.risk_class
    return score, rules.class_bounds[-1].risk_class


def score_all(
    rules: ScoringRules, groups: list[Group], group_of: Any, rows: dict[int, list[Row]], as_of: date
) -> dict[int, tuple[float, str]]:
    """Score every subject-group that has evidence rows, one after another."""
    start = rules.period_start(as_of)
    return {
        subject_group: score_subject(rules, groups[int(group_of[subject_group])], subject_rows, as_of, start)
        for subject_group, subject_rows in rows.items()
    }
