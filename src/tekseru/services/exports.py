"""Taking the data away: every filtered table (the registry, a run's results, a list's rows, the
inspections, the audit log) as CSV, XLSX or JSON, with the same filters and order as its page and its API,
read and written a chunk at a time.

An export is checked (permission, region, the run) when it is made, before a byte is sent; its rows are
then read in one read transaction as the file is written (`chunks`), so that a 100,000-row export holds
neither all its rows nor the whole file. CSV and XLSX have headers in the reader's language and no cell
that a spreadsheet would run as a formula; JSON has the API's field names and the text as it is.

CSV and XLSX are for people: a stored code (a region, a control group, a risk class, an inspection's kind
and status, an audit action) is shown in words of the export's language (`LABELS`). JSON is for machines:
it keeps the keys (`almaty_region`, `stationary_care`, `low`), as the API does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from tekseru.catalog import Catalogue
from tekseru.documents.table_export import FOR_PROGRAMS, excel_csv, table_chunks
from tekseru.documents.table_export import FORMATS as FORMATS
from tekseru.documents.table_export import MEDIA_TYPES as MEDIA_TYPES
from tekseru.i18n import messages, translate
from tekseru.i18n.formats import local_time
from tekseru.services import inspections as inspection_use_cases
from tekseru.services import plans
from tekseru.services.export_columns import (
    AUDIT_COLUMNS,
    INSPECTION_COLUMNS,
    PLAN_COLUMNS,
    RESULT_COLUMNS,
    SUBJECT_COLUMNS,
    VIOLATION_COLUMNS,
)
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import RunNotFound, finished_run_or_raise
from tekseru.store import Database
from tekseru.store.assessments import get_run, latest_run
from tekseru.store.audit import AuditFilter, list_entries
from tekseru.store.registry_queries import SubjectSearch, iter_subjects
from tekseru.store.run_results import run_result_rows
from tekseru.store.subject_order import SubjectSort

CHUNK = 1000
RESULT_ATTRIBUTES = {"group": "group_key"}  # the API's name -> the row's

Rows = Callable[[], Iterator[Sequence[object]]]


def _region(key: object, language: str, catalogue: Catalogue) -> object:
    return catalogue.regions.name_of(str(key), language) if key else key


def _group(key: object, language: str, catalogue: Catalogue) -> object:
    """A group's name as the newest edition that has it names it; its key when none has."""
    for edition in reversed(catalogue.editions):
        if key in edition.groups:
            return edition.groups[str(key)].name.in_language(language)
    return key


def _groups(keys: object, language: str, catalogue: Catalogue) -> object:
    if isinstance(keys, list | tuple):
        return "; ".join(str(_group(key, language, catalogue)) for key in keys)
    return _group(keys, language, catalogue)


Label = Callable[[object, str, Catalogue], object]


def _word(prefix: str) -> Label:
    """A stored code in words of the language; a code this version has no words for stays as it is."""

    def said(code: object, language: str, catalogue: Catalogue) -> object:
        key = f"{prefix}{code}"
        return translate(language, key) if code is not None and messages(language).get(key) else code

    return said


# How a column's stored codes read in CSV and XLSX, by the column's key.
LABELS: dict[str, Label] = {
    "region": _region,
    "groups": _groups,
    "group": _group,
    "risk_class": _word("risk."),
    "class_before": _word("risk."),
    "kind": _word("inspection.kind."),
    "status": _word("inspection.status."),
    "action": _word("audit.action."),
}


@dataclass(frozen=True)
class TableExport:
    """A table ready to be written: its name (for the file), its columns' keys and its rows, read when
    the file is written."""

    name: str
    columns: tuple[str, ...]
    rows: Rows

    def header(self, language: str) -> list[str]:
        """The columns in words of `language` (kk, ru, en)."""
        return [translate(language, f"export.column.{key}") for key in self.columns]

    def chunks(
        self, format: str, language: str, catalogue: Catalogue, *, for_excel: bool = False
    ) -> Iterator[bytes]:
        """The file, in `format`, a piece at a time: CSV and XLSX with codes in words of `language` (the
        regions and groups named as `catalogue` names them), JSON with the codes; CSV `for_excel` in the
        form Excel opens in `language` (`;` between cells in Kazakh and Russian), else comma-separated."""
        rows = self.rows() if format == "json" else self.labelled(language, catalogue)
        form = excel_csv(language) if for_excel else FOR_PROGRAMS
        header, title = self.header(language), self.title(language)
        return table_chunks(format, self.columns, header, rows, title, csv_form=form)

    def title(self, language: str) -> str:
        """What the table is, in words of `language`: the name of the XLSX sheet."""
        return translate(language, f"tester.export.sheet.{self.name.split('-')[0]}")

    def labelled(self, language: str, catalogue: Catalogue) -> Iterator[Sequence[object]]:
        """The rows, each stored code in words of `language` (kk, ru, en)."""
        said = [LABELS.get(column) for column in self.columns]
        for row in self.rows():
            yield tuple(
                value if say is None else say(value, language, catalogue)
                for say, value in zip(said, row, strict=True)
            )

    def file_name(self, format: str, zone: str, now: datetime | None = None) -> str:
        """`tekseru-<table>-<date>-<time>.<format>`, the moment in time zone `zone`, as the pages show it."""
        stamp = local_time(now or datetime.now(UTC), zone).strftime("%Y%m%d-%H%M")
        return f"tekseru-{self.name}-{stamp}.{format}"


def registry(
    db: Database,
    actor: Actor,
    wanted: SubjectSearch,
    sort: SubjectSort | None = None,
    run_id: uuid.UUID | None = None,
) -> TableExport:
    """Every subject the registry's search finds (its order, its region limit, classes of the latest
    finished run or of the finished run `run_id`), as `search` pages through them."""
    search = replace(wanted, region=actor.scoped_region(Permission.READ_REGISTRY, wanted.region))
    if run_id is not None:
        with db.reading() as session:
            finished_run_or_raise(session, run_id)

    def rows() -> Iterator[Sequence[object]]:
        with db.reading() as session:
            run = latest_run(session) if run_id is None else finished_run_or_raise(session, run_id)
            found = iter_subjects(session, search, run_id=None if run is None else run.id, sort=sort)
            for row in found:
                yield tuple(getattr(row, key) for key in SUBJECT_COLUMNS)

    return TableExport("registry", SUBJECT_COLUMNS, rows)


def results(
    db: Database,
    actor: Actor,
    run_id: uuid.UUID,
    *,
    risk_class: str | None = None,
    region: str | None = None,
    sort: SubjectSort | None = None,
) -> TableExport:
    """Every result of the run, as its page lists them (filters, order, region limit)."""
    scope = actor.scoped_region(Permission.READ_ASSESSMENTS, region)
    with db.reading() as session:
        if get_run(session, run_id) is None:
            raise RunNotFound(f"no assessment run {run_id}").saying("refusal.run.not_found", run=str(run_id))

    def rows() -> Iterator[Sequence[object]]:
        with db.reading() as session:
            offset = 0
            while True:
                page, _ = run_result_rows(
                    session,
                    run_id,
                    region=scope,
                    risk_class=risk_class,
                    limit=CHUNK,
                    offset=offset,
                    sort=sort,
                    counted=False,
                )
                for row in page:
                    yield tuple(getattr(row, RESULT_ATTRIBUTES.get(key, key)) for key in RESULT_COLUMNS)
                if len(page) < CHUNK:
                    return
                offset += CHUNK

    return TableExport(f"results-{run_id}", RESULT_COLUMNS, rows)


def audit_log(db: Database, actor: Actor, where: AuditFilter | None = None) -> TableExport:
    """Every audit entry the filter matches, newest first (administrators only)."""
    actor.require(Permission.READ_AUDIT)
    where = where or AuditFilter()

    def rows() -> Iterator[Sequence[object]]:
        with db.reading() as session:
            offset = 0
            while True:
                page = list_entries(session, where, limit=CHUNK, offset=offset)
                for entry in page:
                    yield tuple(_audit_value(getattr(entry, key)) for key in AUDIT_COLUMNS)
                if len(page) < CHUNK:
                    return
                offset += CHUNK

    return TableExport("audit", AUDIT_COLUMNS, rows)


def _audit_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


_CLASS_RANK = {"high": 3, "medium": 2, "low": 1}
# A list row's value of each column a list's page sorts by, in the column's natural direction (score and
# class highest first; name and group alphabetical; the last visit longest ago first, never first).
_ROW_KEYS: dict[str, Callable[[Any], Any]] = {
    "score": lambda row: -row.score,
    "class": lambda row: -_CLASS_RANK.get(row.risk_class, 0),
    "name": lambda row: row.name.casefold(),
    "region": lambda row: row.region,
    "group": lambda row: min(row.groups, default=""),
    "last_visit": lambda row: (row.last_visit_on is not None, row.last_visit_on or datetime.min.date()),
}


def sorted_rows(rows: Sequence[Any], sort: SubjectSort | None) -> list[Any]:
    """A list's rows in `sort`'s order (`reverse` turns the column round), equal ones by rank (the
    planning order); in rank order without a sort, or by the registry's own order (`registry`)."""
    ranked = sorted(rows, key=lambda row: row.rank)
    key = None if sort is None else _ROW_KEYS.get(sort.key)
    return ranked if key is None else sorted(ranked, key=key, reverse=sort is not None and sort.reverse)


def plan_rows(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    region: str | None = None,
    month: int | None = None,
    sort: SubjectSort | None = None,
) -> TableExport:
    """The rows of a semi-annual list (on the list, then beyond capacity), of `region` and planned `month`
    when given, in `sort`'s order within each part, as its page shows them and as the actor may read them."""
    stored = plans.get_plan(db, actor, plan_id)

    def wanted(row: Any) -> bool:
        return (region is None or row.region == region) and (month is None or row.planned_month == month)

    chosen = [
        *sorted_rows([row for row in stored.plan.included if wanted(row)], sort),
        *sorted_rows([row for row in stored.plan.overflow if wanted(row)], sort),
    ]

    def rows() -> Iterator[Sequence[object]]:
        for row in chosen:
            yield tuple(getattr(row, key) for key in PLAN_COLUMNS)

    return TableExport(f"list-{plan_id}", PLAN_COLUMNS, rows)


def inspections(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    all_revisions: bool = False,
    number: str | None = None,
) -> TableExport:
    """The inspections the inspections page lists for these filters (an inspector: its own region)."""
    # checked now (region, BIN); read a page at a time as the file is written
    found = inspection_use_cases.iter_inspections(
        db,
        actor,
        bin=bin or None,
        status=status,
        region=region,
        include_superseded=all_revisions,
        number=number,
    )

    def rows() -> Iterator[Sequence[object]]:
        for record, subject in found:
            values = {"bin": subject.bin, "name": subject.name, "region": subject.region}
            yield tuple(values[key] if key in values else getattr(record, key) for key in INSPECTION_COLUMNS)

    return TableExport("inspections", INSPECTION_COLUMNS, rows)


LABELS["violation_status"] = _word("inspections.violation.")


def violations(
    db: Database,
    actor: Actor,
    *,
    bin: str | None = None,
    status: str | None = None,
    region: str | None = None,
    today: date,
) -> TableExport:
    """What `/api/v1/violations` lists (overdue or not on `today`), read a page at a time."""
    found = inspection_use_cases.iter_violations(
        db, actor, bin=bin, status=status, region=region, today=today
    )

    def rows() -> Iterator[Sequence[object]]:
        for view, subject in found:
            record, found_by = view.record, view.found_by
            values = {
                "act_number": found_by.act_number,
                "inspected_on": found_by.inspected_on,
                "bin": subject.bin,
                "name": subject.name,
                "region": subject.region,
                "violation_status": view.status,
            }
            yield tuple(values[key] if key in values else getattr(record, key) for key in VIOLATION_COLUMNS)

    return TableExport("violations", VIOLATION_COLUMNS, rows)
