"""Reading and checking import files (CSV or XLSX) of subjects and evidence; see docs/import-formats.md."""

from tekseru.intake.errors import ErrorKind, ImportFileError, RowError
from tekseru.intake.evidence import EVIDENCE_COLUMNS, EvidenceRow, EvidenceValidator, attach_subjects
from tekseru.intake.messages import language_from_locale, render
from tekseru.intake.pipeline import (
    CheckedImport,
    ImportReport,
    ImportSteps,
    Progress,
    ReadAs,
    Spool,
    check_import,
    collector_paused,
    report_written,
    run_import,
    write_checked,
)
from tekseru.intake.readers import (
    Columns,
    ReadLimits,
    Source,
    SourceRow,
    Table,
    Upload,
    open_table,
    workbook_sheets,
)
from tekseru.intake.rejected import default_rejected_path
from tekseru.intake.subjects import SUBJECT_COLUMNS, SubjectRow, SubjectValidator
from tekseru.store.text import control_character

__all__ = [
    "EVIDENCE_COLUMNS",
    "SUBJECT_COLUMNS",
    "CheckedImport",
    "Columns",
    "ErrorKind",
    "EvidenceRow",
    "EvidenceValidator",
    "ImportFileError",
    "ImportReport",
    "ImportSteps",
    "Progress",
    "ReadAs",
    "ReadLimits",
    "RowError",
    "Source",
    "SourceRow",
    "Spool",
    "SubjectRow",
    "SubjectValidator",
    "Table",
    "Upload",
    "attach_subjects",
    "check_import",
    "collector_paused",
    "control_character",
    "default_rejected_path",
    "language_from_locale",
    "open_table",
    "render",
    "report_written",
    "run_import",
    "workbook_sheets",
    "write_checked",
]
