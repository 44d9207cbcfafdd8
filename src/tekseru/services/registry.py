"""Use cases of the registry: importing subjects and evidence from files, each import one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.regions import Regions
from tekseru.catalog_files import load_regions
from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.intake import (
    EVIDENCE_COLUMNS,
    SUBJECT_COLUMNS,
    EvidenceRow,
    EvidenceValidator,
    ImportFileError,
    ImportReport,
    ImportSteps,
    Progress,
    RowError,
    Source,
    SubjectRow,
    SubjectValidator,
    attach_subjects,
    default_rejected_path,
    open_table,
    run_import,
)
from tekseru.intake import workbook_sheets as intake_sheets
from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database as Database
from tekseru.store import DatabaseNeedsUpgrade as DatabaseNeedsUpgrade
from tekseru.store import DatabaseTooNew as DatabaseTooNew
from tekseru.store import EvidenceData, SubjectData, WriteCounts
from tekseru.store.evidence import upsert_evidence
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tekseru.store.turns import IMPORTS, take_turns


def workbook_sheets(path: Path) -> list[str]:
    """The sheets of an uploaded XLSX file ([] for CSV): with more than one the reader picks the sheet to
    import. [] too for a file that is not a workbook: its import says so, in the reader's language."""
    try:
        return intake_sheets(path)
    except ImportFileError:
        return []


def import_subjects(
    db: Database,
    path: Source,
    edition: CatalogueEdition,
    *,
    skip_invalid: bool = False,
    entered_by: str = "",
    today: date,
    progress: Progress | None = None,
    rejected_path: Path | None = None,
    regions: Regions | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
    job_id: uuid.UUID | None = None,
    sheet: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import (upsert by BIN) the subjects file (of its XLSX sheet `sheet`, needed when it has several);
    ImportFileError, with nothing stored, on any error unless `skip_invalid`. `entered_by` is accepted for a
    signature uniform with evidence; subjects do not keep it.

    Given the `actor`, the import is theirs: it needs their permission and is audited (`import.subjects`)
    in the import's own transaction, so that neither is kept without the other (a background job's entry
    names the job, `job_id`, rather than the file). Without an actor nothing is audited.
    """
    stamp = now or datetime.now(UTC)
    if actor is not None:
        actor.require(Permission.IMPORT)
    with open_table(path, SUBJECT_COLUMNS, sheet=sheet) as table, db.transaction() as session:
        take_turns(session, IMPORTS)  # two imports at once: the second reads what the first stored
        validator = SubjectValidator(table.file, edition, regions or load_regions())
        steps = ImportSteps[SubjectRow, SubjectRow](
            validate=validator.validate,
            resolve=lambda rows: (rows, []),
            write=lambda rows: upsert_subjects(session, [_subject(row) for row in rows], now=stamp),
        )
        report = run_import(
            table,
            steps,
            skip_invalid=skip_invalid,
            rejected_path=rejected_path or default_rejected_path(path),
            progress=progress,
            language=language,
        )
        _audit(session, actor, "import.subjects", report, stamp, job_id)
        return report


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    report: ImportReport,
    now: datetime,
    job_id: uuid.UUID | None = None,
) -> None:
    """The audit entry of an import by `actor`, in the import's transaction: the file and its counts; of
    a background job's import, also its error count, under the job."""
    if actor is None:
        return
    counts = ("rows_read", "created", "updated", "unchanged", "rejected")
    after: dict[str, object] = {"file": report.file} | {name: getattr(report, name) for name in counts}
    if job_id is None:
        audit.record(session, actor, action, "import", report.file[-100:], after=after, now=now)
        return
    after["error_count"] = len(report.errors)
    audit.record(session, actor, action, "job", job_id, after=after, now=now)


def _subject(row: SubjectRow) -> SubjectData:
    return SubjectData(row.bin, row.name, row.region, row.address, row.groups)


def import_evidence(
    db: Database,
    path: Source,
    edition: CatalogueEdition,
    *,
    skip_invalid: bool = False,
    entered_by: str,
    today: date,
    progress: Progress | None = None,
    rejected_path: Path | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
    job_id: uuid.UUID | None = None,
    sheet: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import (upsert by natural key) the evidence file (of its XLSX sheet `sheet`); its BINs must be in
    the registry already. Given the `actor`, checked and audited (`import.evidence`) as `import_subjects`
    is."""
    stamp = now or datetime.now(UTC)
    if actor is not None:
        actor.require(Permission.IMPORT)
    with open_table(path, EVIDENCE_COLUMNS, sheet=sheet) as table, db.transaction() as session:
        take_turns(session, IMPORTS)  # two imports at once: the second reads what the first stored
        validator = EvidenceValidator(table.file, edition, today)
        steps = ImportSteps[EvidenceRow, tuple[int, EvidenceRow]](
            validate=validator.validate,
            resolve=lambda rows: _resolve_subjects(session, table.file, rows),
            write=lambda pairs: _write_evidence(session, table.file, pairs, entered_by, stamp),
        )
        report = run_import(
            table,
            steps,
            skip_invalid=skip_invalid,
            rejected_path=rejected_path or default_rejected_path(path),
            progress=progress,
            language=language,
        )
        _audit(session, actor, "import.evidence", report, stamp, job_id)
        return report


def _resolve_subjects(
    session: Session, file: str, rows: list[EvidenceRow]
) -> tuple[list[tuple[int, EvidenceRow]], list[RowError]]:
    return attach_subjects(file, rows, subject_ids_by_bin(session, {row.bin for row in rows}))


def _write_evidence(
    session: Session, file: str, pairs: list[tuple[int, EvidenceRow]], entered_by: str, now: datetime
) -> WriteCounts:
    rows = [
        EvidenceData(
            subject_id=subject_id,
            criterion=row.criterion,
            source_group=row.source_group,
            observed_on=row.observed_on,
            reference=row.reference,
            confirmed=row.confirmed,
            origin=f"{file}:{row.number}",
        )
        for subject_id, row in pairs
    ]
    return upsert_evidence(session, rows, entered_by=entered_by, entered_at=now)
