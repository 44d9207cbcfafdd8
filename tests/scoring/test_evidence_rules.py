"""The one home of the evidence rules: each test holds for one record and for many, in the reasons' order."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tekseru.scoring import NEVER_USED, IgnoreReason, day_number
from tekseru.scoring.evidence_rules import (
    APPLICABLE,
    COMPLAINT_ROW,
    COUNTED,
    NOT_APPLICABLE,
    STATUS,
    TESTS,
    Judgement,
    OneRecord,
    cell_code,
    enough_complaints,
    ignore_reason,
    reason_of,
    statuses,
)
from tekseru.scoring.rules import ProfileCriterion
from tests.scoring.support import AS_OF, fact, rules

JUDGEMENT = Judgement.of(rules(), AS_OF)
COMPLAINTS = rules().complaint_source_group


def one(cell: int = APPLICABLE, **changes: int) -> OneRecord:
    fields = dict(
        cell=cell, source_group=1, observed_on=day_number(date(2024, 1, 10)), confirmed=-1, used_on=NEVER_USED
    )
    fields.update(changes)
    return OneRecord(**fields)  # type: ignore[arg-type]


def test_the_tests_run_in_the_order_of_the_reasons() -> None:
    assert [reason for reason, _ in TESTS] == list(IgnoreReason)[:-1]
    assert list(IgnoreReason)[-1] == IgnoreReason.BELOW_COMPLAINT_THRESHOLD  # needs all records, last
    assert [reason_of(code) for code in range(len(IgnoreReason) + 1)] == [None, *IgnoreReason]
    assert STATUS[IgnoreReason.AFTER_AS_OF] == 1 and COUNTED == 0


def test_each_rule_on_its_edge() -> None:
    as_of, start = JUDGEMENT.as_of, JUDGEMENT.period_start
    assert ignore_reason(one(observed_on=as_of), JUDGEMENT) is None
    assert ignore_reason(one(observed_on=as_of + 1), JUDGEMENT) == IgnoreReason.AFTER_AS_OF
    assert ignore_reason(one(observed_on=start), JUDGEMENT) is None
    assert ignore_reason(one(observed_on=start - 1), JUDGEMENT) == IgnoreReason.OUTSIDE_PERIOD
    assert ignore_reason(one(used_on=as_of), JUDGEMENT) == IgnoreReason.ALREADY_USED
    assert ignore_reason(one(used_on=as_of + 1), JUDGEMENT) is None  # used only after the as-of date
    reusing = Judgement.of(rules(reuse_evidence_used_for_visit=True), AS_OF)
    assert ignore_reason(one(used_on=as_of), reusing) is None
    assert ignore_reason(one(NOT_APPLICABLE), JUDGEMENT) == IgnoreReason.NOT_APPLICABLE_TO_GROUP
    # A complaint row is a complaint whatever source intake gave the record; only "confirmed" counts.
    for confirmed in (-1, 0):
        assert ignore_reason(one(COMPLAINT_ROW, confirmed=confirmed), JUDGEMENT) == (
            IgnoreReason.UNCONFIRMED_COMPLAINT
        )
        assert ignore_reason(one(source_group=COMPLAINTS, confirmed=confirmed), JUDGEMENT) == (
            IgnoreReason.UNCONFIRMED_COMPLAINT
        )
    assert ignore_reason(one(COMPLAINT_ROW, confirmed=1), JUDGEMENT) is None


def test_the_complaint_threshold() -> None:
    threshold = rules().complaint_threshold
    assert not enough_complaints(threshold - 1, JUDGEMENT)
    assert enough_complaints(threshold, JUDGEMENT)
    assert enough_complaints(np.array([threshold - 1, threshold]), JUDGEMENT).tolist() == [False, True]


def test_a_fact_is_encoded_with_its_row() -> None:
    row = ProfileCriterion(86, "significant", COMPLAINTS)  # type: ignore[arg-type]
    complaint = fact(1, 86, 1, AS_OF - timedelta(days=3), confirmed=True, used_on=AS_OF)
    record = OneRecord.of(complaint, row, JUDGEMENT)
    assert (record.cell, record.confirmed, record.used_on) == (COMPLAINT_ROW, 1, day_number(AS_OF))
    assert OneRecord.of(complaint, None, JUDGEMENT).cell == NOT_APPLICABLE
    applicable = np.array([[True, False], [True, True]])
    sources = np.array([COMPLAINTS, 1])
    assert cell_code(applicable, sources, JUDGEMENT).tolist() == [
        [COMPLAINT_ROW, NOT_APPLICABLE],
        [COMPLAINT_ROW, APPLICABLE],
    ]


class Many:
    """Records as arrays: the form the bulk scorer passes."""

    def __init__(self, records: list[OneRecord]) -> None:
        for name in ("cell", "source_group", "observed_on", "confirmed", "used_on"):
            setattr(self, name, np.array([getattr(record, name) for record in records], dtype=np.int64))


edge_days = st.sampled_from((-1, 0, 1)).flatmap(
    lambda shift: st.sampled_from((JUDGEMENT.as_of + shift, JUDGEMENT.period_start + shift))
)
records = st.builds(
    OneRecord,
    cell=st.sampled_from((NOT_APPLICABLE, APPLICABLE, COMPLAINT_ROW)),
    source_group=st.integers(1, 4),
    observed_on=st.one_of(edge_days, st.integers(JUDGEMENT.period_start - 60, JUDGEMENT.as_of + 60)),
    confirmed=st.sampled_from((-1, 0, 1)),
    used_on=st.one_of(st.just(NEVER_USED), edge_days),
)


@settings(deadline=None, max_examples=60)
@given(st.lists(records, max_size=20), st.booleans())
def test_one_record_and_many_get_the_same_verdict(batch: list[OneRecord], reuse: bool) -> None:
    judgement = Judgement.of(rules(reuse_evidence_used_for_visit=reuse), AS_OF)
    many = statuses(Many(batch), judgement)  # type: ignore[arg-type]
    assert [reason_of(int(code)) for code in many] == [ignore_reason(item, judgement) for item in batch]
