"""Running an import: read, validate, check against the database and write, in batches, all or nothing.

Two ways. `run_import` does it all inside the caller's one database transaction. With errors and without
skip-invalid, writing stops at the first error (reading and checking go on, to report every error) and
ImportFileError is raised, so the caller's transaction rolls back. With skip-invalid, valid rows are
written and rejected ones go to the rejected-rows file.

`check_import` then `write_checked` (the registry's imports) split the same work in two, so that the write
lock is held only for the writing: `check_import` reads, validates and resolves every row before any write
transaction (resolving in short reading transactions of the caller's), keeps the rows ready to write in a
temporary file, writes the rejected-rows file, and raises ImportFileError (nothing stored, no write
transaction begun) on any error without skip-invalid; `write_checked`, in the caller's write transaction,
only writes the rows kept.
"""

from __future__ import annotations

import gc
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Generic, Protocol, TypeVar

from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.intake.errors import MAX_ERRORS_KEPT, ImportFileError, RowError
from tekseru.intake.readers import SourceRow, Table
from tekseru.intake.rejected import RejectedRows

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")

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
    errors_before = tally.error_count
    ready = _check_batch(batch, steps.validate, steps.resolve, tally, rejected)
    if writing and (rejected is not None or tally.error_count == errors_before):
        tally.wrote(steps.write(ready))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large import runs. The rows an import reads, remembers
    (every natural key seen) and keeps are millions of objects that live until it ends, and each full
    collection walks all of them again: a quarter of an import's time, for garbage that reference
    counting frees anyway (rows form no cycles). The collector runs again afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Spool(Generic[V]):
    """Batches kept in a temporary file (removed on `close`), so that a large file's rows are not held in
    memory between checking and writing."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="tekseru-import-")  # noqa: SIM115 (closed by close)

    def keep(self, batch: V) -> None:
        pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[V]:
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool[V]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class CheckedImport(Generic[U]):
    """The rows of a file checked by `check_import`, ready to write: kept in batches in a temporary file
    (removed on `close`)."""

    def __init__(self, table: Table, tally: _Tally, rejected: RejectedRows | None) -> None:
        self.table, self.tally, self.rejected = table, tally, rejected
        self._kept: Spool[list[U]] = Spool()
        self.ready = 0

    def keep(self, rows: list[U]) -> None:
        if rows:
            self._kept.keep(rows)
            self.ready += len(rows)

    def batches(self) -> Iterator[list[U]]:
        return self._kept.batches()

    def close(self) -> None:
        self._kept.close()

    def __enter__(self) -> CheckedImport[U]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def check_import(
    table: Table,
    validate: Callable[[SourceRow], T | list[RowError]],
    resolve: Callable[[list[T]], tuple[list[U], list[RowError]]],
    *,
    skip_invalid: bool,
    rejected_path: Path,
    progress: Progress | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> CheckedImport[U]:
    """Every row of `table` read, validated and resolved (no write transaction needed: `resolve` reads);
    ImportFileError when any row is wrong and not `skip_invalid` (nothing is kept to write then), else the
    rows to write, the rejected ones in the rejected-rows file, written in the reader's `language`."""
    tally = _Tally()
    rejected = RejectedRows(rejected_path, table.header, table.delimiter, language) if skip_invalid else None
    checked: CheckedImport[U] = CheckedImport(table, tally, rejected)
    try:
        for batch in _batches(table.rows):
            ready = _check_batch(batch, validate, resolve, tally, rejected)
            if skip_invalid or not tally.error_count:
                checked.keep(ready)
            if progress is not None:
                progress(tally.rows_read, max(table.total, tally.rows_read))
        if tally.error_count and not skip_invalid:
            raise ImportFileError(tally.errors, tally.error_count)
    except BaseException:
        checked.close()
        raise
    finally:
        if rejected is not None:
            rejected.close()
    return checked


def write_checked(checked: CheckedImport[U], write: Callable[[list[U]], WriteResult]) -> ImportReport:
    """Write the rows `check_import` kept (in the caller's write transaction) and report the import."""
    return report_written(checked, (write(rows) for rows in checked.batches()))


def report_written(checked: CheckedImport[U], results: Iterable[WriteResult]) -> ImportReport:
    """The report of the import `checked` once it is written, as `results` (of each batch) say."""
    for result in results:
        checked.tally.wrote(result)
    return _report(checked.table, checked.tally, checked.rejected)


def _check_batch(
    batch: list[SourceRow],
    validate: Callable[[SourceRow], T | list[RowError]],
    resolve: Callable[[list[T]], tuple[list[U], list[RowError]]],
    tally: _Tally,
    rejected: RejectedRows | None,
) -> list[U]:
    """The rows of `batch` ready to write; the others tallied and, with skip-invalid, kept as rejected."""
    sources = {row.number: row for row in batch}
    valid: list[T] = []
    problems: dict[int, list[RowError]] = {}
    for source in batch:
        if source.errors:  # cells that cannot be stored at all; checking their values would mislead
            problems[source.number] = list(source.errors)
            continue
        result = validate(source)
        if isinstance(result, list):
            problems[source.number] = result
        else:
            valid.append(result)
    ready, later = resolve(valid)
    for error in later:
        problems.setdefault(error.row or 0, []).append(error)
    tally.rows_read += len(batch)
    for number in sorted(problems):
        tally.reject(problems[number])
        if rejected is not None:
            rejected.add(sources[number], problems[number])
    return ready


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
