"""Plain values going into and coming out of the store; services never see ORM objects or sessions' rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SubjectData:
    """A subject as an import or a form gives it; `region` is a region key, `groups` control group keys."""

    bin: str
    name: str
    region: str
    address: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    id: int
    bin: str
    name: str
    region: str
    address: str
    groups: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceData:
    """One piece of evidence to store; `origin` says where it came from ("file.csv:12", "inspection:7")."""

    subject_id: int
    criterion: int
    source_group: int
    observed_on: date
    reference: str
    confirmed: bool | None
    origin: str

    @property
    def natural_key(self) -> tuple[int, int, int, date, str]:
        return (self.subject_id, self.criterion, self.source_group, self.observed_on, self.reference)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: int
    subject_id: int
    criterion: int
    source_group: int
    observed_on: date
    reference: str
    confirmed: bool | None
    entered_by: str
    entered_at: datetime
    origin: str
    used_on: date | None


@dataclass(slots=True)
class WriteCounts:
    """What a batch write did: rows created, rows changed, rows already stored exactly so."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass(frozen=True, slots=True)
class AssessmentRun:
    id: uuid.UUID
    as_of: date
    edition_id: str
    inputs_fingerprint: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    subjects_total: int
    subjects_done: int
    message: str | None


@dataclass(frozen=True, slots=True)
class AssessmentResultData:
    """The score of one subject in one group; `explanation` is JSON: counted criteria and ignored evidence."""

    subject_id: int
    group_key: str
    score: float
    risk_class: str
    significant_part: float
    minor_part: float
    gross_found: int
    violated_criteria: tuple[int, ...]
    explanation: Mapping[str, Any] = field(default_factory=dict)
