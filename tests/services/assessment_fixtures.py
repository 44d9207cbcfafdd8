"""A small hand-made registry for the assessment tests, on the packaged 2022 edition (as of 2024-07-01).

The assessed period is 2023-07-01 to 2024-07-01 (12 months); a complaint row counts at two confirmed
complaints. Criteria used (severity, source group, groups):
3 significant, 1 (stationary, home, temporary); 4 and 6 significant, 1 (same); 9 significant, 1
(stationary only); 25 minor, 1 (home only); 23 gross, 1 (home only); 73 significant, 2; 86 significant,
4 (a complaint row); 1 significant and 5 minor, 1 (local executive body; 5 also the providers).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from tekseru.catalog.identifiers import demo_bins
from tekseru.store import Database, EvidenceData, SubjectData
from tekseru.store.evidence import evidence_for_subjects, mark_used, upsert_evidence
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects

AS_OF = date(2024, 7, 1)
NOW = datetime(2024, 7, 2, 9, 0, tzinfo=UTC)
BINS = list(demo_bins(300, prefix="1801400"))


@dataclass(frozen=True)
class Fact:
    """One evidence record of the fixture; `used_on` is set with `mark_used` after it is stored."""

    key: str
    subject: int
    criterion: int
    source_group: int
    observed_on: date
    confirmed: bool | None = None
    used_on: date | None = None


SUBJECTS = (
    SubjectData(BINS[0], "«Мейірім» КММ", "astana", "Астана, 1", ("stationary_care", "home_care")),
    SubjectData(BINS[1], "«Шапағат» ЖШС", "almaty_city", "Алматы, 2", ("stationary_care",)),
    SubjectData(BINS[2], "Астана қаласының бөлімі", "astana", "Астана, 3", ("local_executive_body",)),
    SubjectData(BINS[3], "«Үміт» ЖШС", "shymkent", "Шымкент, 4", ("home_care",)),
    SubjectData(BINS[4], "«Нұр» ЖШС", "abai", "Семей, 5", ("stationary_care",)),
)

FACTS = (
    # Subject 0, stationary and home care: every reason a record may not count.
    Fact("both_groups", 0, 3, 1, date(2024, 3, 1)),
    Fact("stationary_only", 0, 9, 1, date(2024, 3, 2)),
    Fact("home_only", 0, 25, 1, date(2024, 3, 3)),
    Fact("too_old", 0, 4, 1, date(2023, 1, 10)),
    Fact("after_as_of", 0, 6, 1, date(2024, 8, 1)),
    Fact("used", 0, 73, 2, date(2024, 2, 1), used_on=date(2024, 5, 1)),
    Fact("unconfirmed", 0, 86, 4, date(2024, 4, 1), confirmed=False),
    Fact("single_complaint", 0, 86, 4, date(2024, 4, 2), confirmed=True),
    # Subject 1, stationary care: two confirmed complaints count.
    Fact("complaint_a", 1, 86, 4, date(2024, 5, 1), confirmed=True),
    Fact("complaint_b", 1, 86, 4, date(2024, 5, 2), confirmed=True),
    Fact("minor", 1, 5, 1, date(2024, 1, 15)),
    # Subject 2, local executive body: 1 / 3 x 70 + 1 / 1 x 30.
    Fact("leb_significant", 2, 1, 1, date(2024, 6, 30)),
    Fact("leb_minor", 2, 5, 1, date(2023, 7, 1)),
    # Subject 3, home care: a gross violation.
    Fact("gross", 3, 23, 1, date(2024, 6, 1)),
)


@dataclass(frozen=True)
class Registry:
    subject_ids: list[int]
    evidence_ids: dict[str, int]


def add_registry(
    db: Database, subjects: Sequence[SubjectData] = SUBJECTS, facts: Sequence[Fact] = FACTS
) -> Registry:
    """Store the subjects and facts (in the order given); the ids they got."""
    with db.transaction() as session:
        upsert_subjects(session, list(subjects), now=NOW)
        ids = subject_ids_by_bin(session, [subject.bin for subject in subjects])
        subject_ids = [ids[subject.bin] for subject in subjects]
        upsert_evidence(
            session, [_data(fact, subject_ids) for fact in facts], entered_by="test", entered_at=NOW
        )
    evidence_ids = _evidence_ids(db, subject_ids, facts)
    with db.transaction() as session:
        for fact in facts:
            if fact.used_on is not None:
                mark_used(session, [evidence_ids[fact.key]], fact.used_on)
    return Registry(subject_ids, evidence_ids)


def _data(fact: Fact, subject_ids: Sequence[int]) -> EvidenceData:
    return EvidenceData(
        subject_id=subject_ids[fact.subject],
        criterion=fact.criterion,
        source_group=fact.source_group,
        observed_on=fact.observed_on,
        reference=f"ref {fact.key}",
        confirmed=fact.confirmed,
        origin=f"test:{fact.key}",
    )


def _evidence_ids(db: Database, subject_ids: Sequence[int], facts: Sequence[Fact]) -> dict[str, int]:
    with db.transaction() as session:
        records = evidence_for_subjects(session, subject_ids)
    by_origin = {record.origin: record.id for record in records}
    return {fact.key: by_origin[f"test:{fact.key}"] for fact in facts}


def add_evidence(db: Database, registry: Registry, *facts: Fact) -> dict[str, int]:
    """More evidence for subjects already stored; the ids of the new records."""
    with db.transaction() as session:
        data = [_data(fact, registry.subject_ids) for fact in facts]
        upsert_evidence(session, data, entered_by="test", entered_at=NOW + timedelta(days=1))
    return _evidence_ids(db, registry.subject_ids, facts)


def random_registry(seed: int, subjects: int = 40) -> tuple[list[SubjectData], list[Fact]]:
    """A seeded registry that stresses every rule: dates on the period's edges, uses, complaints in
    every state, criteria of other groups, subjects in one to three groups."""
    rng = random.Random(seed)
    groups = (
        "stationary_care",
        "home_care",
        "temporary_stay",
        "local_executive_body",
        "access_other_objects",
    )
    criteria = (1, 2, 3, 4, 5, 6, 7, 9, 11, 23, 25, 72, 73, 78, 79, 80, 85, 86, 87, 88)
    source = {72: 2, 73: 2, 78: 3, 79: 3, 80: 3, 85: 4, 86: 4, 87: 4, 88: 4}
    edges = (date(2023, 6, 30), date(2023, 7, 1), AS_OF, date(2024, 7, 2))
    registry = [
        replace(SUBJECTS[0], bin=BINS[100 + index], groups=tuple(rng.sample(groups, rng.randint(1, 3))))
        for index in range(subjects)
    ]
    facts = []
    for index in range(subjects * 6):
        subject, criterion = rng.randrange(subjects), rng.choice(criteria)
        observed = rng.choice(edges) if rng.random() < 0.2 else AS_OF - timedelta(days=rng.randint(0, 500))
        used = None if rng.random() < 0.8 else observed + timedelta(days=rng.randint(0, 400))
        confirmed = rng.choice((True, True, False, None))
        facts.append(
            Fact(f"r{index}", subject, criterion, source.get(criterion, 1), observed, confirmed, used)
        )
    return registry, facts
