"""A small registry and assessment runs for the tests of semi-annual lists (services and CLI).

The packaged 2022 edition is used: `stationary_care` and `home_care` are high risk by objective criteria,
`access_other_objects` is not. Criteria 7, 8 are gross; 1, 2, 3 significant; 5, 11 minor.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from tekseru.catalog.identifiers import demo_bins
from tekseru.planning import VisitHistory
from tekseru.services.permissions import Actor
from tekseru.store import AssessmentResultData, Database, SubjectData
from tekseru.store.assessments import add_results, finish_run, start_run
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects

EDITION_ID = "2022-29983"
SYSTEM = Actor.system()  # every permission: the tests of the lists themselves, not of who may read them
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BINS = list(demo_bins(20, prefix="2001400"))


@dataclass(frozen=True)
class Subject:
    index: int
    region: str
    group: str

    @property
    def bin(self) -> str:
        return BINS[self.index]

    @property
    def name(self) -> str:
        return f"«Қамқор-{self.index}» КММ"


# The registry: (index, region key, group).
SUBJECTS = (
    Subject(0, "astana", "stationary_care"),
    Subject(1, "astana", "stationary_care"),
    Subject(2, "almaty_city", "home_care"),
    Subject(3, "astana", "access_other_objects"),
    Subject(4, "astana", "stationary_care"),
    Subject(5, "shymkent", "stationary_care"),
)

# Scores of the first run: index -> (score, class, violated criteria).
FIRST_RUN = {
    0: (100.0, "high", (8, 1, 5, 7)),
    1: (60.0, "medium", (2, 11)),
    2: (45.0, "medium", (3,)),
    3: (90.0, "high", (7,)),
    4: (20.0, "low", (11,)),
    5: (80.0, "high", (1, 2)),
}


def add_registry(db: Database, subjects: Sequence[Subject] = SUBJECTS) -> dict[int, int]:
    """Store the subjects; their ids by index."""
    rows = [SubjectData(s.bin, s.name, s.region, f"{s.region}, көше {s.index}", (s.group,)) for s in subjects]
    with db.transaction() as session:
        upsert_subjects(session, rows, now=NOW)
        ids = subject_ids_by_bin(session, [s.bin for s in subjects])
    return {s.index: ids[s.bin] for s in subjects}


def add_run(
    db: Database,
    ids: dict[int, int],
    scores: Mapping[int, tuple[float, str, tuple[int, ...]]],
    *,
    as_of: date = date(2026, 11, 15),
    started: datetime = NOW,
) -> uuid.UUID:
    """A finished assessment run with these results (the subject's group from SUBJECTS)."""
    group = {s.index: s.group for s in SUBJECTS}
    results = [
        AssessmentResultData(
            subject_id=ids[index],
            group_key=group[index],
            score=score,
            risk_class=risk_class,
            significant_part=0.0,
            minor_part=0.0,
            gross_found=0,
            violated_criteria=violated,
        )
        for index, (score, risk_class, violated) in scores.items()
    ]
    with db.transaction() as session:
        run = start_run(
            session,
            as_of=as_of,
            edition_id=EDITION_ID,
            inputs_fingerprint=uuid.uuid4().hex,
            subjects_total=len(results),
            now=started,
        )
        add_results(session, run.id, results)
        finish_run(session, run.id, now=started + timedelta(minutes=1))
    return run.id


def add_assessed_registry(db: Database) -> dict[int, int]:
    """The registry assessed by FIRST_RUN; the subjects' ids by index."""
    ids = add_registry(db)
    add_run(db, ids, FIRST_RUN)
    return ids


def no_history(session: Session) -> Mapping[int, VisitHistory]:
    """Visit histories in which no subject was ever visited."""
    return {}
