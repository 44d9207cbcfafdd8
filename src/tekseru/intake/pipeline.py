"""Running an import: read, validate, check against the database and write, in batches, all or nothing.

The caller runs this inside one database transaction. With errors and without skip-invalid, writing
stops at the first error (reading and checking go on, to report every error) and ImportFileError is
raised, so the caller's transaction rolls back. With skip-invalid, valid rows are written and rejected
ones go to the rejected-rows file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.intake.errors import MAX_ERRORS_KEPT, ImportFileError, RowError
from tekseru.intake.readers import SourceRow, Table
from tekseru.intake.rejected import RejectedRows

T = TypeVar("T")
U = TypeVar("U")

BATCH_SIZE = 5000
ERRORS_IN_REPORT = 100

Progress = Callable[[int, int], None]


class WriteResult(Protocol):
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ReadAs:
    """How the file was read, for the reader to check: a CSV's encoding (its common name) and delimiter,
    or an XLSX's sheet."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    @classmethod
    def of(cls, table: Table) -> ReadAs:
        if table.sheet is not None:
            return cls(sheet=table.sheet)
        return cls(encoding=table.encoding, delimiter=table.delimiter)


@dataclass(frozen=True)
class ImportReport:
    """What an import did. `imported` rows were created or changed; `unchanged` ones were stored already."""

    file: str
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejected_path: Path | None
    errors: tuple[RowError, ...] = ()
    read_as: ReadAs = ReadAs()

    @property
    def imported(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class ImportSteps(Generic[T, U]):
    """The three steps of one format: check a row alone, check a batch against the database, write."""

    validate: Callable[[SourceRow], T | list[RowError]]
    resolve: Callable[[list[T]], tuple[list[U], list[RowError]]]
    write: Callable[[list[U]], WriteResult]


@dataclass
class _Tally:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def reject(self, errors: Sequence[RowError]) -> None:
        self.error_count += len(errors)
        self.errors.extend(errors[: max(MAX_ERRORS_KEPT - len(self.errors), 0)])

    def wrote(self, result: WriteResult) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged


def run_import(
    table: Table,
    steps: ImportSteps[T, U],
    *,
    skip_invalid: bool,
    rejected_path: Path,
    progress: Progress | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import `table` by `steps`; with `skip_invalid`, the rejected rows go to `rejected_path`, written in
    the reader's `language`."""
    tally = _Tally()
    rejected = RejectedRows(rejected_path, table.header, table.delimiter, language) if skip_invalid else None
    try:
        for batch in _batches(table.rows):
            _run_batch(batch, steps, tally, rejected, writing=skip_invalid or not tally.error_count)
            if progress is not None:
                progress(tally.rows_read, max(table.total, tally.rows_read))
    finally:
        if rejected is not None:
            rejected.close()
    if tally.error_count and not skip_invalid:
        raise ImportFileError(tally.errors, tally.error_count)
    return _report(table, tally, rejected)


def _run_batch(
    batch: list[SourceRow],
    steps: ImportSteps[T, U],
    tally: _Tally,
    rejected: RejectedRows | None,
    writing: bool,
) -> None:
    sources = {row.number: row for row in batch}
    checked: list[T] = []
    problems: dict[int, list[RowError]] = {}
    for source in batch:
        if source.errors:  # cells that cannot be stored at all; checking their values would mislead
            problems[source.number] = list(source.errors)
            continue
        result = steps.validate(source)
        if isinstance(result, list):
            problems[source.number] = result
        else:
            checked.append(result)
    ready, later = steps.resolve(checked)
    for error in later:
        problems.setdefault(error.row or 0, []).append(error)
    tally.rows_read += len(batch)
    for number in sorted(problems):
        tally.reject(problems[number])
        if rejected is not None:
            rejected.add(sources[number], problems[number])
    if writing and (rejected is not None or not problems):
        tally.wrote(steps.write(ready))


def _batches(rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
    while batch := list(islice(rows, BATCH_SIZE)):
        yield batch


def _report(table: Table, tally: _Tally, rejected: RejectedRows | None) -> ImportReport:
    rejected_count = rejected.count if rejected is not None else 0
    return ImportReport(
        file=table.file,
        rows_read=tally.rows_read,
        created=tally.created,
        updated=tally.updated,
        unchanged=tally.unchanged,
        rejected=rejected_count,
        rejected_path=rejected.path if rejected is not None and rejected_count else None,
        errors=tuple(tally.errors[:ERRORS_IN_REPORT]),
        read_as=ReadAs.of(table),
    )
