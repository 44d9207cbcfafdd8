"""The golden cases of golden/cases.csv (see golden/README.md), through the engine and the bulk core."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tekseru.scoring import EvidenceFact, GroupProfile, IgnoreReason, score_bulk, score_group
from tests.scoring.support import columns_for, matrix_of, profile, rules_2022

GOLDEN = Path(__file__).parent / "golden"


def _read(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _numbers(ranges: str) -> list[int]:
    numbers: list[int] = []
    for part in ranges.split():
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def _profiles() -> dict[str, GroupProfile]:
    criteria = {
        int(row["number"]): (row["severity"], int(row["source_group"])) for row in _read("criteria.csv")
    }
    return {
        row["group"]: profile(row["group"], ((n, *criteria[n]) for n in _numbers(row["applicable"])))
        for row in _read("groups.csv")
    }


def _evidence(text: str) -> list[EvidenceFact]:
    """`criterion g<source> <date> [confirmed|unconfirmed] [used <date>]`, separated by `;`."""
    facts = []
    for evidence_id, piece in enumerate(filter(None, (p.strip() for p in text.split(";"))), start=1):
        words = piece.split()
        criterion, source, observed = (
            int(words[0]),
            int(words[1].removeprefix("g")),
            date.fromisoformat(words[2]),
        )
        rest = words[3:]
        confirmed = (
            {"confirmed": True, "unconfirmed": False}.get(rest[0]) if rest and rest[0] != "used" else None
        )
        used = date.fromisoformat(rest[rest.index("used") + 1]) if "used" in rest else None
        facts.append(EvidenceFact(evidence_id, criterion, source, observed, confirmed, used))
    return facts


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    as_of: date
    evidence: list[EvidenceFact]
    score: float
    risk_class: str
    counted: tuple[int, ...]
    ignored: tuple[tuple[int, IgnoreReason], ...]


def _cases() -> list[Case]:
    cases = []
    for row in _read("cases.csv"):
        ignored = (item.split(":") for item in row["ignored"].split())
        cases.append(
            Case(
                name=row["case"],
                group=row["group"],
                as_of=date.fromisoformat(row["as_of"]),
                evidence=_evidence(row["evidence"]),
                score=float(row["score"]),
                risk_class=row["class"],
                counted=tuple(int(n) for n in row["counted"].split()),
                ignored=tuple((int(number), IgnoreReason(reason)) for number, reason in ignored),
            )
        )
    return cases


CASES = _cases()
PROFILES = _profiles()


def test_the_golden_table_is_not_empty_and_names_are_unique() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_engine_gives_the_golden_result(case: Case) -> None:
    result = score_group(rules_2022(), PROFILES[case.group], case.evidence, case.as_of)
    assert (result.score, result.risk_class.value) == (case.score, case.risk_class)
    assert result.counted_criteria == case.counted
    assert tuple((item.evidence_id, item.reason) for item in result.ignored) == case.ignored


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bulk_gives_the_golden_result(case: Case) -> None:
    matrix = matrix_of(list(PROFILES.values()))
    group_of = [matrix.index(case.group)]
    result = score_bulk(rules_2022(), matrix, group_of, columns_for([case.evidence]), case.as_of)
    assert (float(result.score[0]), result.class_of(0).value) == (case.score, case.risk_class)
    assert result.counted_criteria(0) == case.counted
