"""The database: models, migrations and the repository functions services call. No SQL lives elsewhere."""

from tekseru.store.database import (
    Database,
    DatabaseBusy,
    DatabaseNeedsUpgrade,
    DatabaseTooNew,
    DatabaseUnreachable,
    open_database,
    sqlite_url,
    upgrade_database,
)
from tekseru.store.records import (
    AssessmentResultData,
    AssessmentRun,
    EvidenceData,
    EvidenceRecord,
    SubjectData,
    SubjectRecord,
    WriteCounts,
)

__all__ = [
    "AssessmentResultData",
    "AssessmentRun",
    "Database",
    "DatabaseBusy",
    "DatabaseNeedsUpgrade",
    "DatabaseTooNew",
    "DatabaseUnreachable",
    "EvidenceData",
    "EvidenceRecord",
    "SubjectData",
    "SubjectRecord",
    "WriteCounts",
    "open_database",
    "sqlite_url",
    "upgrade_database",
]
