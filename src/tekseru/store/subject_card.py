"""What a subject's card reads, in four statements: the subject's row with the latest finished run (and
whether a list may plan to visit it), its scores over the latest finished runs with, in the same rows, its
results in the latest one (their stored explanations and the tie-break of its leading group), its evidence
and its inspections; and, only for a subject a list may name, the lists that plan to visit it
(`subject_plans`).

Every statement is made once, at import, with the run and the subject as parameters: building a
statement and working out its cache key cost more than running it, and each statement costs a round trip
and the database's work (issue 18: a card page made thirteen, in two transactions, then eight, on every
request). The rows are the store's records, as the general queries give them.
"""

from __future__ import annotations

import json
import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.visitors import replacement_traverse

from tekseru.store.assessments import result_data
from tekseru.store.fast_reads import named, read_first, read_named, read_rows, read_together
from tekseru.store.inspection_models import Inspection, InspectionRecord
from tekseru.store.models import Assessment, AssessmentResult, AssessmentSubjectClass, Evidence
from tekseru.store.plan_models import PlanList
from tekseru.store.plans import PlanRecord
from tekseru.store.records import AssessmentResultData, AssessmentRun, EvidenceRecord
from tekseru.store.registry_queries import SUBJECT_BY_BIN, SubjectRow, subject_row_of
from tekseru.store.run_results import FINISHED, ScorePoint

HISTORY_RUNS = 20  # the latest finished runs a card shows the subject's scores in
PLANS_READ = 100  # the newest lists a card looks for the subject in (what `store.plans.list_plans` reads)

_RUN = bindparam("run", type_=Assessment.id.type)
_SUBJECT = bindparam("subject", type_=Integer())
_LIMIT = bindparam("limit", type_=Integer())

# The subject's class is in its leading result of the run (migration 0026): the results' table again.
_result, _class = AssessmentResult, aliased(AssessmentSubjectClass, name="leading")

# The subject's row (`store.registry_queries.subject_row`) with the latest finished run beside it, in one
# statement: the run's id is a subquery where the row's statement takes it as a parameter.
_LATEST_ID = (
    select(Assessment.id)
    .where(Assessment.status == FINISHED)
    .order_by(Assessment.started_at.desc())
    .limit(1)
    .scalar_subquery()
)
_latest = aliased(Assessment, name="latest_run")
_RUN_FIELDS = [field.name for field in fields(AssessmentRun)]


def _latest_for_run(element: Any, **_: Any) -> Any:
    return _LATEST_ID if isinstance(element, BindParameter) and element.key == "run" else None


_SUBJECT_AND_RUN = (
    typing.cast(Select[Any], replacement_traverse(SUBJECT_BY_BIN, {}, _latest_for_run))
    .outerjoin(_latest, _latest.id == _LATEST_ID)
    .add_columns(*(getattr(_latest, name) for name in _RUN_FIELDS))
)
_SUBJECT_COLUMNS = len(SUBJECT_BY_BIN.selected_columns)

# The subject's scores over the latest finished runs (its history) and, in the same rows, what the card
# shows of its results in the latest run `run` (their explanations and the leading group's counts, for that
# run's rows only): one statement where there were two.
_RUNS = (
    select(Assessment.id)
    .where(Assessment.status == FINISHED)
    .order_by(Assessment.started_at.desc())
    .limit(_LIMIT)
)
_in_run = Assessment.id == _RUN
_SCORES = (
    select(
        Assessment.id,
        Assessment.as_of,
        Assessment.started_at,
        Assessment.edition_id,
        _result.group_key,
        _result.score,
        _result.risk_class,
        _result.violated_criteria,
        _result.subject_id,
        _result.significant_part,
        _result.minor_part,
        _result.gross_found,
        case((_in_run, _result.evidence_statuses)).label("evidence_statuses"),
        func.coalesce(_class.gross_count, 0),
        func.coalesce(_class.significant_count, 0),
        func.coalesce(_class.minor_count, 0),
    )
    .join(_result, _result.run_key == Assessment.run_key)
    .outerjoin(
        _class,
        (_class.run_key == _result.run_key)
        & (_class.subject_id == _result.subject_id)
        & _class.risk_class.is_not(None)
        & _in_run,
    )
    .where((_result.subject_id == _SUBJECT) & Assessment.id.in_(_RUNS))
    .order_by(Assessment.started_at, _result.group_key)
)

_e = Evidence.__table__.c
_EVIDENCE = (
    select(
        _e.id,
        _e.subject_id,
        _e.criterion,
        _e.source_group,
        _e.observed_on,
        _e.reference,
        _e.confirmed,
        _e.entered_by,
        _e.entered_at,
        _e.origin,
        _e.used_on,
    )
    .where(_e.subject_id == _SUBJECT)
    .order_by(_e.id)
)

_i = Inspection.__table__.c
_INSPECTION_FIELDS = [field.name for field in fields(InspectionRecord)]
_INSPECTIONS = (
    select(*(_i[name] for name in _INSPECTION_FIELDS)).where(_i.subject_id == _SUBJECT).order_by(_i.id)
)


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """One of the subject's results in the run: as stored (with its explanation), and the counts of the
    subject's leading group in the run (0 when the run gave it no class)."""

    data: AssessmentResultData
    gross_count: int
    significant_count: int
    minor_count: int


@dataclass(frozen=True, slots=True)
class SubjectAndRun:
    """A card's subject (`subject_and_run`) and the latest finished run (None: there is none)."""

    subject: SubjectRow
    run: AssessmentRun | None
    # Whether any list of the statuses asked for may plan to visit the subject: False when the text of none
    # of them names it where `subject_plans` looks, and `subject_plans` would find nothing.
    maybe_planned: bool


def subject_and_run(
    session: Session, bin: str, plan_statuses: Sequence[str] = (), *, newest: int = PLANS_READ
) -> SubjectAndRun | None:
    """The subject of `bin` with its class in the latest finished run, and that run; with `plan_statuses`
    also whether `subject_plans(bin, plan_statuses)` may find a list (the lists' text checked by the same
    statement, which spares most cards that statement). None when no subject has this BIN."""
    values: dict[str, Any] = {"bin": bin}
    query = _SUBJECT_AND_RUN
    checked = 0 < len(plan_statuses) <= len(_STATUSES)
    if checked:  # the statuses as two parameters, the one status twice (no list to expand per call)
        query = _SUBJECT_RUN_AND_LISTED
        statuses = dict(zip(_STATUSES, (*plan_statuses, plan_statuses[-1]), strict=False))
        values |= {"listed": _listed(bin), "newest": newest, **statuses}
    row = read_first(session.connection(), query, values)
    if row is None:
        return None
    run = row[_SUBJECT_COLUMNS : _SUBJECT_COLUMNS + len(_RUN_FIELDS)]
    found = None if run[0] is None else AssessmentRun(*run)
    maybe_planned = bool(row[-1]) if checked else bool(plan_statuses)
    return SubjectAndRun(subject_row_of(row[:_SUBJECT_COLUMNS]), found, maybe_planned)


def subject_scores(
    session: Session, run_id: uuid.UUID | None, subject_id: int, *, limit: int = HISTORY_RUNS
) -> tuple[list[SubjectResult], list[ScorePoint]]:
    """The subject's results in the run `run_id` (highest score first, then by group) and its scores in the
    latest `limit` finished runs, oldest first (as `score_history`). The results are found among the
    history's rows: `run_id` must be one of those runs (the card's: the latest finished one), or None (no
    results)."""
    values = {"run": run_id, "subject": subject_id, "limit": limit}
    return _scores_of(run_id, read_named(session.connection(), _SCORES, values))


def subject_parts(
    session: Session, run_id: uuid.UUID | None, subject_id: int, *, limit: int = HISTORY_RUNS
) -> tuple[list[SubjectResult], list[ScorePoint], list[EvidenceRecord], list[InspectionRecord]]:
    """`subject_scores`, `subject_evidence` and `subject_inspections` read together: on PostgreSQL the
    three statements go to the server at once and come back in one round trip (`fast_reads.read_together`),
    not three."""
    scores, evidence, inspections = read_together(
        session.connection(),
        [
            (_SCORES, {"run": run_id, "subject": subject_id, "limit": limit}),
            (_EVIDENCE, {"subject": subject_id}),
            (_INSPECTIONS, {"subject": subject_id}),
        ],
    )
    results, history = _scores_of(run_id, named(_SCORES, scores))  # `result_data` reads columns by name
    return results, history, [EvidenceRecord(*row) for row in evidence], [_inspection(r) for r in inspections]


def _scores_of(run_id: uuid.UUID | None, rows: list[Any]) -> tuple[list[SubjectResult], list[ScorePoint]]:
    results: list[SubjectResult] = []
    history: list[ScorePoint] = []
    for row in rows:
        point: tuple[Any, ...] = (*row[:7], tuple(row[7]))
        history.append(ScorePoint(*point))
        if row[0] == run_id:
            results.append(_subject_result(row))
    results.sort(key=lambda result: (-result.data.score, result.data.group_key))
    return results, history


def _subject_result(row: Any) -> SubjectResult:
    return SubjectResult(result_data(row), *row[-3:])


def subject_evidence(session: Session, subject_id: int) -> list[EvidenceRecord]:
    """The subject's evidence, by id."""
    return [
        EvidenceRecord(*row) for row in read_rows(session.connection(), _EVIDENCE, {"subject": subject_id})
    ]


def subject_inspections(session: Session, subject_id: int) -> list[InspectionRecord]:
    """Every inspection of the subject (every revision, superseded ones too), by id."""
    rows = read_rows(session.connection(), _INSPECTIONS, {"subject": subject_id})
    return [_inspection(row) for row in rows]


def _inspection(row: Any) -> InspectionRecord:
    values = dict(zip(_INSPECTION_FIELDS, row, strict=True))
    values.update(group_keys=tuple(values["group_keys"]), inspectors=tuple(values["inspectors"]))
    return InspectionRecord(**values)


# The lists that plan to visit a subject. A list keeps its rows in its JSON (`Plan.to_dict()`), and names
# every assessed subject there, the ones it leaves out too: a card read the whole JSON of each of the
# newest lists before, to find the few whose "included" rows name the subject. Now the database looks at
# the text of each list first: as the store writes a list ("included" before "overflow", `json.dumps`'
# separators), the subject has a row in "included" only if its BIN is written between the two (`_LISTED`).
# Only the lists that pass, and any list not written so (`_WRITTEN`: the text cannot tell about it), are
# read as JSON (SQLite's json_each, PostgreSQL's json_array_elements, once each), and only the rows of
# "included" that name the BIN and the list's header are sent back.
_p = PlanList
_BIN = bindparam("bin", type_=String())
_LISTED = bindparam("listed", type_=String())  # `%"included": [%"bin": "<BIN>"%"overflow": [%`
_WRITTEN = '%"included": [%"overflow": [%'
_NEWEST = select(_p.id).order_by(_p.id.desc()).limit(bindparam("newest", type_=Integer())).scalar_subquery()
_PLAN_COLUMNS = [_p.__table__.c[field.name] for field in fields(PlanRecord) if field.name != "plan"]
_HEADER = ("format", "half_year", "rules", "capacity")  # what `Plan.from_dict` reads besides the rows


def _subject_plans(dialect: str) -> Select[Any]:
    header: list[ColumnElement[Any]]  # one JSON array: the values of _HEADER
    row_bin: ColumnElement[Any]
    if dialect == "sqlite":
        rows = func.json_each(_p.plan, "$.included").table_valued("key", "value", name="included_row")
        position, row_bin = rows.c.key, func.json_extract(rows.c.value, "$.bin")
        paths = (f"$.{key}" for key in _HEADER)
        header = [type_coerce(func.json_extract(_p.plan, *paths), JSON)]  # [format, half_year, ...]
        joined = _p.__table__.join(rows, true())
    else:
        kinds = {"format": Text, "half_year": Text, "rules": JSON, "capacity": JSON, "included": JSON}
        found = func.json_to_record(_p.plan).table_valued(*(column(key, kind) for key, kind in kinds.items()))
        record = found.render_derived(with_types=True)  # the header and the rows' text, in one reading
        elements = func.json_array_elements(record.c.included)
        rows = elements.table_valued("value", with_ordinality="position").render_derived()
        position, row_bin = rows.c.position, rows.c.value.op("->>")("bin")
        header = [func.json_build_array(*(record.c[key] for key in _HEADER), type_=JSON)]
        joined = _p.__table__.join(record, true()).join(rows, true())
    text = cast(_p.plan, Text)
    return (
        select(*_PLAN_COLUMNS, *header, type_coerce(rows.c.value, JSON))
        .select_from(joined)
        .where(_p.id.in_(_NEWEST) & _p.status.in_(bindparam("statuses", expanding=True)))
        .where((text.like(_LISTED) | text.not_like(_WRITTEN)) & (row_bin == _BIN))
        .order_by(_p.id.desc(), position)
    )


_SUBJECT_PLANS = {dialect: _subject_plans(dialect) for dialect in ("sqlite", "postgresql")}

# `_SUBJECT_AND_RUN` with whether a list of the statuses passes the text check of `_subject_plans`.
_STATUSES = ("plan_status_a", "plan_status_b")
_text = cast(_p.plan, Text)
_maybe_listed = (
    select(_p.id)
    .where(_p.id.in_(_NEWEST) & _p.status.in_([bindparam(key, type_=String()) for key in _STATUSES]))
    .where(_text.like(_LISTED) | _text.not_like(_WRITTEN))
    .exists()
)
_SUBJECT_RUN_AND_LISTED = _SUBJECT_AND_RUN.add_columns(_maybe_listed)


def _listed(bin: str) -> str:
    """`_LISTED` for the subject of `bin`: its row in "included", as the store writes a list."""
    return f'%"included": [%{json.dumps({"bin": bin})[1:-1]}%"overflow": [%'


def subject_plans(
    session: Session, bin: str, statuses: Sequence[str], *, newest: int = PLANS_READ
) -> list[PlanRecord]:
    """The lists of `statuses` among the `newest` stored whose included rows name the subject of `bin`,
    the newest first. Each record's `plan` holds the list's header and those rows only (its other rows,
    beyond capacity and excluded, left out): what a card shows of a list, without the rest of it."""
    if not statuses:
        return []
    query = _SUBJECT_PLANS[session.get_bind().dialect.name]
    found: dict[int, PlanRecord] = {}
    columns = len(_PLAN_COLUMNS)
    values = {"bin": bin, "listed": _listed(bin), "statuses": list(statuses), "newest": newest}
    rows = session.connection().execute(query, values)
    for row in rows:
        record = found.get(row[0])
        if record is None:
            plan = dict(zip(_HEADER, row[-2], strict=True))
            plan |= {"included": [], "overflow": [], "excluded": []}
            stored = dict(zip((column.name for column in _PLAN_COLUMNS), row[:columns], strict=True))
            record = found[row[0]] = PlanRecord(plan=plan, **stored)
        record.plan["included"].append(row[-1])
    return list(found.values())
