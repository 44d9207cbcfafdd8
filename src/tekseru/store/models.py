"""The database tables, as typed SQLAlchemy models. Only `tekseru.store` imports this module.

Every constraint has a name from the naming convention, so migrations are the same on SQLite and
PostgreSQL and `tekseru db check` can compare them with these models.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Sequence,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    cast,
    func,
    join,
    literal_column,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column

from tekseru.scoring.formula import SCORE_DECIMALS, SCORE_FACTOR
from tekseru.store.criteria_lists import packed, packed_json, unpacked

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A count of criteria (at most the edition's criteria, which are numbered in the hundreds at most): 2 bytes
# on PostgreSQL, where the run's rows are a million at a time (migration 0022); SQLite stores every integer
# in as few bytes as its value needs, and keeps the type it had.
SMALL_COUNT = SmallInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[int]: JSON,
    }


class Subject(Base):
    """A control subject (бақылау субъектісі) of the registry, known by its BIN."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    bin: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(Text)
    # The name folded for search (tekseru.store.name_keys), written with the name
    name_key: Mapped[str] = mapped_column(Text, server_default="")
    region: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SubjectGroup(Base):
    """A subject's control group (kind of subject) of the catalogue; a subject may be in several."""

    __tablename__ = "subject_groups"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Evidence(Base):
    """One fact for a subjective criterion: a violation found, a publication, a report, a complaint."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("subject_id", "criterion", "source_group", "observed_on", "reference"),
        CheckConstraint("criterion >= 1", name="criterion_positive"),
        CheckConstraint("source_group >= 1", name="source_group_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    criterion: Mapped[int]
    source_group: Mapped[int]
    observed_on: Mapped[date] = mapped_column(index=True)
    reference: Mapped[str] = mapped_column(String(500))
    confirmed: Mapped[bool | None]
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime]
    origin: Mapped[str] = mapped_column(String(500))
    used_on: Mapped[date | None]


class Assessment(Base):
    """One run of the risk engine: its inputs, its edition of the act and how far it got."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'finished', 'failed')", name="status_known"),
        Index(None, "inputs_fingerprint", "status"),
        Index(None, "run_key", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The run's small number (migration 0019), which the rows of each subject in the run carry instead of
    # the id: 4 bytes per row and per index entry, not 16 (PostgreSQL) or 32 (SQLite's text). People and
    # the API see only the id. PostgreSQL numbers runs by this sequence; SQLite, which has one writer at
    # a time, by the highest number + 1 (`tekseru.store.run_keys`).
    run_key: Mapped[int] = mapped_column(Sequence("assessments_run_key_seq"))
    as_of: Mapped[date]
    edition_id: Mapped[str] = mapped_column(String(64))
    inputs_fingerprint: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    subjects_total: Mapped[int]
    subjects_done: Mapped[int]
    message: Mapped[str | None] = mapped_column(Text)


class ResultGroup(Base):
    """A group's code in the runs' results (migration 0025): each result names its group by this 2-byte
    number, not by its key (up to 64 characters, in the row and in its primary key). A key gets its code
    when a run first stores a result of it (`tekseru.store.result_groups`); codes are never reused."""

    __tablename__ = "result_groups"

    # SQLite: an INTEGER primary key numbers new rows itself (its rowid); PostgreSQL: a smallserial.
    code: Mapped[int] = mapped_column(SMALL_COUNT, primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), unique=True)


class ResultRegion(Base):
    """A region's code in the runs' results (migration 0026): a subject's leading result carries its
    region by this 2-byte number, given as `ResultGroup`'s codes are (`tekseru.store.result_groups`)."""

    __tablename__ = "result_regions"

    code: Mapped[int] = mapped_column(SMALL_COUNT, primary_key=True)
    region: Mapped[str] = mapped_column(String(32), unique=True)


RISK_CLASSES = ("low", "medium", "high")  # by rank: a subject's class is the highest of its groups'


class RiskClass(TypeDecorator[str]):
    """A risk class stored as its rank, 1 (low) to 3 (high) (migration 0026): 2 bytes on PostgreSQL where
    its name took 4 to 7 in every result, and the highest class of many rows is their `max`. Readers and
    writers through SQLAlchemy see the names; a name that is no class is bound as 0, which no row has."""

    impl = SmallInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else SmallInteger())

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else risk_class_code(value)

    def process_literal_param(self, value: Any, dialect: Any) -> str:
        return "NULL" if value is None else str(risk_class_code(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else RISK_CLASSES[value - 1]

    @property
    def python_type(self) -> type:
        return str


def risk_class_code(name: str) -> int:
    """The stored code of a class's name (0 for a name that is no class)."""
    return _CLASS_CODES.get(name, 0)


_CLASS_CODES = {name: rank for rank, name in enumerate(RISK_CLASSES, start=1)}
_KNOWN_CLASS = "BETWEEN 1 AND 3"  # the codes of RISK_CLASSES
assert len(RISK_CLASSES) == 3


class CriteriaList(TypeDecorator[list[int]]):
    """A list of criteria's numbers stored as `tekseru.store.criteria_lists` packs it (migration 0026;
    JSON text before). Bound as a list (or as its stored bytes, or as the JSON text of a list); read as a
    list."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        return packed_json(value) if isinstance(value, str) else packed(value)

    def process_result_value(self, value: Any, dialect: Any) -> list[int] | None:
        return None if value is None else unpacked(value)


# The score of one subject in one of its groups in one run, with the reasons for it; and, in the subject's
# leading result of the run (its highest score), the subject's class in the run.
results_table = Table(
    "assessment_results",
    Base.metadata,
    # The run's number and the subject, without foreign keys (migration 0020: checked row by row, they
    # took most of PostgreSQL's time to write a run); triggers on the runs and subjects delete the rows of
    # a deleted one. The group by its code (migration 0025: `ResultGroup`). (PostgreSQL's order of the
    # columns, migration 0026: the 8-byte ones, the 4-byte, the 2-byte, then those of varying length, so
    # that nothing is padded.)
    Column("score", Double, nullable=False),
    Column("significant_part", Double, nullable=False),
    Column("minor_part", Double, nullable=False),
    Column("run_key", Integer, primary_key=True),
    Column("subject_id", Integer, primary_key=True),
    Column("group_code", SMALL_COUNT, primary_key=True),
    Column("gross_found", SMALL_COUNT, nullable=False),  # 2 bytes (migration 0022)
    Column("risk_class", RiskClass(), nullable=False),  # its rank (migration 0026)
    # The subject's class in the run, set in one of its results with its highest score (its leading one),
    # NULL in its others (migration 0026; until then a table of its own, `assessment_subject_classes`, a
    # row of 70 bytes and a key of 20 for each subject): the highest class of its groups, its region (kept
    # current by a trigger, migration 0005) and the planning order's tie-break, the counts of gross,
    # significant and minor criteria violated in its leading group (migration 0012). Its score is the row's.
    Column("subject_class", RiskClass(), nullable=True),
    Column("region_code", SMALL_COUNT, nullable=True),  # `ResultRegion`
    Column("gross_count", SMALL_COUNT, nullable=True),
    Column("significant_count", SMALL_COUNT, nullable=True),
    Column("minor_count", SMALL_COUNT, nullable=True),
    # the criteria counted as violated, 1 byte each below 128 (`CriteriaList`, migration 0026)
    Column("violated_criteria", CriteriaList(), nullable=False),
    # The explanation: compact codes (`explanation_codes`, the risk engine's runs since migration 0018),
    # or the JSON text of the mapping (older runs, and results stored one by one): always set. Migration
    # 0022 put the JSON of the older runs here and dropped their column `explanation`, which was NULL in
    # every new row and so gave each of PostgreSQL's rows 8 bytes more of header (the bitmap of NULLs).
    Column("evidence_statuses", LargeBinary),
    CheckConstraint(f"risk_class {_KNOWN_CLASS}", name="risk_class_known"),
    CheckConstraint(f"subject_class {_KNOWN_CLASS}", name="subject_class_known"),
    # A run's results are read by the primary key's first column, a subject's over the runs (its card)
    # by the whole key in each run (migration 0020 dropped the index by subject). SQLite keeps the rows
    # in the primary key's order, without a rowid and a separate index of the key (0020).
    sqlite_with_rowid=False,
)
_groups_table = ResultGroup.__table__
_regions_table = ResultRegion.__table__


class AssessmentResult(Base):
    """The score of one subject in one of its groups in one run, with the reasons for it: the rows of
    `results_table` joined with their groups' keys, so that readers select, filter and order by
    `group_key` as before migration 0025 (writers insert into `results_table`, with the codes)."""

    __table__ = join(results_table, _groups_table, results_table.c.group_code == _groups_table.c.code)

    run_key: Mapped[int] = column_property(results_table.c.run_key)
    subject_id: Mapped[int] = column_property(results_table.c.subject_id)
    group_code: Mapped[int] = column_property(results_table.c.group_code, _groups_table.c.code)
    group_key: Mapped[str] = column_property(_groups_table.c.group_key)
    score: Mapped[float] = column_property(results_table.c.score)
    risk_class: Mapped[str] = column_property(results_table.c.risk_class)
    significant_part: Mapped[float] = column_property(results_table.c.significant_part)
    minor_part: Mapped[float] = column_property(results_table.c.minor_part)
    gross_found: Mapped[int] = column_property(results_table.c.gross_found)
    violated_criteria: Mapped[list[int]] = column_property(results_table.c.violated_criteria)
    evidence_statuses: Mapped[bytes | None] = column_property(results_table.c.evidence_statuses)


_CLASS_COLUMNS = (
    "run_key",
    "subject_id",
    "group_code",
    "subject_class",
    "region_code",
    "score",
    "gross_count",
    "significant_count",
    "minor_count",
)


class AssessmentSubjectClass(Base):
    """One subject's class in a finished run: the leading rows of `results_table` (migration 0026), those
    whose `subject_class` is set. Every reading names them by `lead` (`tekseru.store.subject_classes`
    `of_run`): the indexes by class, region and the planning order hold only them. The region is read as
    its name (`region`) and looked for by its code (`region_is`)."""

    __table__ = results_table
    # only the properties below: the result's own class is not the subject's
    __mapper_args__ = {"include_properties": _CLASS_COLUMNS}  # noqa: RUF012  (SQLAlchemy reads it)

    run_key: Mapped[int] = column_property(results_table.c.run_key)
    subject_id: Mapped[int] = column_property(results_table.c.subject_id)
    group_code: Mapped[int] = column_property(results_table.c.group_code)
    risk_class: Mapped[str] = column_property(results_table.c.subject_class)
    region_code: Mapped[int] = column_property(results_table.c.region_code)
    score: Mapped[float] = column_property(results_table.c.score)
    gross_count: Mapped[int] = column_property(results_table.c.gross_count)
    significant_count: Mapped[int] = column_property(results_table.c.significant_count)
    minor_count: Mapped[int] = column_property(results_table.c.minor_count)
    region: Mapped[str] = column_property(
        select(_regions_table.c.region)
        .where(_regions_table.c.code == results_table.c.region_code)
        .scalar_subquery()
    )


LEAD = results_table.c.subject_class.is_not(None)  # a subject's leading result: the rows of its class


def region_is(region: Any) -> Any:
    """The condition that a leading result's subject is of `region` (a value or a parameter), by its code:
    the indexes hold the codes."""
    code = select(_regions_table.c.code).where(_regions_table.c.region == region).scalar_subquery()
    return results_table.c.region_code == code


def score_hundredths(score: Any) -> Any:
    """A published score (rounded to SCORE_DECIMALS, `tekseru.scoring.formula.round_score`) as the whole
    number of its hundredths: in the same order as the scores, and, unlike a float, a key PostgreSQL's
    B-tree deduplicates (migration 0024). The factor is written out, not a parameter, so that the planner
    matches a query's expression with the index's."""
    return cast(func.round(score * literal_column(str(int(SCORE_FACTOR)))), Integer)


# The indexes of the subjects' classes: only the leading results (partial, `LEAD`), each answering queries of
# `tekseru.store.subject_classes`, `subject_order` and `registry_queries` (tests/store/test_query_plans.py): a
# class (of a region) counted, counts by region and class, and the planning order. A subject's rows (the
# region trigger) are found by the primary key in each run, and so are a class's subjects paged by subject
# id (the key's order, the class checked on each row). Without the subject (migration 0021): PostgreSQL
# keeps each key once with the list of its rows (6 bytes a row). Named: the convention's names are long.
_LEAD_ONLY: dict[str, Any] = {"postgresql_where": LEAD, "sqlite_where": LEAD}
_r = results_table.c
Index("ix_assessment_results_lead_region_class", _r.run_key, _r.region_code, _r.subject_class, **_LEAD_ONLY)
Index("ix_assessment_results_lead_class", _r.run_key, _r.subject_class, **_LEAD_ONLY)
# The planning order's index: a run's subjects by score and gross count. Keyed by the score's hundredths
# (migration 0024), a run of a million subjects has about 200 distinct keys, which PostgreSQL keeps once
# each with the list of their rows (6 bytes a row, not 36 with the float); the gross count stays after
# the score: without it the first page by score sorted the ~96,000 subjects of score 100 of a run of a
# million, 200 ms instead of 3 (tried in session 11).
Index(
    "ix_assessment_results_lead_priority",
    results_table.c.run_key,
    score_hundredths(results_table.c.score),
    results_table.c.gross_count,
    **_LEAD_ONLY,
)
assert SCORE_DECIMALS == 2  # the hundredths of migration 0024's index


from tekseru.store import account_models as account_models  # noqa: E402
from tekseru.store import inspection_models as inspection_models  # noqa: E402
from tekseru.store import outbox_models as outbox_models  # noqa: E402
from tekseru.store import plan_models as plan_models  # noqa: E402  (puts "plans" on Base.metadata)
from tekseru.store import portal_models as portal_models  # noqa: E402
from tekseru.store import roster_models as roster_models  # noqa: E402
from tekseru.store import signature_models as signature_models  # noqa: E402
from tekseru.store import workflow_models as workflow_models  # noqa: E402
