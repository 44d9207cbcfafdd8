"""Use cases of the information systems' data (source group 3): importing rosters, service-delivery records
and accessibility findings, each import one transaction with the guarantees of every import (all or
nothing, errors by file, row and field, importing the same file again changes nothing), and deleting
records past their retention period.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tekseru.catalog import information_systems
from tekseru.catalog.edition import CatalogueEdition
from tekseru.i18n import DEFAULT_LANGUAGE
from tekseru.intake import (
    ImportReport,
    ImportSteps,
    Progress,
    RowError,
    SourceRow,
    default_rejected_path,
    open_table,
    run_import,
)
from tekseru.intake.readers import Columns
from tekseru.intake.rosters import (
    DELIVERY_COLUMNS,
    FINDING_COLUMNS,
    ROSTER_COLUMNS,
    ROSTER_SOURCES,
    DeliveryRow,
    DeliveryValidator,
    FindingRow,
    FindingValidator,
    RosterRow,
    RosterValidator,
)
from tekseru.scoring.period import months_before
from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission
from tekseru.store import Database
from tekseru.store.rosters import DELIVERY, FINDING, ROSTER, purge_before, upsert
from tekseru.store.turns import IMPORTS, take_turns

T = TypeVar("T")


class UnknownSource(ValueError):
    """A roster source other than provider, esobes, portal."""


def import_roster(
    db: Database,
    source: str,
    path: Path,
    *,
    actor: Actor,
    today: date,
    skip_invalid: bool = False,
    rejected_path: Path | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    sheet: str | None = None,
    job_id: uuid.UUID | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import one source's roster (upsert by IIN, provider, source and start date)."""
    if source not in ROSTER_SOURCES:
        raise UnknownSource(source)

    def rows(found: Sequence[RosterRow]) -> list[dict[str, Any]]:
        return [
            {
                "iin": row.iin,
                "provider_bin": row.bin,
                "source": source,
                "starts_on": row.starts_on,
                "form": row.form,
                "ends_on": row.ends_on,
            }
            for row in found
        ]

    return _import(
        db, path, ROSTER_COLUMNS, lambda file: RosterValidator(file, today).validate, rows, ROSTER,
        f"rosters.import.{source}", actor, skip_invalid, rejected_path, progress, now, sheet, job_id,
        language,
    )  # fmt: skip


def import_deliveries(
    db: Database,
    path: Path,
    edition: CatalogueEdition,
    *,
    actor: Actor,
    today: date,
    skip_invalid: bool = False,
    rejected_path: Path | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    sheet: str | None = None,
    job_id: uuid.UUID | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import service-delivery records; the kinds are those of the edition's rows 79, 80, 83 and 84."""
    rules = information_systems.of_edition(edition)
    kinds = rules.kinds("service") + rules.kinds("rehabilitation")

    def rows(found: Sequence[DeliveryRow]) -> list[dict[str, Any]]:
        return [
            {
                "iin": row.iin,
                "provider_bin": row.bin,
                "kind": row.kind,
                "delivered_on": row.delivered_on,
                "planned": row.planned,
                "delivered": row.delivered,
            }
            for row in found
        ]

    return _import(
        db, path, DELIVERY_COLUMNS, lambda file: DeliveryValidator(file, today, kinds).validate, rows,
        DELIVERY, "rosters.import.deliveries", actor, skip_invalid, rejected_path, progress, now, sheet,
        job_id, language,
    )  # fmt: skip


def import_findings(
    db: Database,
    path: Path,
    edition: CatalogueEdition,
    *,
    actor: Actor,
    today: date,
    skip_invalid: bool = False,
    rejected_path: Path | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    sheet: str | None = None,
    job_id: uuid.UUID | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import local executive bodies' accessibility findings; the elements are those of rows 81 and 82."""
    elements = information_systems.of_edition(edition).kinds("accessibility")

    def rows(found: Sequence[FindingRow]) -> list[dict[str, Any]]:
        return [
            {"subject_bin": r.bin, "object": r.object, "element": r.element, "found_on": r.found_on}
            for r in found
        ]

    return _import(
        db, path, FINDING_COLUMNS, lambda file: FindingValidator(file, today, elements).validate, rows,
        FINDING, "rosters.import.findings", actor, skip_invalid, rejected_path, progress, now, sheet, job_id,
        language,
    )  # fmt: skip


def _import(
    db: Database,
    path: Path,
    columns: Columns,
    validator: Callable[[str], Callable[[SourceRow], T | list[RowError]]],
    to_rows: Callable[[Sequence[T]], list[dict[str, Any]]],
    kind: Any,
    action: str,
    actor: Actor,
    skip_invalid: bool,
    rejected_path: Path | None,
    progress: Progress | None,
    now: datetime | None,
    sheet: str | None = None,
    job_id: uuid.UUID | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> ImportReport:
    actor.require(Permission.IMPORT)
    stamp = now or datetime.now(UTC)
    with open_table(path, columns, sheet=sheet) as table, db.transaction() as session:
        take_turns(session, IMPORTS)  # two imports at once: the second reads what the first stored
        steps = ImportSteps[T, T](
            validate=validator(table.file),
            resolve=lambda rows: (rows, []),
            write=lambda rows: upsert(session, kind, to_rows(rows), now=stamp),
        )
        report = run_import(
            table,
            steps,
            skip_invalid=skip_invalid,
            rejected_path=rejected_path or default_rejected_path(path),
            progress=progress,
            language=language,
        )
        # The audit keeps the file's name and counts, never a record: the records are personal data.
        counts = ("rows_read", "created", "updated", "unchanged", "rejected")
        after: dict[str, object] = {"file": report.file} | {name: getattr(report, name) for name in counts}
        if job_id is None:
            audit.record(session, actor, action, "import", report.file[-100:], after=after, now=stamp)
        else:  # a background job's import is audited under the job, as the registry's imports are
            after["error_count"] = len(report.errors)
            audit.record(session, actor, action, "job", job_id, after=after, now=stamp)
        return report


def purge_expired(
    db: Database, edition: CatalogueEdition, *, actor: Actor, now: datetime | None = None
) -> dict[str, int]:
    """Delete roster, delivery and finding records not seen in an import for the retention period (data
    of the edition: `roster_retention_months`); how many of each were deleted. Administrators only."""
    actor.require(Permission.MANAGE_DATABASE)
    stamp = now or datetime.now(UTC)
    months = information_systems.of_edition(edition).retention_months
    cutoff_day = months_before(stamp.date(), months)
    cutoff = datetime(cutoff_day.year, cutoff_day.month, cutoff_day.day, tzinfo=UTC)
    with db.transaction() as session:
        deleted = purge_before(session, cutoff)
        after = {"before": cutoff.isoformat(), "retention_months": months, **deleted}
        audit.record(session, actor, "rosters.purge", "rosters", "retention", after=after, now=stamp)
    return deleted
