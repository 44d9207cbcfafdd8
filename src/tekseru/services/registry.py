"""Use cases of the registry: importing subjects and evidence from files, each import one write transaction.

A file is read, validated and its rows' subjects resolved before the write transaction begins
(`intake.check_import`); the transaction, which holds the imports' turn (`take_turns`) and on SQLite the
write lock, only writes what was checked (`intake.write_checked`). Nothing is stored on any error. Evidence
is compared with what is stored before the transaction too (`store.evidence.prepare_evidence`), in runs
sorted by the natural key and made into what the driver sends (SQLite's INSERT parameters, also staged in
the connection's temporary table; PostgreSQL's binary COPY data); the transaction inserts the new rows as
prepared, unless another writer changed them meanwhile. SQLite's write-ahead log is copied into the
database after the transaction (`store.database.checkpoint`), not in its commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.regions import Regions
from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.intake import (
    EVIDENCE_COLUMNS,
    SUBJECT_COLUMNS,
    CheckedImport,
    ErrorKind,
    EvidenceRow,
    EvidenceValidator,
    ImportFileError,
    ImportReport,
    Progress,
    RowError,
    Source,
    Spool,
    SubjectRow,
    SubjectValidator,
    attach_subjects,
    check_import,
    collector_paused,
    default_rejected_path,
    open_table,
    report_written,
    write_checked,
)
from tekseru.intake import workbook_sheets as intake_sheets
from tekseru.intake.errors import MAX_ERRORS_KEPT
from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database as Database
from tekseru.store import DatabaseNeedsUpgrade as DatabaseNeedsUpgrade
from tekseru.store import DatabaseTooNew as DatabaseTooNew
from tekseru.store import EvidenceData, SubjectData, WriteCounts
from tekseru.store.database import checkpoint
from tekseru.store.evidence import (
    PreparedEvidence,
    discard_staged_evidence,
    prepare_evidence,
    upsert_evidence,
    write_prepared,
    writing_many,
)
from tekseru.store.planner_statistics import refresh_after_import
from tekseru.store.subjects import kept_subjects, subject_ids_by_bin, upsert_subjects
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
    regions: Regions,
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
    with open_table(path, SUBJECT_COLUMNS, sheet=sheet) as table:
        validator = SubjectValidator(table.file, edition, regions)
        checked: CheckedImport[SubjectRow] = check_import(
            table,
            validator.validate,
            lambda rows: (rows, []),
            skip_invalid=skip_invalid,
            rejected_path=rejected_path or default_rejected_path(path),
            progress=progress,
            language=language,
        )
    with checked, db.transaction() as session:  # the write lock, for the writing only
        take_turns(session, IMPORTS)  # two imports at once: the second reads what the first stored
        report = write_checked(
            checked, lambda rows: upsert_subjects(session, [_subject(row) for row in rows], now=stamp)
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
    with collector_paused():  # the rows seen and kept are many objects that live until the end
        with open_table(path, EVIDENCE_COLUMNS, sheet=sheet) as table:
            validator = EvidenceValidator(table.file, edition, today)
            file = table.file
            subjects = _Subjects(db)
            checked: CheckedImport[_Ready] = check_import(
                table,
                validator.validate,
                lambda rows: subjects.resolve(file, rows),
                skip_invalid=skip_invalid,
                rejected_path=rejected_path or default_rejected_path(path),
                progress=progress,
                language=language,
            )
        with checked, _staged(db), _prepare(db, checked, file, entered_by, stamp) as prepared:
            with (
                db.transaction() as session,  # the write lock, for the writing only
                writing_many(session),
            ):
                take_turns(session, IMPORTS)  # two imports at once: the second reads what the first stored
                written = (
                    _write_prepared(
                        session,
                        batch,
                        partial(_batches_again, checked, part),
                        _Again(file, subjects, entered_by, stamp),
                    )
                    for part, batch in prepared.batches()
                )
                report = report_written(checked, written)
                _audit(session, actor, "import.evidence", report, stamp, job_id)
            checkpoint(db)  # SQLite's log copied into the database after the write lock is given up
            refresh_after_import(db, report.imported)  # PostgreSQL's planner told of many new records
            return report


@contextmanager
def _staged(db: Database) -> Iterator[None]:
    """The rows `prepare_evidence` stages on SQLite's connection dropped before the import prepares (an
    earlier import's, left on a pooled connection) and after it writes, whether it stored them or not."""
    with db.reading() as session:
        discard_staged_evidence(session)
    try:
        yield
    finally:
        with db.reading() as session:
            discard_staged_evidence(session)


# A row ready to write: subject id, criterion, source group, observed on, reference, confirmed, row number.
# Plain tuples: kept in a temporary file between checking and writing, they are read back quickly.
_Ready = tuple[int, int, int, date, str, bool | None, int]


class _Subjects:
    """The ids of the BINs of one file, read before the import's write transaction (a subject, once in
    the registry, keeps its id), each BIN once however many rows name it. A subject another import adds
    meanwhile is unknown to this one, as it would be had this one gone first; one deleted meanwhile fails
    the write, and `_write_prepared` then names the rows that need it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.ids: dict[str, int] = {}
        self.unknown: set[str] = set()

    def resolve(self, file: str, rows: list[EvidenceRow]) -> tuple[list[_Ready], list[RowError]]:
        unread = {row.bin for row in rows} - self.ids.keys() - self.unknown
        if unread:
            with self.db.reading() as session:
                found = subject_ids_by_bin(session, unread)
            self.ids.update(found)
            self.unknown.update(unread - found.keys())
        pairs, errors = attach_subjects(file, rows, self.ids)
        ready = [
            (
                subject_id,
                row.criterion,
                row.source_group,
                row.observed_on,
                row.reference,
                row.confirmed,
                row.number,
            )
            for subject_id, row in pairs
        ]
        return ready, errors

    def gone(self, file: str, rows: list[_Ready]) -> list[RowError]:
        """The errors of rows whose subjects were deleted after their BINs were read."""
        if not rows:
            return []
        bins = {id_: bin for bin, id_ in self.ids.items()}
        return [
            RowError.of(file, row[6], "bin", ErrorKind.UNKNOWN_SUBJECT, "unknown_subject", bin=bins[row[0]])
            for row in rows
        ]


def _evidence(file: str, ready: list[_Ready]) -> list[EvidenceData]:
    return [
        EvidenceData(subject_id, criterion, group, observed_on, reference, confirmed, f"{file}:{number}")
        for subject_id, criterion, group, observed_on, reference, confirmed, number in ready
    ]


# How many checked rows are compared with the stored evidence and sorted together: the write inserts each
# such run in the order of the natural key's index, and the longer the run the fewer index pages each
# insert touches.
RUN_ROWS = 100_000


def _prepare(
    db: Database, checked: CheckedImport[_Ready], file: str, entered_by: str, now: datetime
) -> Spool[tuple[range, PreparedEvidence]]:
    """Runs of checked batches (their indexes, at most RUN_ROWS rows each) compared with the stored
    evidence and made ready for the driver, in reading transactions before the write transaction, so
    that the write lock is held for the inserting only."""
    spool: Spool[tuple[range, PreparedEvidence]] = Spool()
    try:
        for part, ready in _runs(checked.batches()):
            with db.reading() as session:
                prepared = prepare_evidence(
                    session, _evidence(file, ready), entered_by=entered_by, entered_at=now
                )
            spool.keep((part, prepared))
    except BaseException:
        spool.close()
        raise
    return spool


def _runs(batches: Iterable[list[_Ready]]) -> Iterator[tuple[range, list[_Ready]]]:
    """The batches joined into runs of at most RUN_ROWS rows (a larger batch alone), with their indexes."""
    start, count, run = 0, 0, list[_Ready]()
    for batch in batches:
        if run and len(run) + len(batch) > RUN_ROWS:
            yield range(start, count), run
            start, run = count, []
        run.extend(batch)
        count += 1
    if run:
        yield range(start, count), run


@dataclass(frozen=True)
class _Again:
    """What writing a run again needs besides its rows: the file, its subjects, who entered it and when."""

    file: str
    subjects: _Subjects
    entered_by: str
    now: datetime


def _write_prepared(
    session: Session, batch: PreparedEvidence, rows: Callable[[], Iterator[list[_Ready]]], again: _Again
) -> WriteCounts:
    """The run written as prepared; its `rows` (batch by batch) compared and written again in the write
    transaction when the write failed or another writer changed their evidence after it was prepared
    (`write_prepared` says so). A subject of the run deleted after the file was checked makes the import
    fail (ImportFileError, nothing stored) with an error for each row that names it; the others are kept
    (locked on PostgreSQL) until the transaction ends."""
    counts = write_prepared(session, batch)
    if counts is not None:
        return counts
    counts, errors = WriteCounts(), list[RowError]()
    for ready in rows():
        kept = kept_subjects(session, {row[0] for row in ready})
        errors.extend(again.subjects.gone(again.file, [row for row in ready if row[0] not in kept]))
        if not errors:
            part = _evidence(again.file, ready)
            counts.add(upsert_evidence(session, part, entered_by=again.entered_by, entered_at=again.now))
    if errors:
        raise ImportFileError(errors[:MAX_ERRORS_KEPT], len(errors))
    return counts


def _batches_again(checked: CheckedImport[_Ready], part: range) -> Iterator[list[_Ready]]:
    """The checked batches `part` (read again from the start: needed only when the prepared write
    failed or another writer changed the evidence meanwhile)."""
    yield from islice(checked.batches(), part.start, part.stop)
